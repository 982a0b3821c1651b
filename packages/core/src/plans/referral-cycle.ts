import { PLATFORM_REVENUE } from '../accounts';
import { BigIntColumn, IntColumn } from '../columns';
import type { Effect, RecordEffect } from '../effects';
import { formatYuan } from '../money';
import { definePlan, pushCredit, pushRecord, type CampaignRef, type Directory, type PlanInstance } from '../plan';
import { nextReferralRateBps, referralRewardFen } from '../quotes';
import { bpsText } from './format';

export const REFERRAL_CYCLE = 'referralCycle';

export interface ReferralMember {
  merchant: boolean;
  baseFen: bigint;
  rewardCount: number;
}

export interface ReferralCycleInstance extends PlanInstance {
  /** A shopper's cycle state, by user index. */
  member(userIndex: number): ReferralMember;
  /** The rate the shopper's next reward would use. */
  nextRateBps(userIndex: number): number;
  readonly merchantCount: number;
}

const schema = {
  ratesBps: {
    kind: 'bpsList',
    default: [1000, 2000, 7000],
    min: 0,
    max: 10_000,
    minLength: 1,
    maxLength: 12,
    label: { zh: '循环返利比例（基点）', en: 'Cycle rates (bps)' },
    help: { zh: '第 k 笔返利使用第 k mod n 个比例', en: 'The k-th reward uses rate k mod n' },
  },
} as const;

interface State {
  rates: bigint[];
  ratesBps: readonly number[];
  /** Columns by user index: 1 once a consumer-merchant; their base; rewards received so far. */
  merchant: IntColumn;
  baseFen: BigIntColumn;
  rewardCount: IntColumn;
  merchantCount: number;
}

function instance(state: State, directory: Directory, campaign: CampaignRef): ReferralCycleInstance {
  function member(userIndex: number): ReferralMember {
    return {
      merchant: state.merchant.get(userIndex) === 1,
      baseFen: state.baseFen.get(userIndex),
      rewardCount: state.rewardCount.get(userIndex),
    };
  }

  function progress(userIndex: number, out: Effect[]): void {
    const user = directory.userId(userIndex);
    pushRecord(out, campaign, 'member', user, user, {
      merchant: state.merchant.get(userIndex) === 1,
      baseFen: state.baseFen.get(userIndex),
      rewardCount: state.rewardCount.get(userIndex),
    });
  }

  return {
    campaign,
    member,
    nextRateBps: (userIndex) => nextReferralRateBps(state.ratesBps, state.rewardCount.get(userIndex)),
    get merchantCount() {
      return state.merchantCount;
    },
    settle(order, amountFen, out) {
      const referrer = directory.referrerOf(order.userIndex);
      if (referrer >= 0 && state.merchant.get(referrer) === 1) {
        const count = state.rewardCount.get(referrer);
        const rate = state.rates[count % state.rates.length] ?? 0n;
        const reward = referralRewardFen(state.baseFen.get(referrer), amountFen, rate);
        // The count moves whenever A > 0, even when the reward rounds to 0 (SPEC 3.5 readings).
        state.rewardCount.set(referrer, count + 1);
        pushCredit(
          out,
          campaign,
          'referralCycle',
          order.order,
          PLATFORM_REVENUE,
          directory,
          referrer,
          reward,
          order.order,
        );
        progress(referrer, out);
      }
      const buyer = order.userIndex;
      const oldBase = state.baseFen.get(buyer);
      // The buyer's state only changes on their first order in the plan or a larger one.
      if (state.merchant.get(buyer) !== 1 || amountFen > oldBase) {
        if (state.merchant.get(buyer) !== 1) state.merchantCount += 1;
        state.merchant.set(buyer, 1);
        state.baseFen.set(buyer, amountFen > oldBase ? amountFen : oldBase);
        progress(buyer, out);
      }
    },
    reconfigure(params) {
      state.ratesBps = [...(params.ratesBps as readonly number[])];
      state.rates = state.ratesBps.map((r) => BigInt(r));
    },
    fork(env) {
      return instance(
        {
          ...state,
          merchant: state.merchant.clone(),
          baseFen: state.baseFen.clone(),
          rewardCount: state.rewardCount.clone(),
        },
        env.directory,
        env.campaign,
      );
    },
  };
}

