import { PLATFORM_REVENUE } from '../accounts';
import { BigIntColumn, IntColumn } from '../columns';
import type { Effect } from '../effects';
import { formatYuan, share } from '../money';
import { definePlan, pushCreditWithId, pushRecord, transferIdPrefix, type PlanEnv, type PlanInstance } from '../plan';
import { bpsText } from './format';

export const QUEUE_REBATE = 'queueRebate';

const schema = {
  capBps: {
    kind: 'bps',
    default: 10_000,
    min: 1,
    max: 1_000_000,
    label: { zh: '免单额度（订单金额的基点）', en: 'Entitlement (bps of the order)' },
  },
  payBps: {
    kind: 'bps',
    default: 2000,
    min: 0,
    max: 10_000,
    label: { zh: '每单拨付比例（基点）', en: 'Share of each order paid to the queue (bps)' },
  },
} as const;

export interface QueueEntry {
  order: string;
  user: string;
  entitlementFen: bigint;
  remainingFen: bigint;
}

export interface QueueRebateInstance extends PlanInstance {
  /** Waiting entries, head first. */
  readonly entries: QueueEntry[];
  readonly length: number;
  readonly owedFen: bigint;
  fork(env: PlanEnv): QueueRebateInstance;
}

interface State {
  cap: bigint;
  pay: bigint;
  /** Entries by ordinal (join order); those before `head` have been repaid in full. */
  count: number;
  head: number;
  orderOf: IntColumn;
  userOf: IntColumn;
  entitlement: BigIntColumn;
  remaining: BigIntColumn;
  owedFen: bigint;
}

function instance(env: PlanEnv, state: State): QueueRebateInstance {
  const { campaign, directory } = env;
  const idPrefix = transferIdPrefix(campaign, 'queueRebate');

  function record(e: number, out: Effect[]): void {
    const user = directory.userId(state.userOf.get(e));
    pushRecord(out, campaign, 'entry', directory.orderId(state.orderOf.get(e)), user, {
      ordinal: e,
      entitlementFen: state.entitlement.get(e),
      remainingFen: state.remaining.get(e),
    });
  }

  return {
    campaign,
    get entries() {
      const list: QueueEntry[] = [];
      for (let e = state.head; e < state.count; e += 1) {
        list.push({
          order: directory.orderId(state.orderOf.get(e)),
          user: directory.userId(state.userOf.get(e)),
          entitlementFen: state.entitlement.get(e),
          remainingFen: state.remaining.get(e),
        });
      }
      return list;
    },
    get length() {
      return state.count - state.head;
    },
    get owedFen() {
      return state.owedFen;
    },
    settle(order, amountFen, out) {
      // First the budget pays the queue from its head, carrying on while money remains (SPEC 3.5)...
      let budget = share(amountFen, state.pay);
      while (budget > 0n && state.head < state.count) {
        const e = state.head;
        const remaining = state.remaining.get(e);
        const take = budget < remaining ? budget : remaining;
        const entryOrder = directory.orderId(state.orderOf.get(e));
        // The reward names the order of the entry being repaid; the id ends with the paying order.
        pushCreditWithId(
          out,
          `${idPrefix}${e}:${order.order}`,
          campaign,
          'queueRebate',
          PLATFORM_REVENUE,
          directory,
          state.userOf.get(e),
          take,
          entryOrder,
        );
        state.remaining.set(e, remaining - take);
        state.owedFen -= take;
        budget -= take;
        record(e, out);
        if (remaining === take) state.head += 1;
      }
      // ...what is left with an empty queue stays with the platform. Then the order joins the tail.
      const entitlement = share(amountFen, state.cap);
      if (entitlement > 0n) {
        const e = state.count;
        state.count += 1;
        state.orderOf.set(e, order.orderIndex);
        state.userOf.set(e, order.userIndex);
        state.entitlement.set(e, entitlement);
        state.remaining.set(e, entitlement);
        state.owedFen += entitlement;
        record(e, out);
      }
    },
    reconfigure(params) {
      state.cap = BigInt(params.capBps as number);
      state.pay = BigInt(params.payBps as number);
    },
    fork(next) {
      return instance(next, {
        ...state,
        orderOf: state.orderOf.clone(),
        userOf: state.userOf.clone(),
        entitlement: state.entitlement.clone(),
        remaining: state.remaining.clone(),
      });
    },
  };
}

