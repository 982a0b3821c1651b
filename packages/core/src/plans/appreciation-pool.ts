import { PLATFORM_REVENUE, poolCash } from '../accounts';
import type { Effect, RecordEffect } from '../effects';
import { UNITS_PER_POINT, formatPoints, formatYuan, pricePerPointScaled, share } from '../money';
import {
  definePlan,
  pushCredit,
  pushTransfer,
  type PlanEnv,
  type PlanInstance,
  type RedeemCommand,
  type SettledOrder,
} from '../plan';
import { redemptionQuote, type RedemptionQuote } from '../quotes';
import { JsonRows } from '../json';
import { bpsText } from './format';
import { PoolBook, type PoolParams, type PoolPosition, type PoolState } from './pool-book';

export const APPRECIATION_POOL = 'appreciationPool';
export type { PoolPosition, PoolState } from './pool-book';

const schema = {
  poolShareBps: {
    kind: 'bps',
    default: 3000,
    min: 0,
    max: 10_000,
    label: { zh: '入池比例（基点）', en: 'Pool share (bps)' },
  },
  creditShareBps: {
    kind: 'bps',
    default: 7000,
    min: 0,
    max: 10_000,
    label: { zh: '计积分比例（基点）', en: 'Credited share (bps)' },
  },
  initialPriceFen: {
    kind: 'fen',
    default: 100,
    min: 1,
    max: 100_000_000,
    label: { zh: '初始价格（分/积分）', en: 'Initial price (fen per point)' },
  },
  exitMultipleBps: {
    kind: 'bps',
    default: 20_000,
    min: 1,
    max: 1_000_000,
    label: { zh: '出局倍数（基点）', en: 'Exit multiple (bps)' },
  },
  exitCashShareBps: {
    kind: 'bps',
    default: 8000,
    min: 0,
    max: 10_000,
    label: { zh: '出局现金比例（基点）', en: 'Exit cash share (bps)' },
  },
  redeemFeeBps: {
    kind: 'bps',
    default: 2000,
    min: 0,
    max: 10_000,
    label: { zh: '兑换手续费（基点）', en: 'Redemption fee (bps)' },
  },
} as const;

export interface AppreciationPoolInstance extends PlanInstance {
  readonly book: PoolBook;
  readonly state: Readonly<PoolState>;
  /** Every position in creation order (materialised on each read). */
  readonly positions: PoolPosition[];
  readonly openCount: number;
  position(order: string): PoolPosition | undefined;
  holdsOrder(orderIndex: number): boolean;
  /**
   * Rebuilds exit detection over the open positions with another strategy. The benchmark uses it to time the
   * naive scan on a pool of 10^5 holders without first paying the scan's quadratic cost to build that pool.
   */
  rebuildExitIndex(detection: 'index' | 'scan'): void;
  redeem(command: RedeemCommand, out: Effect[]): void;
  /** What redeeming `units` of an order's position would give now (the server's preview uses the same rule). */
  quote(orderIndex: number, units: bigint): RedemptionQuote;
  fork(env: PlanEnv): AppreciationPoolInstance;
}

function toParams(params: Readonly<Record<string, unknown>>): PoolParams {
  const n = (key: string): bigint => BigInt(params[key] as number);
  return {
    poolShare: n('poolShareBps'),
    creditShare: n('creditShareBps'),
    initialPrice: n('initialPriceFen'),
    exitMultiple: n('exitMultipleBps'),
    exitCashShare: n('exitCashShareBps'),
    redeemFeeBps: n('redeemFeeBps'),
  };
}

