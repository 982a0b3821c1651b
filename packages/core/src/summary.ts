import type { Effect } from './effects';
import type { Engine, EngineEvent } from './engine';
import { ceilDiv } from './integers';
import type { JsonValue } from './json';
import { formatPercent, formatPoints, formatScaled, formatYuan, pricePerPointScaled } from './money';
import type { Fact } from './plan';
import type { Label } from './params';
import { PLANS } from './plans/registry';
import { textTable } from './text-table';

/**
 * Folds a run's effects into the numbers an operator reads before launch: revenue, what every reward kind and
 * every campaign paid, each campaign's facts, and a path of checkpoints. Nothing here knows a plan: labels, facts
 * and kinds come from the registry.
 */
export interface KindTotal {
  kind: string;
  label: Label;
  count: number;
  amountFen: bigint;
}

export interface CampaignSummary {
  id: string;
  plan: string;
  title: Label;
  version: number;
  payoutFen: bigint;
  credits: number;
  /** Money moved into the campaign's own accounts (pool cash, dividend pool, cashback reserve). */
  heldFen: bigint;
  facts: readonly Fact[];
}

export interface Checkpoint {
  event: number;
  orders: number;
  revenueFen: bigint;
  payoutFen: bigint;
  /** Facts of every campaign at this point: campaign -> fact key -> value. */
  facts: Readonly<Record<string, Readonly<Record<string, bigint>>>>;
  paidByKind: Readonly<Record<string, bigint>>;
  creditsByKind: Readonly<Record<string, number>>;
}

export interface SimulationSummary {
  events: number;
  users: number;
  orders: number;
  revenueFen: bigint;
  payoutFen: bigint;
  redeemCount: number;
  rejectedCount: number;
  kinds: KindTotal[];
  campaigns: CampaignSummary[];
  checkpoints: Checkpoint[];
}

function kindLabel(kind: string): Label {
  for (const plan of PLANS) {
    const label = (plan.rewardKinds as Record<string, Label | undefined>)[kind];
    if (label !== undefined) return label;
  }
  return { zh: kind, en: kind };
}

/** Reward kinds in the registry's order (the SPEC 3.5 settlement order), unknown kinds last. */
function kindRank(kind: string): number {
  let rank = 0;
  for (const plan of PLANS) {
    for (const k of Object.keys(plan.rewardKinds)) {
      if (k === kind) return rank;
      rank += 1;
    }
  }
  return rank;
}

function factsOf(engine: Engine | undefined): Record<string, Record<string, bigint>> {
  const out: Record<string, Record<string, bigint>> = {};
  for (const entry of engine?.campaigns() ?? []) {
    const values: Record<string, bigint> = {};
    for (const fact of entry.definition.facts(entry.instance)) values[fact.key] = fact.value;
    out[entry.ref.id] = values;
  }
  return out;
}

export class SummaryCollector {
  private events = 0;
  private users = 0;
  private orders = 0;
  private revenueFen = 0n;
  private payoutFen = 0n;
  private redeemCount = 0;
  private rejectedCount = 0;
  private readonly kinds = new Map<string, { count: number; amountFen: bigint }>();
  private readonly byCampaign = new Map<string, { payoutFen: bigint; credits: number; heldFen: bigint }>();
  private readonly checkpoints: Checkpoint[] = [];
  private readonly every: number;

  constructor(totalEvents: number, checkpoints = 100) {
    this.every = Math.max(1, ceilDiv(totalEvents, Math.max(1, checkpoints)));
  }

  private campaign(id: string): { payoutFen: bigint; credits: number; heldFen: bigint } {
    let c = this.byCampaign.get(id);
    if (c === undefined) {
      c = { payoutFen: 0n, credits: 0, heldFen: 0n };
      this.byCampaign.set(id, c);
    }
    return c;
  }

  onEvent(index: number, event: EngineEvent, effects: readonly Effect[], engine?: Engine): void {
    this.events = index + 1;
    if (event.type === 'join') this.users += 1;
    else if (event.type === 'settle') {
      this.orders += 1;
      this.revenueFen += event.amountFen;
    }
    let rejected = false;
    for (const effect of effects) {
      if (effect.type === 'transfer') {
        const c = this.campaign(effect.campaign);
        if (effect.user === undefined) {
          c.heldFen += effect.amountFen;
          continue;
        }
        const k = this.kinds.get(effect.reason) ?? { count: 0, amountFen: 0n };
        k.count += 1;
        k.amountFen += effect.amountFen;
        this.kinds.set(effect.reason, k);
        this.payoutFen += effect.amountFen;
        c.payoutFen += effect.amountFen;
        c.credits += 1;
      } else if (effect.type === 'rejected') {
        rejected = true;
        this.rejectedCount += 1;
      }
    }
    if (event.type === 'redeem' && !rejected) this.redeemCount += 1;
    if ((index + 1) % this.every === 0) this.checkpoint(engine);
  }

