import { describe, expect, it } from 'vitest';
import { EngineInputError, parseEngineConfig } from './engine';
import { engineOf, join, poolOf, redeem, runTable, settle } from './table.test-helper';

const both = () => engineOf({ referralCycle: {}, appreciationPool: {} });

describe('engine: which plans act on an order', () => {
  it('applies only the plans named on the order, in registry order (referral cycle, then pool)', () => {
    runTable(both(), [
      { event: join('A') },
      { event: join('B', 'A') },
      { event: join('C', 'A') },
      // A joins both plans: consumer-merchant with base 100000, and 210 points
      {
        event: settle('A', 'a1', 100000n),
        rewards: [],
        pool: [30000n, 210000000n],
        progress: { A: { merchant: true, baseFen: 100000n, rewardCount: 0 } },
      },
      // B's order takes part only in the pool: A is not paid, B does not become a consumer-merchant, B gets units
      {
        event: settle('B', 'b1', 100000n, ['appreciationPool']),
        rewards: [],
        wallets: { A: 0n },
        pool: [60000n, 357000000n],
        positions: { b1: { units: 147000000n, status: 'open' } },
        progress: { A: { merchant: true, baseFen: 100000n, rewardCount: 0 }, B: undefined },
      },
      // C's order takes part only in the referral cycle: A's k=0 reward, and no position, pool untouched
      {
        event: settle('C', 'c1', 100000n, ['referralCycle']),
        rewards: [['referralCycle', 'A', 'c1', 10000n]],
        wallets: { A: 10000n },
        pool: [60000n, 357000000n],
        progress: {
          A: { merchant: true, baseFen: 100000n, rewardCount: 1 },
          C: { merchant: true, baseFen: 100000n, rewardCount: 0 },
        },
      },
      // an order in no plan does nothing here
      { event: settle('C', 'c2', 100000n, []), rewards: [], pool: [60000n, 357000000n] },
      // B's first order in the referral plan: now A's k=1 reward, share(100000, 2000)
      {
        event: settle('B', 'b2', 100000n, ['referralCycle']),
        rewards: [['referralCycle', 'A', 'b2', 20000n]],
        wallets: { A: 30000n },
        progress: { B: { merchant: true, baseFen: 100000n, rewardCount: 0 } },
      },
    ]);
  });

  it('pays the referral reward before the pool mints, both from one settled order', () => {
    const engine = both();
    engine.apply(join('A'));
    engine.apply(join('B', 'A'));
    engine.apply(settle('A', 'a1', 100000n));
    const effects = engine.apply(settle('B', 'b1', 100000n));
    const kinds = effects.map((e) => (e.type === 'transfer' ? e.reason : e.type));
    expect(kinds.indexOf('referralCycle')).toBeLessThan(kinds.indexOf('poolContribution'));
    expect(effects.find((e) => e.type === 'transfer' && e.reason === 'poolContribution')).toMatchObject({
      amountFen: 30000n,
      order: 'b1',
    });
  });
});

describe('engine: bad input changes nothing', () => {
  it.each([
    ['an unknown user', settle('Z', 'z1', 100n), 'unknown_user'],
    ['an order id used twice', settle('B', 'a1', 100n), 'duplicate_order'],
    ['a negative amount', settle('A', 'a2', -1n), 'invalid_amount'],
    ['a redemption of an unknown order', redeem('A', 'zz', 1n), 'unknown_order'],
    ['a redemption of a negative unit count', redeem('A', 'a1', -1n), 'invalid_units'],
    ['an unknown level', { type: 'setLevel', user: 'A', level: 'V9' } as const, 'unknown_level'],
    [
      'dismissing an agent who is not appointed',
      { type: 'dismiss', user: 'A', region: ['x'] } as const,
      'agent_not_appointed',
    ],
    ['a region of four parts', { type: 'appoint', user: 'A', region: ['a', 'b', 'c', 'd'] } as const, 'invalid_region'],
    ['an unknown campaign on an order', settle('A', 'a2', 100n, ['nope']), 'unknown_campaign'],
    ['a user id used twice', join('A'), 'duplicate_user'],
    ['a self-referrer', join('C', 'C'), 'referrer_loop'],
    ['an unknown referrer', join('C', 'Q'), 'unknown_referrer'],
  ])('refuses %s with %s', (_what, event, code) => {
    const engine = both();
    engine.apply(join('A'));
    engine.apply(join('B', 'A'));
    engine.apply(settle('A', 'a1', 100000n));
    const before = { seq: engine.seq, state: { ...poolOf(engine)?.state }, positions: poolOf(engine)?.positions };
    let thrown: unknown;
    try {
      engine.apply(event);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EngineInputError);
    expect((thrown as EngineInputError).code).toBe(code);
    expect({ seq: engine.seq, state: { ...poolOf(engine)?.state }, positions: poolOf(engine)?.positions }).toEqual(
      before,
    );
    // and the engine still works afterwards: B's order pays A's k=0 reward exactly once
    const effects = engine.apply(settle('B', 'b-after', 100000n));
    expect(effects.filter((e) => e.type === 'transfer' && e.reason === 'referralCycle')).toHaveLength(1);
  });

  it.each([
    ['zero units', 'A', 'a1', 0n, 'invalid_units'],
    ['another shopper’s order', 'B', 'a1', 1n, 'not_holder'],
    ['an order outside the pool', 'A', 'a2', 1n, 'no_position'],
  ])(
    'lists the redemption of %s as rejected (SPEC 3.5 readings), changing nothing',
    (_what, user, order, units, code) => {
      const engine = both();
      engine.apply(join('A'));
      engine.apply(join('B', 'A'));
      engine.apply(settle('A', 'a1', 100000n));
      engine.apply(settle('A', 'a2', 100000n, ['referralCycle']));
      const before = { state: { ...poolOf(engine)?.state }, positions: poolOf(engine)?.positions };
      const effects = engine.apply(redeem(user, order, units));
      expect(effects).toHaveLength(1);
      expect(effects[0]).toMatchObject({ type: 'rejected', user, order, code });
      expect({ state: { ...poolOf(engine)?.state }, positions: poolOf(engine)?.positions }).toEqual(before);
    },
  );

  it('lists a redemption as rejected when no pool is on (plan off)', () => {
    const engine = engineOf({ referralCycle: {} });
    engine.apply(join('A'));
    engine.apply(settle('A', 'a1', 100000n));
    expect(engine.apply(redeem('A', 'a1', 1n))).toMatchObject([{ type: 'rejected', code: 'plan_off', campaign: null }]);
  });

  it('reports every configuration problem at once', () => {
    const parsed = parseEngineConfig({
      referralCycle: { ratesBps: [] },
      appreciationPool: { poolShareBps: -1, typo: 1 },
      nonsense: {},
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      const found = parsed.problems.map((p) => `${p.plan}.${p.param}`).sort();
      expect(found).toEqual([
        'appreciationPool.poolShareBps',
        'appreciationPool.typo',
        'nonsense.',
        'referralCycle.ratesBps',
      ]);
    }
  });

  it('fills defaults for a plan given as an empty object and leaves unlisted plans off', () => {
    const parsed = parseEngineConfig({ appreciationPool: {} });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.config.campaigns.map((c) => c.id)).toEqual(['appreciationPool']);
      expect(parsed.config.campaigns[0]?.params).toEqual({
        poolShareBps: 3000,
        creditShareBps: 7000,
        initialPriceFen: 100,
        exitMultipleBps: 20000,
        exitCashShareBps: 8000,
        redeemFeeBps: 2000,
      });
    }
  });
});
