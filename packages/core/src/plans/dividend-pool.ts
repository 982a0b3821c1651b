import { PLATFORM_REVENUE, campaignAccount } from '../accounts';
import { BigIntColumn } from '../columns';
import type { Effect } from '../effects';
import { formatYuan, share } from '../money';
import {
  definePlan,
  pushCredit,
  pushRecord,
  pushTransferWithId,
  transferIdPrefix,
  type PlanEnv,
  type PlanInstance,
} from '../plan';
import { bpsText } from './format';
import { TopList } from './top-list';

export const DIVIDEND_POOL = 'dividendPool';

const schema = {
  accrueBps: { kind: 'bps', default: 200, min: 0, max: 10_000, label: { zh: '计提比例（基点）', en: 'Accrual (bps)' } },
  basis: {
    kind: 'choice',
    default: 'level',
    choices: [
      { value: 'level', label: { zh: '按会员等级权重', en: 'By level weight' } },
      { value: 'ranking', label: { zh: '按周期消费排行（分红榜）', en: 'By period spend ranking' } },
    ],
    label: { zh: '分配方式', en: 'Basis' },
  },
  weights: {
    kind: 'perLevel',
    min: 0,
    // SPEC 3.5 bounds no weight: any exact non-negative integer (D * w stays exact in bigint)
    max: Number.MAX_SAFE_INTEGER,
    requiredWhen: { param: 'basis', equals: 'level' },
    label: { zh: '各等级权重', en: 'Weight per level' },
  },
  topN: { kind: 'integer', default: 10, min: 1, max: 1000, label: { zh: '排行榜人数', en: 'Ranking size (top N)' } },
} as const;

export interface DividendPoolInstance extends PlanInstance {
  /** The undistributed pool: the carry plus what accrued since the last close. */
  readonly cashFen: bigint;
  /** The ranking right now (user indices, best first), at most topN. */
  readonly ranking: readonly number[];
  periodSpendFen(userIndex: number): bigint;
  fork(env: PlanEnv): DividendPoolInstance;
}

interface State {
  accrue: bigint;
  byRanking: boolean;
  weights: readonly bigint[];
  cashFen: bigint;
  periodSpend: BigIntColumn;
  /** Shoppers with period spend above 0, in the order they first bought this period. */
  touched: number[];
  top: TopList;
}

function instance(env: PlanEnv, state: State): DividendPoolInstance {
  const { campaign, directory } = env;
  const account = campaignAccount(campaign.id, 'dividend');
  const accrualId = transferIdPrefix(campaign, 'dividendAccrual');

  /** By level: every shopper in join order whose level weight w > 0 gets floor(D * w / W). */
  function payByLevel(period: number, out: Effect[]): bigint {
    const D = state.cashFen;
    let W = 0n;
    for (let l = 0; l < state.weights.length; l += 1) {
      W += BigInt(directory.levelMembers(l)) * (state.weights[l] as bigint);
    }
    if (W === 0n) return 0n;
    // floor(D * w / W) depends only on the level: compute it once per level, then walk members in join order.
    const perLevel = state.weights.map((w) => (D * w) / W);
    if (perLevel.every((a) => a === 0n)) return 0n;
    // Payees are counted per level and the total paid computed once: no bigint sum per payee.
    const payees = perLevel.map(() => 0);
    // The hot loop of a close over a million members: one transfer object per payee, built inline with the id
    // prefix and accounts computed once (pushCredit would rebuild them per payee). Only the levels that are paid
    // are visited, so members at a level without weight cost nothing.
    const prefix = `dividend:${campaign.id}:${period}:`;
    const { plan, id: campaignId, version } = campaign;
    const paidLevels: number[] = [];
    for (let l = 0; l < perLevel.length; l += 1) if ((perLevel[l] as bigint) > 0n) paidLevels.push(l);
    directory.membersAtLevels(paidLevels, (u, level) => {
      const amountFen = perLevel[level] as bigint;
      const user = directory.userId(u);
      out.push({
        type: 'transfer',
        id: prefix + user,
        plan,
        campaign: campaignId,
        version,
        reason: 'dividend',
        from: account,
        to: directory.walletOf(u),
        amountFen,
        order: null,
        user,
      });
      payees[level] = (payees[level] as number) + 1;
    });
    let paid = 0n;
    for (let l = 0; l < perLevel.length; l += 1) paid += BigInt(payees[l] as number) * (perLevel[l] as bigint);
    return paid;
  }

  /** By ranking: the top N by period spend (ties: earlier join first) get floor(D * s / T), in rank order. */
  function payByRanking(period: number, out: Effect[]): bigint {
    const D = state.cashFen;
    const ranked = state.top.items;
    let T = 0n;
    for (const u of ranked) T += state.periodSpend.get(u);
    if (T === 0n) return 0n;
    let paid = 0n;
    for (const u of ranked) {
      const amount = (D * state.periodSpend.get(u)) / T;
      const user = directory.userId(u);
      pushCredit(out, campaign, 'dividend', `${period}:${user}`, account, directory, u, amount, null);
      paid += amount;
    }
    return paid;
  }

  return {
    campaign,
    get cashFen() {
      return state.cashFen;
    },
    get ranking() {
      return state.top.items;
    },
    periodSpendFen: (u) => state.periodSpend.get(u),
    settle(order, amountFen, out) {
      const accrued = share(amountFen, state.accrue);
      if (accrued > 0n) {
        pushTransferWithId(
          out,
          accrualId + order.order,
          campaign,
          'dividendAccrual',
          PLATFORM_REVENUE,
          account,
          accrued,
          order.order,
        );
        state.cashFen += accrued;
      }
      const u = order.userIndex;
      const before = state.periodSpend.get(u);
      if (before === 0n) state.touched.push(u);
      state.periodSpend.set(u, before + amountFen);
      state.top.raise(u);
    },
    periodClose(period, out) {
      const paid = state.byRanking ? payByRanking(period, out) : payByLevel(period, out);
      // Undistributed fen (rounding, or nobody qualifying) carry over; every period spend returns to 0.
      state.cashFen -= paid;
      for (const u of state.touched) state.periodSpend.set(u, 0n);
      state.touched = [];
      state.top.clear();
      pushRecord(out, campaign, 'pool', '', undefined, { cashFen: state.cashFen, period, paidFen: paid });
    },
    reconfigure(params) {
      state.accrue = BigInt(params.accrueBps as number);
      state.byRanking = params.basis === 'ranking';
      state.weights = (params.weights as readonly number[]).map((w) => BigInt(w));
      const topN = params.topN as number;
      if (topN !== state.top.capacity) state.top = TopList.rebuild(topN, state.touched, state.top.better);
    },
    fork(next) {
      const periodSpend = state.periodSpend.clone();
      return instance(next, {
        ...state,
        periodSpend,
        touched: [...state.touched],
        top: state.top.copy((a, b) => better(periodSpend, a, b)),
      });
    },
  };
}