  private checkpoint(engine: Engine | undefined): void {
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last?.event === this.events) return;
    const paidByKind: Record<string, bigint> = {};
    const creditsByKind: Record<string, number> = {};
    for (const [kind, total] of this.kinds) {
      paidByKind[kind] = total.amountFen;
      creditsByKind[kind] = total.count;
    }
    this.checkpoints.push({
      event: this.events,
      orders: this.orders,
      revenueFen: this.revenueFen,
      payoutFen: this.payoutFen,
      facts: factsOf(engine),
      paidByKind,
      creditsByKind,
    });
  }

  /** Pass the engine the run ended with, for each campaign's facts. */
  result(engine?: Engine): SimulationSummary {
    this.checkpoint(engine);
    const campaigns: CampaignSummary[] = (engine?.campaigns() ?? []).map((entry) => {
      const c = this.byCampaign.get(entry.ref.id) ?? { payoutFen: 0n, credits: 0, heldFen: 0n };
      return {
        id: entry.ref.id,
        plan: entry.ref.plan,
        title: entry.definition.title,
        version: entry.ref.version,
        ...c,
        facts: entry.definition.facts(entry.instance),
      };
    });
    return {
      events: this.events,
      users: this.users,
      orders: this.orders,
      revenueFen: this.revenueFen,
      payoutFen: this.payoutFen,
      redeemCount: this.redeemCount,
      rejectedCount: this.rejectedCount,
      kinds: [...this.kinds]
        .map(([kind, t]) => ({ kind, label: kindLabel(kind), ...t }))
        .sort((a, b) => kindRank(a.kind) - kindRank(b.kind)),
      campaigns,
      checkpoints: [...this.checkpoints],
    };
  }
}

export function payoutFen(s: SimulationSummary): bigint {
  return s.payoutFen;
}

/** Price in yuan per point with four decimals, for display. */
export function formatPrice(cashFen: bigint, supplyUnits: bigint): string {
  if (supplyUnits === 0n) return '-';
  return formatScaled(pricePerPointScaled(cashFen, supplyUnits, 1_000_000n), 100_000_000n, 4);
}

function formatFact(fact: Pick<Fact, 'unit' | 'value'>): string {
  switch (fact.unit) {
    case 'fen':
      return `¥${formatYuan(fact.value)}`;
    case 'points':
      return formatPoints(fact.value);
    case 'price':
      return `¥${formatScaled(fact.value, 1_000_000n, 4)}`;
    default:
      return fact.value.toString();
  }
}

/**
 * The pre-campaign summary keys the admin simulator and its tests read (referralPaidFen, exitPaidFen, cashFen...):
 * spelled once here from the generic totals, until the simulator reads `kinds` and `campaigns`.
 */
const LEGACY_KINDS: Readonly<Record<string, string>> = {
  referralCycle: 'referralPaidFen',
  appreciationExit: 'exitPaidFen',
  appreciationRedeem: 'redeemPaidFen',
};

function legacyFacts(facts: Checkpoint['facts']): { cashFen: bigint; supplyUnits: bigint } {
  const pool = facts.appreciationPool;
  return { cashFen: pool?.cashFen ?? 0n, supplyUnits: pool?.supplyUnits ?? 0n };
}

function legacyPaid(paid: Readonly<Record<string, bigint>>): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const [kind, key] of Object.entries(LEGACY_KINDS)) out[key] = paid[kind] ?? 0n;
  return out;
}

