import type { AccountAddress } from './accounts';
import type { Effect, EngineTransferReason, RecordData, RewardKind } from './effects';
import type { JsonValue } from './json';
import type { Label, ParamContext, ParamSchema, ParamValues } from './params';

/** A platform member level (SPEC 3.5), lowest first; plans refer to levels by position in the list. */
export interface Level {
  readonly code: string;
  readonly minSpendFen: bigint;
}

/** A settled order as every settlement plan sees it. Each campaign is also handed its in-scope amount `A`. */
export interface SettledOrder {
  /** Position of the event in the totally ordered stream. */
  seq: number;
  order: string;
  /** Dense index of the order among settled orders (0, 1, 2, ...), for plans that keep columns. */
  orderIndex: number;
  user: string;
  /** Dense index of the buyer among joined shoppers (join order). */
  userIndex: number;
  /** The whole order amount (spend counts this); a plan's amount is the in-scope `A` passed beside it. */
  amountFen: bigint;
  /** Shipping region [province, city?, district?], if the order has one. */
  region: readonly string[] | undefined;
}

export interface RedeemCommand {
  seq: number;
  user: string;
  userIndex: number;
  order: string;
  orderIndex: number;
  units: bigint;
}

/** Read-only facts about shoppers, orders, levels and agents that plans may use, addressed by dense index. */
export interface Directory {
  /** The referrer's index, or -1 when the shopper joined without one. */
  referrerOf(userIndex: number): number;
  userId(userIndex: number): string;
  userCount(): number;
  orderId(orderIndex: number): string;
  /** Index of a settled order, or -1. */
  orderIndex(order: string): number;
  /** Sum of the whole amounts of the shopper's settled orders (updated after all plans acted on an order). */
  spendFen(userIndex: number): bigint;
  /** Effective level (position in the level list), or -1 without one. */
  levelOf(userIndex: number): number;
  /** Visits, in join order, every shopper whose effective level is one of `levels`, without reading the others. */
  membersAtLevels(levels: readonly number[], visit: (userIndex: number, level: number) => void): void;
  levelCount(): number;
  /** How many shoppers hold each effective level right now. */
  levelMembers(level: number): number;
  /** Agents appointed to the first `tier` parts of a region path, in appointment order. */
  agentsOf(region: readonly string[], tier: number): readonly number[];
  /** The agents of every tier of a region path (tier 1 first, empty lists included), walking the path once. */
  agentsAlong(region: readonly string[], visit: (tier: number, agents: readonly number[]) => void): void;
  /** The shopper's wallet account (built once per shopper: credits are the hottest path). */
  walletOf(userIndex: number): AccountAddress;
}

export interface PlanRuntimeOptions {
  /** 'scan' is the naive reference used by tests and the benchmark; production uses the index. */
  exitDetection: 'index' | 'scan';
}

/** The campaign an instance serves; `version` moves when its parameters are edited. */
export interface CampaignRef {
  readonly id: string;
  readonly plan: string;
  version: number;
}

export interface PlanEnv {
  directory: Directory;
  campaign: CampaignRef;
  options: PlanRuntimeOptions;
}

/** A running campaign: mutable state behind deterministic methods. Same calls in the same order, same effects. */
export interface PlanInstance {
  readonly campaign: CampaignRef;
  /** `amountFen` is the campaign's in-scope amount A of the order; the engine never calls with A = 0. */
  settle(order: SettledOrder, amountFen: bigint, out: Effect[]): void;
  /** New parameters from now on; the state (positions, queue, counters) is kept. */
  reconfigure(params: Readonly<Record<string, unknown>>): void;
  /** A deep copy that shares nothing mutable with this instance, reading the given directory. */
  fork(env: PlanEnv): PlanInstance;
  /** Only plans that hold redeemable positions implement these. */
  redeem?(command: RedeemCommand, out: Effect[]): void;
  holdsOrder?(orderIndex: number): boolean;
  /** Periodic plans: a period closes (SPEC 3.5 `periodClose`). */
  periodClose?(period: number, out: Effect[]): void;
}

export type PlanEventKind = 'redeem' | 'periodClose';

/** A labelled number a plan reports about a running campaign (summary, dashboard). */
export interface Fact {
  key: string;
  label: Label;
  value: bigint;
  /** 'price' is fen per point scaled by 10^4 (floored); 'points' are micro-points. */
  unit: 'fen' | 'points' | 'count' | 'price';
}

/** An event of a worked example, with symbolic users (A, B, ...) and orders. */
export type ExampleEvent =
  | { type: 'join'; user: string; referrer?: string }
  | { type: 'settle'; user: string; order: string; amountFen: bigint; region?: readonly string[] }
  | { type: 'setLevel'; user: string; level: number }
  | { type: 'appoint'; user: string; region: readonly string[] }
  | { type: 'redeem'; user: string; order: string; units: bigint }
  | { type: 'periodClose' };

export interface ExampleStep {
  label: Label;
  events: readonly ExampleEvent[];
}

/** What a plan says about itself on the rules page, from its live parameters. */
export interface PlanRules {
  /** What is paid, to whom, when: sentences with the parameters written in. */
  clauses: readonly Label[];
  /** A worked example the engine runs (levels are used when the platform defines none). */
  example: { description: Label; levels?: readonly Level[]; steps: readonly ExampleStep[] };
}