function poolInstance(book: PoolBook): AppreciationPoolInstance {
  const { campaign, directory } = book;
  const account = poolCash(campaign.id);

  function emitPosition(p: number, out: Effect[]): void {
    const user = directory.userId(book.userOf.get(p));
    book.emit(p, user, out);
  }

  function emitPool(out: Effect[]): void {
    book.emitPool(out);
  }

  /** Exits cascade, lowest exit price first, ties by age, until no position qualifies (SPEC 3.2). */
  function cascade(out: Effect[]): void {
    for (;;) {
      const p = book.nextExit();
      if (p < 0) return;
      const paid = book.exit(p);
      const order = directory.orderId(book.orderOf.get(p));
      pushCredit(out, campaign, 'appreciationExit', order, account, directory, book.userOf.get(p), paid, order);
      emitPosition(p, out);
    }
  }

  return {
    campaign,
    book,
    get state(): Readonly<PoolState> {
      return book.state;
    },
    get positions(): PoolPosition[] {
      return book.positions();
    },
    get openCount(): number {
      return book.openCount;
    },
    position: (order: string) => book.positionOf(order),
    holdsOrder: (orderIndex: number) => book.ordinalOf(orderIndex) >= 0,
    rebuildExitIndex: (detection: 'index' | 'scan') => book.rebuildIndex(detection),
    settle(order: SettledOrder, amountFen: bigint, out: Effect[]): void {
      const contribution = share(amountFen, book.params.poolShare);
      const p = book.mint(order, amountFen, contribution);
      if (contribution > 0n) {
        pushTransfer(
          out,
          campaign,
          'poolContribution',
          order.order,
          PLATFORM_REVENUE,
          account,
          contribution,
          order.order,
        );
      }
      emitPosition(p, out);
      cascade(out);
      emitPool(out);
    },
    redeem(command: RedeemCommand, out: Effect[]): void {
      const p = book.ordinalOf(command.orderIndex);
      const quote = redemptionQuote(book.state, book.numbers(p), command.units, book.params.redeemFeeBps);
      if (!quote.ok) {
        out.push({
          type: 'rejected',
          plan: campaign.plan,
          campaign: campaign.id,
          user: command.user,
          order: command.order,
          code: quote.code,
          message: `${command.order}: ${quote.message}`,
        });
        return;
      }
      book.redeem(p, command.units, quote.grossFen, quote.paidFen);
      pushCredit(
        out,
        campaign,
        'appreciationRedeem',
        `${command.seq}`,
        account,
        directory,
        command.userIndex,
        quote.paidFen,
        command.order,
      );
      emitPosition(p, out);
      cascade(out);
      emitPool(out);
    },
    quote: (orderIndex: number, units: bigint) =>
      redemptionQuote(book.state, book.numbers(book.ordinalOf(orderIndex)), units, book.params.redeemFeeBps),
    reconfigure(params: Readonly<Record<string, unknown>>): void {
      book.params = toParams(params);
    },
    fork(env: PlanEnv): AppreciationPoolInstance {
      return poolInstance(book.fork(env));
    },
  };
}

// The keys of a position in the result, in the contract's order (PoolBook.resultCells fills them).
const POSITION_KEYS = ['order', 'user', 'units', 'capFen', 'realizedFen', 'paidFen', 'status'];

/**
 * 消费增值 with 出局 (SPEC 3.2). Pool cash P and supply S; the price P/S only rises because units mint at the
 * price before the contribution and every payout is at most the value of the units it removes.
 */
