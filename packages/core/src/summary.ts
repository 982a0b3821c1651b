import type { Effect } from './effects';
import type { EngineEvent } from './engine';
import { ceilDiv } from './integers';
import type { JsonValue } from './json';
import { formatPercent, formatPoints, formatScaled, formatYuan, pricePerPointScaled } from './money';

export interface Checkpoint {
  event: number;
  orders: number;
  cashFen: bigint;
  supplyUnits: bigint;
  referralPaidFen: bigint;
  exitPaidFen: bigint;
  redeemPaidFen: bigint;
  exitCount: number;
}

export interface SimulationSummary {
  events: number;
  users: number;
  orders: number;
  revenueFen: bigint;
  referralPaidFen: bigint;
  poolContributionFen: bigint;
  exitCount: number;
  exitPaidFen: bigint;
  redeemCount: number;
  redeemPaidFen: bigint;
  rejectedCount: number;
  cashFen: bigint;
  supplyUnits: bigint;
  checkpoints: Checkpoint[];
}

/**
 * Folds a run's effects into the numbers an operator reads before launch: revenue, what each plan paid, the
 * pool, and the price path at evenly spaced checkpoints.
 */
export class SummaryCollector {
  private readonly s: SimulationSummary = {
    events: 0,
    users: 0,
    orders: 0,
    revenueFen: 0n,
    referralPaidFen: 0n,
    poolContributionFen: 0n,
    exitCount: 0,
    exitPaidFen: 0n,
    redeemCount: 0,
    redeemPaidFen: 0n,
    rejectedCount: 0,
    cashFen: 0n,
    supplyUnits: 0n,
    checkpoints: [],
  };
  private readonly every: number;

  constructor(totalEvents: number, checkpoints = 100) {
    // One checkpoint every `every` events.
    this.every = Math.max(1, ceilDiv(totalEvents, Math.max(1, checkpoints)));
  }

  onEvent(index: number, event: EngineEvent, effects: readonly Effect[]): void {
    const s = this.s;
    s.events = index + 1;
    if (event.type === 'join') s.users += 1;
    else if (event.type === 'settle') {
      s.orders += 1;
      s.revenueFen += event.amountFen;
    }
    for (const effect of effects) {
      if (effect.type === 'transfer') {
        if (effect.reason === 'referralCycle') s.referralPaidFen += effect.amountFen;
        else if (effect.reason === 'poolContribution') s.poolContributionFen += effect.amountFen;
        else if (effect.reason === 'appreciationExit') s.exitPaidFen += effect.amountFen;
        else s.redeemPaidFen += effect.amountFen;
      } else if (effect.type === 'position') {
        if (effect.status === 'exited') s.exitCount += 1;
      } else if (effect.type === 'pool') {
        s.cashFen = effect.cashFen;
        s.supplyUnits = effect.supplyUnits;
      } else if (effect.type === 'rejected') {
        s.rejectedCount += 1;
      }
    }
    if (event.type === 'redeem' && !effects.some((e) => e.type === 'rejected')) s.redeemCount += 1;
    if ((index + 1) % this.every === 0) this.checkpoint();
  }

  private checkpoint(): void {
    const s = this.s;
    const last = s.checkpoints[s.checkpoints.length - 1];
    if (last?.event === s.events) return;
    s.checkpoints.push({
      event: s.events,
      orders: s.orders,
      cashFen: s.cashFen,
      supplyUnits: s.supplyUnits,
      referralPaidFen: s.referralPaidFen,
      exitPaidFen: s.exitPaidFen,
      redeemPaidFen: s.redeemPaidFen,
      exitCount: s.exitCount,
    });
  }

  result(): SimulationSummary {
    this.checkpoint();
    return { ...this.s, checkpoints: [...this.s.checkpoints] };
  }
}

export function payoutFen(s: SimulationSummary): bigint {
  return s.referralPaidFen + s.exitPaidFen + s.redeemPaidFen;
}

