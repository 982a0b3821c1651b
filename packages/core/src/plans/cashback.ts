import { PLATFORM_REVENUE, campaignAccount } from '../accounts';
import { BigIntColumn, IntColumn } from '../columns';
import type { Effect } from '../effects';
import { formatYuan, share } from '../money';
import {
  definePlan,
  pushCredit,
  pushCreditWithId,
  pushRecord,
  pushTransferWithId,
  transferIdPrefix,
  type PlanEnv,
  type PlanInstance,
} from '../plan';
import { bpsText } from './format';

export const CASHBACK = 'cashback';

const schema = {
  rateBps: {
    kind: 'bps',
    default: 500,
    min: 0,
    max: 10_000,
    label: { zh: '返利比例（基点）', en: 'Cashback rate (bps)' },
  },
  installments: {
    kind: 'integer',
    default: 1,
    min: 1,
    max: 36,
    label: { zh: '分期数', en: 'Installments' },
    help: { zh: '1 表示结算时一次返还', en: '1 pays everything at settlement' },
  },
} as const;

export interface CashbackSchedule {
  order: string;
  user: string;
  totalFen: bigint;
  remainingFen: bigint;
  installmentsLeft: number;
}

export interface CashbackInstance extends PlanInstance {
  /** Unfinished schedules, oldest first. */
  readonly schedules: CashbackSchedule[];
  readonly pendingFen: bigint;
  fork(env: PlanEnv): CashbackInstance;
}

interface State {
  rate: bigint;
  installments: number;
  count: number;
  orderOf: IntColumn;
  userOf: IntColumn;
  totalFen: BigIntColumn;
  perFen: BigIntColumn;
  remainingFen: BigIntColumn;
  left: IntColumn;
  /** Installments paid so far (the next one's number is paid + 1). */
  paid: IntColumn;
  /** Ordinals of unfinished schedules in creation order. */
  open: number[];
  pendingFen: bigint;
}

function instance(env: PlanEnv, state: State): CashbackInstance {
  const { campaign, directory } = env;
  const reserve = campaignAccount(campaign.id, 'cashback');
  const firstId = transferIdPrefix(campaign, 'cashback', '1:');
  const reserveId = transferIdPrefix(campaign, 'cashbackReserve');

  function record(s: number, out: Effect[]): void {
    const user = directory.userId(state.userOf.get(s));
    pushRecord(out, campaign, 'schedule', directory.orderId(state.orderOf.get(s)), user, {
      totalFen: state.totalFen.get(s),
      perFen: state.perFen.get(s),
      paidFen: state.totalFen.get(s) - state.remainingFen.get(s),
      remainingFen: state.remainingFen.get(s),
      installmentsLeft: state.left.get(s),
    });
  }

  return {
    campaign,
    get schedules() {
      return state.open.map((s) => ({
        order: directory.orderId(state.orderOf.get(s)),
        user: directory.userId(state.userOf.get(s)),
        totalFen: state.totalFen.get(s),
        remainingFen: state.remainingFen.get(s),
        installmentsLeft: state.left.get(s),
      }));
    },
    get pendingFen() {
      return state.pendingFen;
    },
    settle(order, amountFen, out) {
      const total = share(amountFen, state.rate);
      // A cashback whose total is 0 creates no schedule (SPEC 3.5 readings).
      if (total === 0n) return;
      const n = state.installments;
      if (n === 1) {
        pushCreditWithId(
          out,
          firstId + order.order,
          campaign,
          'cashback',
          PLATFORM_REVENUE,
          directory,
          order.userIndex,
          total,
          order.order,
        );
        return;
      }
      const per = total / BigInt(n);
      pushCreditWithId(
        out,
        firstId + order.order,
        campaign,
        'cashback',
        PLATFORM_REVENUE,
        directory,
        order.userIndex,
        per,
        order.order,
      );
      // What is still owed moves into the campaign's reserve, so paid + pending = total is visible in the ledger.
      const owed = total - per;
      pushTransferWithId(
        out,
        reserveId + order.order,
        campaign,
        'cashbackReserve',
        PLATFORM_REVENUE,
        reserve,
        owed,
        order.order,
      );
      const s = state.count;
      state.count += 1;
      state.orderOf.set(s, order.orderIndex);
      state.userOf.set(s, order.userIndex);
      state.totalFen.set(s, total);
      state.perFen.set(s, per);
      state.remainingFen.set(s, owed);
      state.left.set(s, n - 1);
      state.paid.set(s, 1);
      state.open.push(s);
      state.pendingFen += owed;
      record(s, out);
    },
    periodClose(_period, out) {
      const still: number[] = [];
      for (const s of state.open) {
        const left = state.left.get(s);
        const remaining = state.remainingFen.get(s);
        // per at each close, and the remainder total - per * (n - 1) at the last one.
        const amount = left > 1 ? state.perFen.get(s) : remaining;
        const number = state.paid.get(s) + 1;
        const order = directory.orderId(state.orderOf.get(s));
        pushCredit(
          out,
          campaign,
          'cashback',
          `${number}:${order}`,
          reserve,
          directory,
          state.userOf.get(s),
          amount,
          order,
        );
        state.remainingFen.set(s, remaining - amount);
        state.left.set(s, left - 1);
        state.paid.set(s, number);
        state.pendingFen -= amount;
        record(s, out);
        if (left > 1) still.push(s);
      }
      state.open = still;
    },
    reconfigure(params) {
      state.rate = BigInt(params.rateBps as number);
      state.installments = params.installments as number;
    },
    fork(next) {
      return instance(next, {
        ...state,
        orderOf: state.orderOf.clone(),
        userOf: state.userOf.clone(),
        totalFen: state.totalFen.clone(),
        perFen: state.perFen.clone(),
        remainingFen: state.remainingFen.clone(),
        left: state.left.clone(),
        paid: state.paid.clone(),
        open: [...state.open],
      });
    },
  };
}

