/**
 * A plan that exists only in the server's tests (issue 8 acceptance): importing this one file registers it with
 * core's registry. The server then shows it in the plan catalogue, campaigns, settlement, dashboard, audit, rules page,
 * margin warnings and (through MALL_PLAN_MODULES / StartOptions.planModules) in simulation workers, with no server
 * file naming it.
 *
 * Stamp card: every `every`-th in-scope order of a shopper pays `share(A, bonusBps)` of that order back.
 */
import {
  PLATFORM_REVENUE,
  definePlan,
  findPlan,
  pushCredit,
  pushRecord,
  registerPlan,
  share,
  type PlanEnv,
  type PlanInstance,
  type RewardKind,
} from '@mall/core';

export const STAMP_CARD = 'stampCard';
const BONUS = 'stampBonus' as RewardKind;

interface StampInstance extends PlanInstance {
  readonly cards: number;
}

function instance(
  env: PlanEnv,
  every: number,
  bonusBps: bigint,
  stamps: Map<number, number>,
  cards: number,
): StampInstance {
  let n = every;
  let bonus = bonusBps;
  return {
    campaign: env.campaign,
    get cards() {
      return cards;
    },
    settle(order, amountFen, out) {
      const count = (stamps.get(order.userIndex) ?? 0) + 1;
      if (count === 1) cards += 1;
      const full = count >= n;
      stamps.set(order.userIndex, full ? 0 : count);
      if (full) {
        const paid = share(amountFen, bonus);
        pushCredit(
          out,
          env.campaign,
          BONUS,
          order.order,
          PLATFORM_REVENUE,
          env.directory,
          order.userIndex,
          paid,
          order.order,
        );
      }
      pushRecord(out, env.campaign, 'card', order.user, order.user, { stamps: full ? 0 : count });
    },
    reconfigure(params) {
      n = params.every as number;
      bonus = BigInt(params.bonusBps as number);
    },
    fork: (next) => instance(next, n, bonus, new Map(stamps), cards),
  };
}

export const stampCard = definePlan({
  code: STAMP_CARD,
  title: { zh: '集章返现', en: 'Stamp card' },
  summary: { zh: '每集满若干单，返还最后一单的一部分。', en: 'Every few orders pay part of the last one back.' },
  highRisk: false,
  referralLevels: 0,
  params: {
    every: { kind: 'integer', default: 2, min: 1, max: 20, label: { zh: '集满单数', en: 'Orders per card' } },
    bonusBps: { kind: 'bps', default: 5000, min: 0, max: 10_000, label: { zh: '返现比例', en: 'Bonus (bps)' } },
  },
  rewardKinds: { [BONUS]: { zh: '集章返现', en: 'Stamp bonus' } } as Record<RewardKind, { zh: string; en: string }>,
  records: { card: { zh: '集章卡', en: 'Stamp card' } },
  events: [],
  // One order completes at most one card, paying share(A, bonusBps).
  payoutBoundBps: (p) => BigInt(p.bonusBps),
  create: (p, env) => instance(env, p.every, BigInt(p.bonusBps), new Map(), 0),
  facts: (i) => [{ key: 'cards', label: { zh: '集章卡', en: 'Stamp cards' }, value: BigInt(i.cards), unit: 'count' }],
  rules: (p) => ({
    clauses: [
      {
        zh: `每 ${p.every} 单返还最后一单的 ${p.bonusBps / 100}%。`,
        en: `Every ${p.every} orders pay ${p.bonusBps / 100}% of the last one back.`,
      },
    ],
    example: {
      description: { zh: 'A 连续购买两次', en: 'A buys twice' },
      steps: [
        { label: { zh: 'A 加入', en: 'A joins' }, events: [{ type: 'join', user: 'A' }] },
        ...[1, 2].map((k) => ({
          label: { zh: `第 ${k} 单`, en: `Order ${k}` },
          events: [{ type: 'settle' as const, user: 'A', order: `a${k}`, amountFen: 10_000n }],
        })),
      ],
    },
  }),
});

/** Registered once per thread (the test's, and each simulation worker's), whichever path imported it first. */
export const unregisterStampCard: () => void =
  findPlan(STAMP_CARD) === undefined ? registerPlan(stampCard) : () => undefined;
