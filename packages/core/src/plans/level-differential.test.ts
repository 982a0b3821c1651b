import { describe, expect, it } from 'vitest';
import { buy, join, refusal, rewardRows } from '../scenario.test-helper';

// Levels V1 (from 0: every shopper holds it from joining), V2 from 500000, V3 from 2000000; rates 300, 600, 1000.
const levels = [
  { code: 'V1', minSpendFen: 0 },
  { code: 'V2', minSpendFen: 500000 },
  { code: 'V3', minSpendFen: 2000000 },
];
const plans = { levelDifferential: { ratesBps: [300, 600, 1000] } };
const set = (user: string, level: string) => ({ type: 'setLevel', user, level });
const chain = [join('A'), join('B', 'A'), join('C', 'B')];

describe('level differential (SPEC 3.5)', () => {
  it('pays R1 its rate and R2 only the difference above what R1 got', () => {
    // B (V2, 600): share(100000, 600) = 6000, paid = 600; A (V3, 1000 > 600): share(100000, 400) = 4000.
    const doc = { levels, plans, events: [...chain, set('A', 'V3'), set('B', 'V2'), buy('C', 'c1', 100000)] };
    expect(rewardRows(doc)).toEqual([
      ['levelDifferential', 'B', 'c1', 6000],
      ['levelDifferential', 'A', 'c1', 4000],
    ]);
  });

  it('pays R2 nothing when its rate does not exceed what was already paid', () => {
    // B (V3): 10000; A (V2, 600 < 1000): nothing. Both V1: B share(100000, 300) = 3000, A 300 is not above 300.
    expect(
      rewardRows({ levels, plans, events: [...chain, set('A', 'V2'), set('B', 'V3'), buy('C', 'c1', 100000)] }),
    ).toEqual([['levelDifferential', 'B', 'c1', 10000]]);
    expect(rewardRows({ levels, plans, events: [...chain, buy('C', 'c1', 100000)] })).toEqual([
      ['levelDifferential', 'B', 'c1', 3000],
    ]);
  });

  it('reaches levels by spend after the order that crosses the threshold, and pays nobody without a level', () => {
    // Levels from 100000 and 300000 (no level at 0), rates 500 and 800.
    const doc = {
      levels: [
        { code: 'V1', minSpendFen: 100000 },
        { code: 'V2', minSpendFen: 300000 },
      ],
      plans: { levelDifferential: { ratesBps: [500, 800] } },
      events: [
        ...chain,
        buy('B', 'b1', 100000), // R1 = A has no level (spend 0): nothing. B's spend becomes 100000: V1
        buy('C', 'c1', 100000), // B (V1, 500): 5000; A still no level
        buy('A', 'a1', 300000), // A reaches V2 by spend
        buy('C', 'c2', 200000), // B: share(200000, 500) = 10000; A (800 > 500): share(200000, 300) = 6000
      ],
    };
    expect(rewardRows(doc)).toEqual([
      ['levelDifferential', 'B', 'c1', 5000],
      ['levelDifferential', 'B', 'c2', 10000],
      ['levelDifferential', 'A', 'c2', 6000],
    ]);
  });

  it('takes the higher of the admin level and the spend level, a later setLevel replacing the earlier one (also downwards)', () => {
    const doc = {
      levels,
      plans,
      events: [
        ...chain,
        buy('B', 'b0', 500000), // B reaches V2 by spend
        set('B', 'V1'), // downwards: the spend level V2 still counts
        buy('C', 'c1', 100000), // B at V2: 6000
        set('B', 'V3'),
        buy('C', 'c2', 100000), // B at V3: 10000
        set('B', 'V1'), // replaced downwards: back to the spend level V2
        buy('C', 'c3', 100000), // 6000 again
      ],
    };
    expect(rewardRows(doc).filter((r) => r[1] === 'B')).toEqual([
      ['levelDifferential', 'B', 'c1', 6000],
      ['levelDifferential', 'B', 'c2', 10000],
      ['levelDifferential', 'B', 'c3', 6000],
    ]);
  });

  it('walks at most two uplines', () => {
    const doc = { levels, plans, events: [...chain, join('D', 'C'), set('A', 'V3'), buy('D', 'd1', 100000)] };
    // C (V1) 3000, B (V1) nothing more, A (V3) is the third upline: never paid.
    expect(rewardRows(doc)).toEqual([['levelDifferential', 'C', 'd1', 3000]]);
  });

  it('refuses rates of the wrong length, a plan without levels, and an unknown level (naming the event)', () => {
    expect(refusal({ levels, plans: { levelDifferential: { ratesBps: [1, 2] } }, events: [] }).message).toMatch(
      /ratesBps must have 3 entries, got 2/,
    );
    expect(refusal({ plans: { levelDifferential: { ratesBps: [] } }, events: [] }).message).toMatch(
      /needs member levels/,
    );
    expect(refusal({ levels, plans: { levelDifferential: {} }, events: [] }).message).toMatch(/ratesBps is required/);
    const unknown = refusal({ levels, plans, events: [join('A'), set('A', 'V9')] });
    expect([unknown.index, unknown.code]).toEqual([1, 'unknown_level']);
  });
});
