import { describe, expect, it } from 'vitest';
import { checkPlanContract } from '../plan-contract.test-helper';
import { PLANS, planOfRewardKind, planRank } from './registry';

describe('the plan registry (issue 8)', () => {
  it('holds the eight plans in the SPEC 3.5 settlement order', () => {
    expect(PLANS.map((p) => p.code)).toEqual([
      'referralCycle',
      'promotionCommission',
      'levelDifferential',
      'regionalAgent',
      'cashback',
      'queueRebate',
      'dividendPool',
      'appreciationPool',
    ]);
    expect(planRank('appreciationPool')).toBe(7);
  });

  it('gives every reward kind to exactly one plan', () => {
    const kinds = PLANS.flatMap((p) => Object.keys(p.rewardKinds));
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const kind of kinds) expect(planOfRewardKind(kind)?.plan.rewardKinds).toHaveProperty(kind);
  });

  it('marks the queue rebate, the referral cycle and the pool as high-risk, and no plan pays on more than two levels', () => {
    expect(PLANS.filter((p) => p.highRisk).map((p) => p.code)).toEqual([
      'referralCycle',
      'queueRebate',
      'appreciationPool',
    ]);
    expect(Math.max(...PLANS.map((p) => p.referralLevels))).toBe(2);
  });

  it.each(PLANS.map((p) => [p.code]))('%s passes the plan contract', (code) => {
    checkPlanContract(code);
  });
});