/**
 * 排队免单 (SPEC 3.5, high-risk): each settled order first pays share(A, payBps) into the queue from its head (a head
 * whose entitlement is met leaves), then joins the tail with share(A, capBps). FIFO with a head index: O(1)
 * amortised per order.
 */
export const queueRebate = definePlan({
  code: QUEUE_REBATE,
  title: { zh: '排队免单', en: 'Queue rebate' },
  summary: {
    zh: '每笔结算订单按顺序排队，之后的订单按比例拨付给队首，直到队首领满免单额度后离开队列。',
    en: 'Each settled order joins a queue; later orders pay a share to the head until its entitlement is met and it leaves.',
  },
  highRisk: true,
  referralLevels: 0,
  params: schema,
  rewardKinds: { queueRebate: { zh: '排队免单返还', en: 'Queue rebate' } },
  // An entry's place in the queue is the number of waiting entries (remaining > 0) with a smaller ordinal: entries
  // leave only at the head, so the records answer "my place" without a record of the whole queue.
  records: { entry: { zh: '排队记录', en: 'Queue entry' } },
  events: [],
  // Every payment to the queue comes out of some order's budget share(A, payBps).
  payoutBoundBps: (p) => BigInt(p.payBps),
  create(params, env) {
    return instance(env, {
      cap: BigInt(params.capBps),
      pay: BigInt(params.payBps),
      count: 0,
      head: 0,
      orderOf: new IntColumn(),
      userOf: new IntColumn(),
      entitlement: new BigIntColumn(),
      remaining: new BigIntColumn(),
      owedFen: 0n,
    });
  },
  facts: (i) => [
    { key: 'length', label: { zh: '排队人数', en: 'Queue length' }, value: BigInt(i.length), unit: 'count' },
    { key: 'owedFen', label: { zh: '待返总额', en: 'Still owed to the queue' }, value: i.owedFen, unit: 'fen' },
  ],
  rules(params) {
    const amount = 100_000n;
    return {
      clauses: [
        {
          zh: `订单结算后按顺序排队，免单额度为订单金额的 ${bpsText(params.capBps)}。之后每笔结算订单拿出 ${bpsText(params.payBps)} 依次返还给排在最前的订单，领满额度即离开队列。`,
          en: `A settled order joins the queue with an entitlement of ${bpsText(params.capBps)} of its amount. Every later settled order pays ${bpsText(params.payBps)} of its amount to the front of the queue; an entry leaves once its entitlement is met.`,
        },
        {
          zh: '返还完全依赖后续订单，若后续订单不足，排队订单可能长期无法领满，请谨慎参与。',
          en: 'Repayment depends entirely on later orders; without enough of them an entry may wait a long time or never be repaid in full.',
        },
      ],
      example: {
        description: {
          zh: `A、B、C、D 依次各购买 ${formatYuan(amount)} 元`,
          en: `A, B, C and D each buy ${formatYuan(amount)} yuan in turn`,
        },
        steps: ['A', 'B', 'C', 'D'].map((u) => ({
          label: { zh: `${u} 购买`, en: `${u} buys` },
          events: [
            { type: 'join' as const, user: u },
            { type: 'settle' as const, user: u, order: `${u.toLowerCase()}1`, amountFen: amount },
          ],
        })),
      },
    };
  },
  result: {
    rank: 10,
    json: (i) => ({
      queue: i.entries.map((e) => ({ order: e.order, user: e.user, remainingFen: e.remainingFen })),
    }),
  },
});