export function summaryToJson(s: SimulationSummary): JsonValue {
  const last = s.checkpoints[s.checkpoints.length - 1];
  const paid = last?.paidByKind ?? {};
  const exit = s.kinds.find((k) => k.kind === 'appreciationExit');
  const pool = s.campaigns.find((c) => c.id === 'appreciationPool');
  return {
    events: s.events,
    users: s.users,
    orders: s.orders,
    revenueFen: s.revenueFen,
    payoutFen: s.payoutFen,
    ...legacyPaid(paid),
    poolContributionFen: pool?.heldFen ?? 0n,
    exitCount: exit?.count ?? 0,
    redeemCount: s.redeemCount,
    rejectedCount: s.rejectedCount,
    ...legacyFacts(last?.facts ?? {}),
    kinds: s.kinds.map((k) => ({ kind: k.kind, label: { ...k.label }, count: k.count, amountFen: k.amountFen })),
    campaigns: s.campaigns.map((c) => ({
      id: c.id,
      plan: c.plan,
      title: { ...c.title },
      version: c.version,
      payoutFen: c.payoutFen,
      credits: c.credits,
      heldFen: c.heldFen,
      facts: c.facts.map((f) => ({ key: f.key, label: { ...f.label }, unit: f.unit, value: f.value })),
    })),
    checkpoints: s.checkpoints.map((c) => ({
      event: c.event,
      orders: c.orders,
      revenueFen: c.revenueFen,
      payoutFen: c.payoutFen,
      ...legacyFacts(c.facts),
      ...legacyPaid(c.paidByKind),
      exitCount: c.creditsByKind.appreciationExit ?? 0,
      facts: c.facts,
    })),
  };
}

export interface SummaryOptions {
  /** The operator's gross margin in bps of revenue, to set the combined payout against. */
  marginBps?: number | undefined;
  pathPoints?: number;
}

/** A readable report: totals per reward kind and per campaign, facts, margin, then a path of checkpoints. */
export function formatSummary(s: SimulationSummary, options: SummaryOptions = {}): string {
  const share = (fen: bigint): string => formatPercent(fen, s.revenueFen);
  const rows: string[][] = [
    ['订单 Orders', s.orders.toString()],
    ['用户 Shoppers', s.users.toString()],
    ['营业额 Revenue (¥)', formatYuan(s.revenueFen)],
  ];
  for (const k of s.kinds) rows.push([`${k.label.zh} ${k.label.en} (¥)`, formatYuan(k.amountFen), share(k.amountFen)]);
  rows.push(['兑换 Redemptions', s.redeemCount.toString()], ['拒绝 Rejected redemptions', s.rejectedCount.toString()]);
  rows.push(['总支出 Total payout (¥)', formatYuan(s.payoutFen), share(s.payoutFen)]);
  if (options.marginBps !== undefined) {
    const margin = (s.revenueFen * BigInt(options.marginBps)) / 10_000n;
    const verdict = s.payoutFen > margin ? '超出 EXCEEDS margin' : '未超出 within margin';
    rows.push([`毛利 Margin (¥, ${formatPercent(BigInt(options.marginBps), 10_000n)})`, formatYuan(margin), verdict]);
  }
  const campaignRows: string[][] = [
    ['活动 Campaign', '方案 Plan', '版本 Ver', '支出 Payout (¥)', '占营业额 Share', '留存 Held (¥)'],
  ];
  for (const c of s.campaigns) {
    campaignRows.push([
      c.id,
      `${c.title.zh} ${c.title.en}`,
      `v${c.version}`,
      formatYuan(c.payoutFen),
      share(c.payoutFen),
      formatYuan(c.heldFen),
    ]);
  }
  const factRows: string[][] = [];
  for (const c of s.campaigns) {
    for (const f of c.facts) factRows.push([`${c.id}: ${f.label.zh} ${f.label.en}`, formatFact(f)]);
  }
  // The path: orders, revenue and payout, plus every price-like fact (a pool's price) at evenly spaced checkpoints.
  const priceKeys: [string, string, Label][] = [];
  for (const c of s.campaigns) for (const f of c.facts) if (f.unit === 'price') priceKeys.push([c.id, f.key, f.label]);
  const pathPoints = options.pathPoints ?? 5;
  const picked: Checkpoint[] = [];
  for (let k = 1; k <= pathPoints; k += 1) {
    const cp = s.checkpoints[Math.max(0, ceilDiv(s.checkpoints.length * k, pathPoints) - 1)];
    if (cp !== undefined && picked[picked.length - 1] !== cp) picked.push(cp);
  }
  const path = textTable([
    ['订单 Orders', '营业额 Revenue (¥)', '总支出 Payout (¥)', ...priceKeys.map(([id, , l]) => `${id} ${l.en} (¥)`)],
    ...picked.map((c) => [
      c.orders.toString(),
      formatYuan(c.revenueFen),
      formatYuan(c.payoutFen),
      ...priceKeys.map(([id, key]) => formatFact({ unit: 'price', value: c.facts[id]?.[key] ?? 0n })),
    ]),
  ]);
  const parts = [textTable(rows), textTable(campaignRows)];
  if (factRows.length > 0) parts.push(`状态 Facts\n${textTable(factRows)}`);
  parts.push(`价格路径 Price path\n${path}`);
  return `${parts.join('\n\n')}\n`;
}
