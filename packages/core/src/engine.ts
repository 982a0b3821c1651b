import type { Effect } from './effects';
import type { Directory, PlanInstance, PlanRuntimeOptions, SettledOrder } from './plan';
import { parseParams, type ParamProblem } from './params';
import { PLANS } from './plans/registry';
import type { AppreciationPoolInstance } from './plans/appreciation-pool';
import { APPRECIATION_POOL } from './plans/appreciation-pool';
import { REFERRAL_CYCLE, type ReferralCycleInstance } from './plans/referral-cycle';

/**
 * The largest order the engine takes: 10^12 fen (10 billion yuan). It keeps every position's numbers inside
 * 63 bits (units mint at no more than 10^6 per credited fen), so the column storage can never overflow.
 */
export const MAX_AMOUNT_FEN = 1_000_000_000_000n;

export type EngineEvent =
  | { type: 'join'; user: string; referrer?: string | undefined }
  | {
      type: 'settle';
      user: string;
      order: string;
      amountFen: bigint;
      /** Plans the order's product takes part in; absent means every enabled plan. */
      plans?: readonly string[] | undefined;
    }
  | { type: 'redeem'; user: string; order: string; units: bigint };

/** Validated plan configuration: plan code -> parameter values, in registry order. */
export interface EngineConfig {
  readonly plans: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

export interface ConfigProblem extends ParamProblem {
  plan: string;
}

/** Input the engine refuses; it changes nothing when it throws this. */
export class EngineInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineInputError';
  }
}

export function parseEngineConfig(
  raw: unknown,
): { ok: true; config: EngineConfig } | { ok: false; problems: ConfigProblem[] } {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      problems: [{ plan: '', param: '', code: 'invalid_parameter', message: 'plans must be an object' }],
    };
  }
  const input = raw as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  for (const code of Object.keys(input)) {
    if (!PLANS.some((p) => p.code === code)) {
      problems.push({ plan: code, param: '', code: 'unknown_plan', message: `unknown plan ${code}` });
    }
  }
  const plans = new Map<string, Readonly<Record<string, unknown>>>();
  for (const definition of PLANS) {
    if (!Object.hasOwn(input, definition.code)) continue;
    const parsed = parseParams(definition.params, input[definition.code]);
    if (parsed.ok) plans.set(definition.code, parsed.value);
    else
      for (const p of parsed.problems)
        problems.push({ ...p, plan: definition.code, message: `${definition.code}: ${p.message}` });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { plans } };
}

/**
 * The incentive engine: a deterministic state machine over join / settle / redeem events. It never does I/O,
 * reads no clock and makes no ids; it returns effects for an adapter to write. Feeding it the same events in the
 * same order always yields the same effects, which is what replay and audit rely on.
 */
export class Engine {
  // Shoppers and orders get dense indices so plans can keep their state in columns instead of maps of objects.
  private readonly userIndex = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly referrers: number[] = [];
  private readonly orderIndex = new Map<string, number>();
  private readonly orderIds: string[] = [];
  private readonly orderUsers: number[] = [];
  private readonly instances: PlanInstance[] = [];
  private sequence = 0;

  constructor(
    readonly config: EngineConfig,
    options: PlanRuntimeOptions = { exitDetection: 'index' },
  ) {
    const directory: Directory = {
      referrerOf: (user) => this.referrers[user] ?? -1,
      userId: (user) => this.userIds[user] as string,
      orderId: (order) => this.orderIds[order] as string,
      orderIndex: (order) => this.orderIndex.get(order) ?? -1,
    };
    for (const definition of PLANS) {
      const params = config.plans.get(definition.code);
      if (params !== undefined) {
        this.instances.push(definition.create(params as never, directory, options));
      }
    }
  }

  /** Number of events applied so far. */
  get seq(): number {
    return this.sequence;
  }

  hasUser(user: string): boolean {
    return this.userIndex.has(user);
  }

  referrerOf(user: string): string | undefined {
    const index = this.userIndex.get(user);
    const referrer = index === undefined ? -1 : (this.referrers[index] ?? -1);
    return referrer < 0 ? undefined : this.userIds[referrer];
  }

  /** Buyer of a settled order, if the order has settled. */
  orderOwner(order: string): string | undefined {
    const index = this.orderIndex.get(order);
    return index === undefined ? undefined : this.userIds[this.orderUsers[index] as number];
  }

  plan(code: string): PlanInstance | undefined {
    return this.instances.find((p) => p.code === code);
  }

  get pool(): AppreciationPoolInstance | undefined {
    return this.plan(APPRECIATION_POOL) as unknown as AppreciationPoolInstance | undefined;
  }