/** a ranks before b: larger period spend, then earlier join. */
function better(spend: BigIntColumn, a: number, b: number): boolean {
  const sa = spend.get(a);
  const sb = spend.get(b);
  return sa !== sb ? sa > sb : a < b;
}

/**
 * 分红 (SPEC 3.5): each settled order adds share(A, accrueBps) to the dividend pool and A to the buyer's period
 * spend; at periodClose the pool D is paid by level weight or to the top-N ranking; undistributed fen carry over.
 */
export const dividendPool = definePlan({
  code: DIVIDEND_POOL,
  title: { zh: '分红池', en: 'Dividend pool' },
  summary: {
    zh: '每笔结算订单按比例计入分红池，每个周期结束时按会员等级权重或周期消费排行分配，余数滚入下期。',
    en: 'A share of every settled order accrues to a pool paid out at each period close by level weight or to the top spenders; the remainder carries over.',
  },
  highRisk: false,
  referralLevels: 0,
  params: schema,
  rewardKinds: { dividend: { zh: '分红', en: 'Dividend' } },
  records: { pool: { zh: '分红池周期结算', en: 'Dividend period close' } },
  events: ['periodClose'],
  payoutBoundBps: (p) => BigInt(p.accrueBps),
  create(params, env) {
    const periodSpend = new BigIntColumn();
    const created = instance(env, {
      accrue: 0n,
      byRanking: false,
      weights: [],
      cashFen: 0n,
      periodSpend,
      touched: [],
      top: new TopList(params.topN, (a, b) => better(periodSpend, a, b)),
    });
    created.reconfigure(params);
    return created;
  },
  facts: (i) => [{ key: 'cashFen', label: { zh: '分红池余额', en: 'Dividend pool' }, value: i.cashFen, unit: 'fen' }],
  rules(params, context) {
    const amount = 100_000n;
    const byLevel = params.basis === 'level';
    const weights = params.weights.map((w, i) => `L${i + 1}: ${w}`).join(', ');
    const how = byLevel
      ? {
          zh: `按会员等级权重（${weights}）分配给所有有权重的会员`,
          en: `by level weight (${weights}) to every member whose level has a weight`,
        }
      : {
          zh: `分配给本周期消费最高的前 ${params.topN} 名（按消费额比例，同额先加入者优先）`,
          en: `to the ${params.topN} biggest spenders of the period, in proportion to their spend (ties: earlier join first)`,
        };
    const top = Math.max(0, context.levelCount - 1);
    return {
      clauses: [
        {
          zh: `每笔结算订单的 ${bpsText(params.accrueBps)} 计入分红池。每个周期结束时，分红池${how.zh}；除不尽的余数滚入下一周期。`,
          en: `${bpsText(params.accrueBps)} of every settled order accrues to the dividend pool. At each period close the pool is paid ${how.en}; what does not divide evenly carries over.`,
        },
      ],
      example: {
        description: {
          zh: `A 购买 ${formatYuan(amount)} 元，B 购买 ${formatYuan(amount * 3n)} 元，然后周期结束`,
          en: `A buys ${formatYuan(amount)} yuan, B buys ${formatYuan(amount * 3n)} yuan, then the period closes`,
        },
        steps: [
          {
            label: { zh: 'A、B 购买', en: 'A and B buy' },
            events: [
              { type: 'join', user: 'A' },
              { type: 'join', user: 'B' },
              ...(byLevel && context.levelCount > 0 ? [{ type: 'setLevel' as const, user: 'A', level: top }] : []),
              { type: 'settle', user: 'A', order: 'a1', amountFen: amount },
              { type: 'settle', user: 'B', order: 'b1', amountFen: amount * 3n },
            ],
          },
          { label: { zh: '周期结束', en: 'The period closes' }, events: [{ type: 'periodClose' }] },
        ],
      },
    };
  },
  result: { rank: 12, json: (i) => ({ dividendPool: { cashFen: i.cashFen } }) },
});