export const appreciationPool = definePlan({
  code: APPRECIATION_POOL,
  title: { zh: '消费增值', en: 'Appreciation pool' },
  summary: {
    zh: '订单结算后按比例注入增值池并获得积分，积分价格只涨不跌；积分价值达到消费额的倍数时出局，按比例兑付现金。',
    en: 'A share of each settled order enters the pool and mints points at the current price; the price only rises, and a position exits with a cash payout once it reaches its multiple.',
  },
  highRisk: true,
  referralLevels: 0,
  params: schema,
  rewardKinds: {
    appreciationExit: { zh: '增值出局兑付', en: 'Pool exit payout' },
    appreciationRedeem: { zh: '积分兑换', en: 'Points redemption' },
  },
  records: {
    position: { zh: '增值持仓', en: 'Pool position' },
    pool: { zh: '增值池', en: 'Pool' },
  },
  events: ['redeem'],
  // Everything the pool pays comes out of its cash, which only ever receives the contributions.
  payoutBoundBps: (params) => BigInt(params.poolShareBps),
  create(params, env) {
    return poolInstance(new PoolBook(env, toParams(params)));
  },
  facts(i) {
    const { cashFen, supplyUnits } = i.state;
    return [
      { key: 'cashFen', label: { zh: '池内现金', en: 'Pool cash' }, value: cashFen, unit: 'fen' },
      { key: 'supplyUnits', label: { zh: '积分总量', en: 'Supply' }, value: supplyUnits, unit: 'points' },
      {
        key: 'price',
        label: { zh: '积分价格', en: 'Price per point' },
        value: pricePerPointScaled(cashFen, supplyUnits),
        unit: 'price',
      },
      {
        key: 'openPositions',
        label: { zh: '未出局持仓', en: 'Open positions' },
        value: BigInt(i.openCount),
        unit: 'count',
      },
      {
        key: 'promisedFen',
        label: { zh: '承诺价值（封顶-已实现）', en: 'Promised value (cap - realized)' },
        value: i.book.promisedFen,
        unit: 'fen',
      },
    ];
  },
  rules(params) {
    const amount = 100_000n;
    const c = share(amount, BigInt(params.poolShareBps));
    const v = share(c, BigInt(params.creditShareBps));
    return {
      clauses: [
        {
          zh: `订单结算后，金额的 ${bpsText(params.poolShareBps)} 注入增值池，其中 ${bpsText(params.creditShareBps)} 按注入前的价格折算为积分（首单价格 ${formatYuan(BigInt(params.initialPriceFen))} 元/积分）。例如 ${formatYuan(amount)} 元订单注入 ${formatYuan(c)} 元，按 ${formatYuan(v)} 元计积分。`,
          en: `When an order settles, ${bpsText(params.poolShareBps)} of it enters the pool and ${bpsText(params.creditShareBps)} of that buys points at the price before the contribution (${formatYuan(BigInt(params.initialPriceFen))} yuan per point at first). A ${formatYuan(amount)}-yuan order puts ${formatYuan(c)} yuan in and is credited ${formatYuan(v)} yuan of points.`,
        },
        {
          zh: `积分价格 = 池内现金 / 积分总量，只涨不跌。持仓价值达到订单金额的 ${bpsText(params.exitMultipleBps)} 时出局，按 ${bpsText(params.exitCashShareBps)} 兑付现金，其余留在池内。`,
          en: `Price = pool cash / supply, and it never falls. A position exits when its value reaches ${bpsText(params.exitMultipleBps)} of its order; ${bpsText(params.exitCashShareBps)} of that is paid in cash, the rest stays in the pool.`,
        },
        {
          zh: `出局前可随时兑换部分积分，收取 ${bpsText(params.redeemFeeBps)} 手续费（留在池内）。`,
          en: `Before exit you may redeem points at the current price, less a ${bpsText(params.redeemFeeBps)} fee that stays in the pool.`,
        },
      ],
      example: {
        description: {
          zh: `A、B、C 依次各购买 ${formatYuan(amount)} 元，随后 A 兑换 1 积分`,
          en: `A, B and C each buy ${formatYuan(amount)} yuan in turn; then A redeems 1 point`,
        },
        steps: [
          ...['A', 'B', 'C'].map((u) => ({
            label: { zh: `${u} 购买`, en: `${u} buys` },
            events: [
              { type: 'join' as const, user: u },
              { type: 'settle' as const, user: u, order: `${u.toLowerCase()}1`, amountFen: amount },
            ],
          })),
          {
            label: {
              zh: `A 兑换 ${formatPoints(UNITS_PER_POINT)} 积分`,
              en: `A redeems ${formatPoints(UNITS_PER_POINT)} point`,
            },
            events: [{ type: 'redeem', user: 'A', order: 'a1', units: UNITS_PER_POINT }],
          },
        ],
      },
    };
  },
  result: {
    rank: -1,
    json: (i) => ({
      pool: { cashFen: i.state.cashFen, supplyUnits: i.state.supplyUnits },
      // Written from the pool's columns, not as 100,000 objects (a large result's biggest part).
      positions: new JsonRows(POSITION_KEYS, i.book.count, (p, cells) => i.book.resultCells(p, cells)),
    }),
    whenOff: { pool: { cashFen: 0n, supplyUnits: 0n }, positions: [] },
  },
});

/** A pool position as its record carries it (for adapters that store positions in their own table). */
export interface PositionRecordView {
  plan: string;
  campaign: string;
  order: string;
  user: string;
  ordinal: number;
  units: bigint;
  capFen: bigint;
  realizedFen: bigint;
  paidFen: bigint;
  status: 'open' | 'exited' | 'closed';
}

export function positionFromRecord(e: RecordEffect): PositionRecordView | undefined {
  if (e.plan !== APPRECIATION_POOL || e.kind !== 'position' || e.user === undefined) return undefined;
  const d = e.data;
  return {
    plan: e.plan,
    campaign: e.campaign,
    order: e.key,
    user: e.user,
    ordinal: d.ordinal as number,
    units: d.units as bigint,
    capFen: d.capFen as bigint,
    realizedFen: d.realizedFen as bigint,
    paidFen: d.paidFen as bigint,
    status: d.status as PositionRecordView['status'],
  };
}

export function poolFromRecord(
  e: RecordEffect,
): { plan: string; campaign: string; cashFen: bigint; supplyUnits: bigint } | undefined {
  if (e.plan !== APPRECIATION_POOL || e.kind !== 'pool') return undefined;
  return {
    plan: e.plan,
    campaign: e.campaign,
    cashFen: e.data.cashFen as bigint,
    supplyUnits: e.data.supplyUnits as bigint,
  };
}