/** Price in yuan per point with four decimals, for display. */
export function formatPrice(cashFen: bigint, supplyUnits: bigint): string {
  if (supplyUnits === 0n) return '-';
  return formatScaled(pricePerPointScaled(cashFen, supplyUnits, 1_000_000n), 100_000_000n, 4);
}

export function summaryToJson(s: SimulationSummary): JsonValue {
  return {
    events: s.events,
    users: s.users,
    orders: s.orders,
    revenueFen: s.revenueFen,
    referralPaidFen: s.referralPaidFen,
    poolContributionFen: s.poolContributionFen,
    exitCount: s.exitCount,
    exitPaidFen: s.exitPaidFen,
    redeemCount: s.redeemCount,
    redeemPaidFen: s.redeemPaidFen,
    rejectedCount: s.rejectedCount,
    payoutFen: payoutFen(s),
    cashFen: s.cashFen,
    supplyUnits: s.supplyUnits,
    checkpoints: s.checkpoints.map((c) => ({
      event: c.event,
      orders: c.orders,
      cashFen: c.cashFen,
      supplyUnits: c.supplyUnits,
      referralPaidFen: c.referralPaidFen,
      exitPaidFen: c.exitPaidFen,
      redeemPaidFen: c.redeemPaidFen,
      exitCount: c.exitCount,
    })),
  };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === 0 ? padEnd(cell, widths[i] ?? 0) : padStart(cell, widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

/** CJK characters take two columns in a terminal. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return width;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

/** A readable report: totals, then the price path at a few checkpoints. */
export function formatSummary(s: SimulationSummary, pathPoints = 5): string {
  const payout = payoutFen(s);
  const totals = table([
    ['订单 Orders', s.orders.toString()],
    ['用户 Shoppers', s.users.toString()],
    ['营业额 Revenue (¥)', formatYuan(s.revenueFen)],
    ['推三返一 Referral payout (¥)', formatYuan(s.referralPaidFen)],
    ['  占营业额 share of revenue', formatPercent(s.referralPaidFen, s.revenueFen)],
    ['入池 Pool contributions (¥)', formatYuan(s.poolContributionFen)],
    ['池内现金 Pool cash (¥)', formatYuan(s.cashFen)],
    ['积分总量 Supply (points)', formatPoints(s.supplyUnits)],
    ['积分价格 Price (¥/point)', formatPrice(s.cashFen, s.supplyUnits)],
    ['出局 Exits', s.exitCount.toString()],
    ['出局兑付 Exit payout (¥)', formatYuan(s.exitPaidFen)],
    ['兑换 Redemptions', s.redeemCount.toString()],
    ['兑换兑付 Redemption payout (¥)', formatYuan(s.redeemPaidFen)],
    ['拒绝 Rejected redemptions', s.rejectedCount.toString()],
    ['总支出 Total payout (¥)', formatYuan(payout)],
    ['支出比例 Payout ratio', formatPercent(payout, s.revenueFen)],
  ]);
  const points = s.checkpoints;
  const picked: Checkpoint[] = [];
  for (let k = 1; k <= pathPoints; k += 1) {
    const cp = points[Math.max(0, ceilDiv(points.length * k, pathPoints) - 1)];
    if (cp !== undefined && picked[picked.length - 1] !== cp) picked.push(cp);
  }
  const path = table([
    ['订单 Orders', '池内现金 Cash (¥)', '价格 Price (¥/pt)', '出局 Exits', '总支出 Payout (¥)'],
    ...picked.map((c) => [
      c.orders.toString(),
      formatYuan(c.cashFen),
      formatPrice(c.cashFen, c.supplyUnits),
      c.exitCount.toString(),
      formatYuan(c.referralPaidFen + c.exitPaidFen + c.redeemPaidFen),
    ]),
  ]);
  return `${totals}\n\n价格路径 Price path\n${path}\n`;
}