  get referralCycle(): ReferralCycleInstance | undefined {
    return this.plan(REFERRAL_CYCLE) as unknown as ReferralCycleInstance | undefined;
  }

  /** A shopper's referral-cycle state, if the plan is on and the shopper exists. */
  referralState(user: string): { merchant: boolean; baseFen: bigint; rewardCount: number } | undefined {
    const index = this.userIndex.get(user);
    return index === undefined ? undefined : this.referralCycle?.member(index);
  }

  /** Validates and applies one event. Throws EngineInputError (and changes nothing) on bad input. */
  apply(event: EngineEvent): Effect[] {
    const out: Effect[] = [];
    switch (event.type) {
      case 'join':
        this.join(event.user, event.referrer);
        break;
      case 'settle':
        this.settle(event, out);
        break;
      case 'redeem':
        this.redeem(event, out);
        break;
      default:
        throw new EngineInputError('unknown_event', `unknown event type ${(event as { type: unknown }).type}`);
    }
    this.sequence += 1;
    return out;
  }

  private requireUser(user: string): number {
    const index = this.userIndex.get(user);
    if (index === undefined) throw new EngineInputError('unknown_user', `unknown user ${user}`);
    return index;
  }

  private join(user: string, referrer: string | undefined): void {
    if (typeof user !== 'string' || user.length === 0) {
      throw new EngineInputError('invalid_user', 'user must be a non-empty string');
    }
    if (this.userIndex.has(user)) throw new EngineInputError('duplicate_user', `user ${user} already joined`);
    let referrerIndex = -1;
    if (referrer !== undefined) {
      // Referrers must already exist and can never change, so the invitation graph is a forest: no loops.
      if (referrer === user) throw new EngineInputError('referrer_loop', `user ${user} cannot invite themselves`);
      const found = this.userIndex.get(referrer);
      if (found === undefined) throw new EngineInputError('unknown_referrer', `unknown referrer ${referrer}`);
      referrerIndex = found;
    }
    this.userIndex.set(user, this.userIds.length);
    this.userIds.push(user);
    this.referrers.push(referrerIndex);
  }

  private settle(event: Extract<EngineEvent, { type: 'settle' }>, out: Effect[]): void {
    const userIndex = this.requireUser(event.user);
    if (typeof event.order !== 'string' || event.order.length === 0) {
      throw new EngineInputError('invalid_order', 'order must be a non-empty string');
    }
    if (this.orderIndex.has(event.order)) {
      throw new EngineInputError('duplicate_order', `order ${event.order} already settled`);
    }
    if (typeof event.amountFen !== 'bigint' || event.amountFen < 0n || event.amountFen > MAX_AMOUNT_FEN) {
      throw new EngineInputError('invalid_amount', `amountFen must be an integer from 0 to ${MAX_AMOUNT_FEN}`);
    }
    if (event.plans !== undefined) {
      for (const code of event.plans) {
        if (!PLANS.some((p) => p.code === code)) throw new EngineInputError('unknown_plan', `unknown plan ${code}`);
      }
    }
    const orderIndex = this.orderIds.length;
    this.orderIndex.set(event.order, orderIndex);
    this.orderIds.push(event.order);
    this.orderUsers.push(userIndex);
    const settled: SettledOrder = {
      seq: this.sequence,
      order: event.order,
      orderIndex,
      user: event.user,
      userIndex,
      amountFen: event.amountFen,
    };
    for (const instance of this.instances) {
      if (event.plans === undefined || event.plans.includes(instance.code)) instance.settle(settled, out);
    }
  }

  private redeem(event: Extract<EngineEvent, { type: 'redeem' }>, out: Effect[]): void {
    const userIndex = this.requireUser(event.user);
    const orderIndex = this.orderIndex.get(event.order);
    if (orderIndex === undefined) throw new EngineInputError('unknown_order', `unknown order ${event.order}`);
    if (this.orderUsers[orderIndex] !== userIndex) {
      throw new EngineInputError('not_owner', `order ${event.order} belongs to another user`);
    }
    if (typeof event.units !== 'bigint' || event.units <= 0n) {
      throw new EngineInputError('invalid_units', 'units must be a positive integer');
    }
    const holder = this.instances.find((p) => p.redeem !== undefined && p.holdsOrder?.(orderIndex) === true);
    if (holder?.redeem === undefined) {
      throw new EngineInputError('no_position', `order ${event.order} has no position to redeem`);
    }
    holder.redeem(
      { seq: this.sequence, user: event.user, userIndex, order: event.order, orderIndex, units: event.units },
      out,
    );
  }
}