/**
 * 推三返一 (SPEC 3.1): a consumer-merchant's k-th reward from a direct invitee's settled order is
 * share(min(base, A), ratesBps[k mod len]). Only the direct referrer is ever paid.
 */
export const referralCycle = definePlan({
  code: REFERRAL_CYCLE,
  title: { zh: '推三返一', en: 'Referral cycle' },
  summary: {
    zh: '直接邀请的好友订单结算后，邀请人按第1、2、3单的比例循环获得返利（以自身最高消费额为上限）。',
    en: "When a direct invitee's order settles, the inviter earns the next rate in the cycle on the smaller of their base and the order.",
  },
  highRisk: true,
  referralLevels: 1,
  params: schema,
  rewardKinds: { referralCycle: { zh: '推三返一返利', en: 'Referral-cycle reward' } },
  records: { member: { zh: '消费商进度', en: 'Consumer-merchant progress' } },
  events: [],
  payoutBoundBps: (params) => BigInt(Math.max(...params.ratesBps)),
  create(params, env) {
    const state: State = {
      rates: [],
      ratesBps: [],
      merchant: new IntColumn(),
      baseFen: new BigIntColumn(),
      rewardCount: new IntColumn(),
      merchantCount: 0,
    };
    const created = instance(state, env.directory, env.campaign);
    created.reconfigure(params);
    return created;
  },
  facts: (i) => [
    {
      key: 'merchants',
      label: { zh: '消费商', en: 'Consumer-merchants' },
      value: BigInt(i.merchantCount),
      unit: 'count',
    },
  ],
  rules(params) {
    const rates = params.ratesBps.map((r) => bpsText(r)).join(' / ');
    const amount = 100_000n;
    return {
      clauses: [
        {
          zh: `您首笔订单结算后成为消费商，基数为您单笔结算订单的最高金额。您直接邀请的好友每结算一笔订单，您按 ${rates} 循环获得返利，计算基数取您的基数与该订单金额中的较小者。`,
          en: `Your first settled order makes you a consumer-merchant; your base is your largest settled order. Each settled order of someone you invited directly pays you the next rate of ${rates} (in turn) on the smaller of your base and that order.`,
        },
        { zh: '只奖励直接邀请人，不计团队业绩。', en: 'Only the direct inviter is paid; there is no team commission.' },
      ],
      example: {
        description: {
          zh: `A 购买 ${formatYuan(amount)} 元，A 邀请的 B、C、D 各购买 ${formatYuan(amount)} 元`,
          en: `A buys ${formatYuan(amount)} yuan; B, C and D, invited by A, each buy ${formatYuan(amount)} yuan`,
        },
        steps: [
          {
            label: { zh: 'A 购买', en: 'A buys' },
            events: [
              { type: 'join', user: 'A' },
              { type: 'settle', user: 'A', order: 'a1', amountFen: amount },
            ],
          },
          ...['B', 'C', 'D'].map((u) => ({
            label: { zh: `${u} 购买`, en: `${u} buys` },
            events: [
              { type: 'join' as const, user: u, referrer: 'A' },
              { type: 'settle' as const, user: u, order: `${u.toLowerCase()}1`, amountFen: amount },
            ],
          })),
        ],
      },
    };
  },
});

/** A consumer-merchant's progress as its record carries it. */
export function memberFromRecord(
  e: RecordEffect,
): ({ plan: string; campaign: string; user: string } & ReferralMember) | undefined {
  if (e.plan !== REFERRAL_CYCLE || e.kind !== 'member') return undefined;
  return {
    plan: e.plan,
    campaign: e.campaign,
    user: e.key,
    merchant: e.data.merchant as boolean,
    baseFen: e.data.baseFen as bigint,
    rewardCount: e.data.rewardCount as number,
  };
}
