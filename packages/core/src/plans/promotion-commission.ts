import { PLATFORM_REVENUE } from '../accounts';
import { formatYuan, share } from '../money';
import {
  definePlan,
  pushCreditWithId,
  transferIdPrefix,
  type Directory,
  type PlanEnv,
  type PlanInstance,
} from '../plan';
import { bpsText } from './format';

export const PROMOTION_COMMISSION = 'promotionCommission';

const schema = {
  level1Bps: {
    kind: 'bps',
    default: 1000,
    min: 0,
    max: 10_000,
    label: { zh: '一级推广比例（基点）', en: 'Level 1 rate (bps)' },
  },
  level2Bps: {
    kind: 'bps',
    default: 500,
    min: 0,
    max: 10_000,
    label: { zh: '二级推广比例（基点）', en: 'Level 2 rate (bps)' },
  },
  buyersOnly: {
    kind: 'boolean',
    default: true,
    label: { zh: '仅限已消费用户获得奖励', en: 'Only shoppers who have bought earn' },
  },
} as const;

interface Rates {
  level1: bigint;
  level2: bigint;
  buyersOnly: boolean;
}

function ratesOf(params: Readonly<Record<string, unknown>>): Rates {
  return {
    level1: BigInt(params.level1Bps as number),
    level2: BigInt(params.level2Bps as number),
    buyersOnly: params.buyersOnly as boolean,
  };
}

function instance(env: PlanEnv, initial: Rates): PlanInstance {
  const { campaign } = env;
  const directory: Directory = env.directory;
  let rates = initial;
  const id1 = transferIdPrefix(campaign, 'promotionCommission', '1:');
  const id2 = transferIdPrefix(campaign, 'promotionCommission', '2:');
  return {
    campaign,
    settle(order, amountFen, out) {
      const r1 = directory.referrerOf(order.userIndex);
      if (r1 < 0) return;
      // A skipped person's share stays with the platform: no roll-up to the next level (SPEC 3.5).
      if (!rates.buyersOnly || directory.spendFen(r1) > 0n) {
        pushCreditWithId(
          out,
          id1 + order.order,
          campaign,
          'promotionCommission',
          PLATFORM_REVENUE,
          directory,
          r1,
          share(amountFen, rates.level1),
          order.order,
        );
      }
      const r2 = directory.referrerOf(r1);
      if (r2 >= 0 && (!rates.buyersOnly || directory.spendFen(r2) > 0n)) {
        pushCreditWithId(
          out,
          id2 + order.order,
          campaign,
          'promotionCommission',
          PLATFORM_REVENUE,
          directory,
          r2,
          share(amountFen, rates.level2),
          order.order,
        );
      }
    },
    reconfigure(params) {
      rates = ratesOf(params);
    },
    fork: (next) => instance(next, rates),
  };
}

/**
 * 推广奖励 (SPEC 3.5): the buyer's referrer R1 gets share(A, level1Bps), R1's referrer R2 share(A, level2Bps); with
 * `buyersOnly` only a person whose spend is above 0 earns. Never more than two levels.
 */
export const promotionCommission = definePlan({
  code: PROMOTION_COMMISSION,
  title: { zh: '推广奖励', en: 'Promotion commission' },
  summary: {
    zh: '好友订单结算后，直接邀请人和上一级邀请人按比例获得推广奖励（最多两级）。',
    en: "When an invitee's order settles, their inviter and the inviter's inviter earn a share (two levels at most).",
  },
  highRisk: false,
  referralLevels: 2,
  params: schema,
  rewardKinds: { promotionCommission: { zh: '推广奖励', en: 'Promotion commission' } },
  records: {},
  events: [],
  payoutBoundBps: (p) => BigInt(p.level1Bps + p.level2Bps),
  create: (params, env) => instance(env, ratesOf(params)),
  facts: () => [],
  rules(params) {
    const amount = 100_000n;
    const who = params.buyersOnly
      ? { zh: '（仅限自己已有结算订单的邀请人）', en: ' (only inviters who have a settled order themselves)' }
      : { zh: '', en: '' };
    return {
      clauses: [
        {
          zh: `好友订单结算后，直接邀请人获得订单金额的 ${bpsText(params.level1Bps)}，上一级邀请人获得 ${bpsText(params.level2Bps)}${who.zh}。`,
          en: `When an invitee's order settles, their inviter earns ${bpsText(params.level1Bps)} of it and the inviter's inviter ${bpsText(params.level2Bps)}${who.en}.`,
        },
        { zh: '最多两级，不计团队业绩。', en: 'Two levels at most; there is no team commission.' },
      ],
      example: {
        description: {
          zh: `A 邀请 B，B 邀请 C；A、B 先各购买 ${formatYuan(amount)} 元，然后 C 购买 ${formatYuan(amount)} 元`,
          en: `A invites B, B invites C; A and B each buy ${formatYuan(amount)} yuan, then C buys ${formatYuan(amount)} yuan`,
        },
        steps: [
          {
            label: { zh: 'A、B 购买', en: 'A and B buy' },
            events: [
              { type: 'join', user: 'A' },
              { type: 'join', user: 'B', referrer: 'A' },
              { type: 'join', user: 'C', referrer: 'B' },
              { type: 'settle', user: 'A', order: 'a1', amountFen: amount },
              { type: 'settle', user: 'B', order: 'b1', amountFen: amount },
            ],
          },
          {
            label: { zh: 'C 购买', en: 'C buys' },
            events: [{ type: 'settle', user: 'C', order: 'c1', amountFen: amount }],
          },
        ],
      },
    };
  },
});