/**
 * 消费返利 (SPEC 3.5): total = share(A, rateBps). With one installment the buyer gets it at settlement; with n > 1,
 * per = floor(total / n) at settlement and at each of the next n - 2 period closes, and total - per * (n - 1) at
 * the (n - 1)-th close.
 */
export const cashback = definePlan({
  code: CASHBACK,
  title: { zh: '消费返利', en: 'Cashback' },
  summary: {
    zh: '订单结算后按比例返还给买家，可一次返还或在之后的结算周期分期返还。',
    en: 'The buyer gets a share of a settled order back, at once or in installments at the following period closes.',
  },
  highRisk: false,
  referralLevels: 0,
  params: schema,
  rewardKinds: { cashback: { zh: '消费返利', en: 'Cashback' } },
  records: { schedule: { zh: '分期返利计划', en: 'Cashback schedule' } },
  events: ['periodClose'],
  payoutBoundBps: (p) => BigInt(p.rateBps),
  create(params, env) {
    return instance(env, {
      rate: BigInt(params.rateBps),
      installments: params.installments,
      count: 0,
      orderOf: new IntColumn(),
      userOf: new IntColumn(),
      totalFen: new BigIntColumn(),
      perFen: new BigIntColumn(),
      remainingFen: new BigIntColumn(),
      left: new IntColumn(),
      paid: new IntColumn(),
      open: [],
      pendingFen: 0n,
    });
  },
  facts: (i) => [
    { key: 'pendingFen', label: { zh: '待返金额', en: 'Cashback still owed' }, value: i.pendingFen, unit: 'fen' },
    {
      key: 'openSchedules',
      label: { zh: '未完成分期', en: 'Unfinished schedules' },
      value: BigInt(i.schedules.length),
      unit: 'count',
    },
  ],
  rules(params) {
    const amount = 100_000n;
    const n = params.installments;
    const when =
      n === 1
        ? { zh: '在订单结算时一次返还', en: 'paid when the order settles' }
        : {
            zh: `分 ${n} 期返还：结算时 1 期，之后每个结算周期结束时 1 期，余数在最后一期`,
            en: `paid in ${n} installments: one at settlement, then one at each period close, the remainder with the last`,
          };
    return {
      clauses: [
        {
          zh: `订单结算后返还订单金额的 ${bpsText(params.rateBps)}，${when.zh}。`,
          en: `You get ${bpsText(params.rateBps)} of a settled order back, ${when.en}.`,
        },
      ],
      example: {
        description: { zh: `A 购买 ${formatYuan(amount)} 元`, en: `A buys ${formatYuan(amount)} yuan` },
        steps: [
          {
            label: { zh: 'A 购买', en: 'A buys' },
            events: [
              { type: 'join', user: 'A' },
              { type: 'settle', user: 'A', order: 'a1', amountFen: amount },
            ],
          },
          ...Array.from({ length: n - 1 }, (_, k) => ({
            label: { zh: `第 ${k + 1} 个周期结束`, en: `Period ${k + 1} closes` },
            events: [{ type: 'periodClose' as const }],
          })),
        ],
      },
    };
  },
  result: {
    rank: 11,
    json: (i) => ({
      cashback: i.schedules.map((s) => ({
        order: s.order,
        user: s.user,
        remainingFen: s.remainingFen,
        installmentsLeft: s.installmentsLeft,
      })),
    }),
  },
});
