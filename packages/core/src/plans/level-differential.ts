import { PLATFORM_REVENUE } from '../accounts';
import { formatYuan, share } from '../money';
import { definePlan, pushCreditWithId, transferIdPrefix, type PlanEnv, type PlanInstance } from '../plan';
import { bpsText } from './format';

export const LEVEL_DIFFERENTIAL = 'levelDifferential';

const schema = {
  ratesBps: {
    kind: 'perLevel',
    min: 0,
    max: 10_000,
    label: { zh: '各等级比例（基点）', en: 'Rate per level (bps)' },
    help: { zh: '每个会员等级一个比例，从低到高', en: 'One rate per member level, lowest first' },
  },
} as const;

function instance(env: PlanEnv, initial: readonly bigint[]): PlanInstance {
  const { campaign, directory } = env;
  let rates = initial;
  const ids = [
    '',
    transferIdPrefix(campaign, 'levelDifferential', '1:'),
    transferIdPrefix(campaign, 'levelDifferential', '2:'),
  ];
  const rateOf = (user: number): bigint => {
    const level = directory.levelOf(user);
    return level < 0 ? 0n : (rates[level] ?? 0n);
  };
  return {
    campaign,
    settle(order, amountFen, out) {
      // Walk up at most two referrers; each earns the part of its rate above what was already paid (SPEC 3.5).
      let paid = 0n;
      let r = directory.referrerOf(order.userIndex);
      for (let depth = 1; depth <= 2 && r >= 0; depth += 1) {
        const rate = rateOf(r);
        if (rate > paid) {
          pushCreditWithId(
            out,
            (ids[depth] as string) + order.order,
            campaign,
            'levelDifferential',
            PLATFORM_REVENUE,
            directory,
            r,
            share(amountFen, rate - paid),
            order.order,
          );
          paid = rate;
        }
        r = directory.referrerOf(r);
      }
    },
    reconfigure(params) {
      rates = (params.ratesBps as readonly number[]).map((x) => BigInt(x));
    },
    fork: (next) => instance(next, rates),
  };
}

/**
 * 级差 (SPEC 3.5): walking up the referral chain (two levels at most), each upline whose level rate exceeds the
 * rate already paid gets the difference.
 */
export const levelDifferential = definePlan({
  code: LEVEL_DIFFERENTIAL,
  title: { zh: '级差奖励', en: 'Level differential' },
  summary: {
    zh: '按会员等级设定比例；好友订单结算后，上级按自己等级比例与下级已得比例的差额获得奖励（最多两级）。',
    en: 'Each member level has a rate; when an invitee buys, each of up to two uplines earns the difference between its rate and the rate already paid.',
  },
  highRisk: false,
  referralLevels: 2,
  params: schema,
  rewardKinds: { levelDifferential: { zh: '级差奖励', en: 'Level differential' } },
  records: {},
  events: [],
  payoutBoundBps: (p) => BigInt(Math.max(0, ...p.ratesBps)),
  create: (params, env) =>
    instance(
      env,
      params.ratesBps.map((x) => BigInt(x)),
    ),
  facts: () => [],
  rules(params, context) {
    const amount = 100_000n;
    const rates = params.ratesBps.map((r, i) => `L${i + 1} ${bpsText(r)}`).join(', ');
    const top = Math.max(0, context.levelCount - 1);
    return {
      clauses: [
        {
          zh: `会员等级比例：${rates}。好友订单结算后，依次向上两级：若上级的等级比例高于已发放比例，获得差额部分。`,
          en: `Level rates: ${rates}. When an invitee's order settles, each of the two uplines in turn earns the part of its level's rate above what was already paid.`,
        },
      ],
      example: {
        description: {
          zh: `A（最高等级）邀请 B（最低等级），B 邀请 C；C 购买 ${formatYuan(amount)} 元`,
          en: `A (top level) invites B (lowest level), B invites C; C buys ${formatYuan(amount)} yuan`,
        },
        steps: [
          {
            label: { zh: 'C 购买', en: 'C buys' },
            events: [
              { type: 'join', user: 'A' },
              { type: 'join', user: 'B', referrer: 'A' },
              { type: 'join', user: 'C', referrer: 'B' },
              { type: 'setLevel', user: 'A', level: top },
              { type: 'setLevel', user: 'B', level: 0 },
              { type: 'settle', user: 'C', order: 'c1', amountFen: amount },
            ],
          },
        ],
      },
    };
  },
});