/** The plan's part of the SPEC 4 result (plans form) and of each campaign's entry (campaigns form). */
export interface ResultSection<I> {
  /** Keys in the plans form: sections with a negative rank come before `wallets`, the rest after `rewards`. */
  rank: number;
  json(instance: I): Readonly<Record<string, JsonValue>>;
  /** Printed in the plans form when the plan is off (SPEC 4 always prints the pool). */
  whenOff?: Readonly<Record<string, JsonValue>>;
}

export interface PlanDefinition<S extends ParamSchema = ParamSchema, I extends PlanInstance = PlanInstance> {
  code: string;
  title: Label;
  summary: Label;
  /** High-risk plans stay off until an admin enables them with a logged acknowledgement (SPEC 3.4). */
  highRisk: boolean;
  /** Levels of invitation the plan pays on; the compliance guard refuses more than two. */
  referralLevels: number;
  params: S;
  /** Every reward kind the plan can credit to a wallet, with its label. */
  rewardKinds: Readonly<Partial<Record<RewardKind, Label>>>;
  /** Record kinds the plan persists (see RecordEffect), with labels. */
  records: Readonly<Record<string, Label>>;
  /** Events the plan consumes beyond `settle`. */
  events: readonly PlanEventKind[];
  /**
   * An upper bound, in bps of the in-scope amount, of what one order can make the plan pay out over its life
   * (SPEC 3.4 margin warning). Property-tested on random scenarios.
   */
  payoutBoundBps(params: ParamValues<S>): bigint;
  create(params: ParamValues<S>, env: PlanEnv): I;
  /** Labelled numbers about a running campaign (summary, dashboard). */
  facts(instance: I): readonly Fact[];
  rules(params: ParamValues<S>, context: ParamContext): PlanRules;
  result?: ResultSection<I>;
}

/** Identity function that keeps the parameter and instance types of a plan definition. */
export function definePlan<S extends ParamSchema, I extends PlanInstance>(
  definition: PlanDefinition<S, I>,
): PlanDefinition<S, I> {
  return definition;
}

/**
 * The start of a campaign's transfer ids, `reason:campaign:` and an optional fixed head of the cause ("1:"). Plans
 * build it once per instance and add the order id per transfer: the id is then one string per transfer instead of
 * one per template part, and ids are built for every credit, the hottest allocation in settlement.
 */
export function transferIdPrefix(campaign: CampaignRef, reason: EngineTransferReason, head = ''): string {
  return `${reason}:${campaign.id}:${head}`;
}

/**
 * Pushes a transfer caused by a campaign. The id is `reason:campaign:cause`: campaign ids hold no ':', and
 * callers put the variable-length order id last in `cause`, so two causes never share an id.
 */
export function pushTransfer(
  out: Effect[],
  campaign: CampaignRef,
  reason: EngineTransferReason,
  cause: string,
  from: AccountAddress,
  to: AccountAddress,
  amountFen: bigint,
  order: string | null,
  user?: string,
): void {
  pushTransferWithId(out, `${reason}:${campaign.id}:${cause}`, campaign, reason, from, to, amountFen, order, user);
}

/** pushTransfer with the id already built (from `transferIdPrefix`). */
export function pushTransferWithId(
  out: Effect[],
  id: string,
  campaign: CampaignRef,
  reason: EngineTransferReason,
  from: AccountAddress,
  to: AccountAddress,
  amountFen: bigint,
  order: string | null,
  user?: string,
): void {
  out.push({
    type: 'transfer',
    id,
    plan: campaign.plan,
    campaign: campaign.id,
    version: campaign.version,
    reason,
    from,
    to,
    amountFen,
    order,
    user,
  });
}

/** A wallet credit (a reward) to a shopper by index; zero amounts are not credited and not listed (SPEC 4). */
export function pushCredit(
  out: Effect[],
  campaign: CampaignRef,
  kind: RewardKind,
  cause: string,
  from: AccountAddress,
  directory: Directory,
  userIndex: number,
  amountFen: bigint,
  order: string | null,
): void {
  if (amountFen === 0n) return;
  pushCreditWithId(
    out,
    `${kind}:${campaign.id}:${cause}`,
    campaign,
    kind,
    from,
    directory,
    userIndex,
    amountFen,
    order,
  );
}

/** pushCredit with the id already built (from `transferIdPrefix`). */
export function pushCreditWithId(
  out: Effect[],
  id: string,
  campaign: CampaignRef,
  kind: RewardKind,
  from: AccountAddress,
  directory: Directory,
  userIndex: number,
  amountFen: bigint,
  order: string | null,
): void {
  if (amountFen === 0n) return;
  out.push({
    type: 'transfer',
    id,
    plan: campaign.plan,
    campaign: campaign.id,
    version: campaign.version,
    reason: kind,
    from,
    to: directory.walletOf(userIndex),
    amountFen,
    order,
    user: directory.userId(userIndex),
  });
}

export function pushRecord(
  out: Effect[],
  campaign: CampaignRef,
  kind: string,
  key: string,
  user: string | undefined,
  data: RecordData,
): void {
  out.push({ type: 'record', plan: campaign.plan, campaign: campaign.id, kind, key, user, data });
}
