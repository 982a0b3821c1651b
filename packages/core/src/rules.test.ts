import { describe, expect, it } from 'vitest';
import { parseCampaign } from './campaigns';
import { definePlan } from './plan';
import { registerPlan } from './plans/registry';
import { rulesPage, rulesSection } from './rules';
import { engineOf, join, settle } from './table.test-helper';

describe('rules pages generated from live parameters (SPEC 3.4)', () => {
  it('computes the SPEC 3.1 worked example with the engine: 100, 200, 700 yuan', () => {
    const section = rulesSection('referralCycle', {});
    expect(section.example.steps.map((s) => s.rewards.map((r) => [r.user, r.amountFen]))).toEqual([
      [],
      [['A', 10000n]],
      [['A', 20000n]],
      [['A', 70000n]],
    ]);
    expect(section.params).toEqual([
      {
        name: 'ratesBps',
        label: { zh: '循环返利比例（基点）', en: 'Cycle rates (bps)' },
        value: { zh: '10.00% / 20.00% / 70.00%', en: '10.00% / 20.00% / 70.00%' },
      },
    ]);
    expect(section.clauses[0]?.en).toMatch(/10\.00% \/ 20\.00% \/ 70\.00%/);
  });

  it('writes today’s parameters and numbers into a live section, the example starting from today’s pool', () => {
    const engine = engineOf({ appreciationPool: { redeemFeeBps: 1000 } });
    engine.apply(join('Z'));
    for (let k = 0; k < 200; k += 1) engine.apply(settle('Z', `z${k}`, 100000n));
    const fresh = rulesSection('appreciationPool', { redeemFeeBps: 1000 });
    const [live] = rulesPage(engine);
    expect(live?.campaign).toBe('appreciationPool');
    expect(live?.clauses[2]?.en).toMatch(/10\.00% fee/);
    // redeeming 1 point pays more at today's price than in an empty pool (the last step of the example)
    const paidNow = live?.example.steps[3]?.rewards[0]?.amountFen ?? 0n;
    const paidEmpty = fresh.example.steps[3]?.rewards[0]?.amountFen ?? 0n;
    // after A, B, C: P 90000, S 481.95e6; gross = floor(1e6 * 90000 / 481.95e6) = 186, paid = share(186, 9000) = 167
    expect(paidEmpty).toBe(167n);
    expect(paidNow > paidEmpty).toBe(true);
    expect(live?.facts.find((f) => f.key === 'openPositions')?.value).toBeGreaterThan(0n);
    expect(engine.seq).toBe(201);
  });

  it('refuses a plan that pays on more than two levels of invitation (compliance guard)', () => {
    const pyramid = definePlan({
      code: 'threeLevels',
      title: { zh: '三级', en: 'Three levels' },
      summary: { zh: '三级', en: 'Three levels' },
      highRisk: true,
      referralLevels: 3,
      params: {},
      rewardKinds: {},
      records: {},
      events: [],
      payoutBoundBps: () => 0n,
      create: (_p, env) => ({
        campaign: env.campaign,
        settle: () => undefined,
        reconfigure: () => undefined,
        fork: () => {
          throw new Error('unused');
        },
      }),
      facts: () => [],
      rules: () => ({ clauses: [], example: { description: { zh: '', en: '' }, steps: [] } }),
    });
    const unregister = registerPlan(pyramid);
    try {
      const parsed = parseCampaign({ id: 'x', plan: 'threeLevels' }, []);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problems[0]).toMatchObject({ code: 'compliance_refused' });
    } finally {
      unregister();
    }
  });
});
