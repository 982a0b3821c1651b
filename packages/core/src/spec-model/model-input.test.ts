import { describe, expect, it } from 'vitest';
import { join, redeem, refusedAt, run, settle } from './golden.test-helper';

// SPEC 4 "Bad input" and the parameter ranges of the SPEC 3.5 readings, as the model reads them.

const levels = [
  { code: 'V1', minSpendFen: 0 },
  { code: 'V2', minSpendFen: 1000 },
];
const base = [join('A'), settle('A', 'a1', 100_000)]; // events 0 and 1
const doc = (events: unknown[], plans: Record<string, unknown> = { appreciationPool: {} }) => ({
  plans,
  levels,
  events: [...base, ...events],
});

describe('SPEC 4 bad input names the event index', () => {
  it.each<[string, unknown[], number]>([
    ['an unknown event type', [{ type: 'buy', user: 'A' }], 2],
    ['an event that is not an object', ['join'], 2],
    ['an unknown event field', [{ type: 'periodClose', at: 1 }], 2],
    ['the engine’s own `plans` field on settle, which SPEC 4 does not list', [settle('A', 'a2', 1, { plans: [] })], 2],
    ['a missing field', [{ type: 'settle', user: 'A', order: 'a2' }], 2],
    ['an unknown user', [settle('Z', 'z1', 1)], 2],
    ['an unknown referrer', [join('B', 'Q')], 2],
    ['a referrer who joins later', [join('B', 'C'), join('C')], 2],
    ['a self-referrer', [join('B', 'B')], 2],
    ['a user id used twice', [join('A')], 2],
    ['an order id used twice', [settle('A', 'a1', 5)], 2],
    ['an order id used twice, the first of 0 fen', [settle('A', 'z', 0), settle('A', 'z', 5)], 3],
    ['a redemption of an unknown order', [redeem('A', 'nope', 1)], 2],
    ['a redemption before the order settles', [redeem('A', 'a2', 1), settle('A', 'a2', 1)], 2],
    ['a user id given as an order id', [redeem('A', 'A', 1)], 2],
    ['a negative amount', [settle('A', 'a2', -1)], 2],
    ['a fractional amount', [settle('A', 'a2', 1.5)], 2],
    ['an amount as a string', [{ ...settle('A', 'a2', 1), amountFen: '5' }], 2],
    ['an amount as a boolean', [{ ...settle('A', 'a2', 1), amountFen: true }], 2],
    ['an amount past 2^53', [settle('A', 'a2', 2 ** 60)], 2],
    ['a negative unit count', [redeem('A', 'a1', -5)], 2],
    ['a fractional unit count', [redeem('A', 'a1', 2.5)], 2],
    ['lines that do not add up', [settle('A', 'a2', 10, { lines: [{ product: 'p', amountFen: 9 }] })], 2],
    [
      'a line with a negative amount',
      [
        settle('A', 'a2', 0, {
          lines: [
            { product: 'p', amountFen: -1 },
            { product: 'q', amountFen: 1 },
          ],
        }),
      ],
      2,
    ],
    ['a line with an unknown field', [settle('A', 'a2', 1, { lines: [{ product: 'p', amountFen: 1, sku: 's' }] })], 2],
    ['an empty region', [settle('A', 'a2', 1, { region: [] })], 2],
    ['a region of four parts', [settle('A', 'a2', 1, { region: ['a', 'b', 'c', 'd'] })], 2],
    ['a region with an empty part', [{ type: 'appoint', user: 'A', region: ['浙江', ''] }], 2],
    ['a region that is a string', [{ type: 'appoint', user: 'A', region: '浙江' }], 2],
    ['an unknown level', [{ type: 'setLevel', user: 'A', level: 'V3' }], 2],
    [
      'appointing an agent twice to one region',
      [
        { type: 'appoint', user: 'A', region: ['x'] },
        { type: 'appoint', user: 'A', region: ['x'] },
      ],
      3,
    ],
    [
      'dismissing one who is not appointed there',
      [
        { type: 'appoint', user: 'A', region: ['x'] },
        { type: 'dismiss', user: 'A', region: ['x', 'y'] },
      ],
      3,
    ],
  ])('refuses %s', (_what, events, index) => {
    expect(refusedAt(doc(events))).toBe(index);
  });

  it('accepts what looks odd but is valid: a 0-unit redemption, another holder’s, 0 fen, user and order ids alike', () => {
    const r = run(
      doc([join('B'), redeem('A', 'a1', 0), redeem('B', 'a1', 1), settle('B', 'B', 0), settle('A', 'A', 1)]),
    );
    expect(r.rewards.map((x) => x.kind)).toEqual(['rejected', 'rejected']);
  });
});

describe('SPEC 4 bad input in the configuration names no event', () => {
  const config = (plans: unknown, extra: Record<string, unknown> = {}) => ({ plans, events: [join('A')], ...extra });

  it.each<[string, unknown]>([
    ['an unknown plan', config({ pyramid: {} })],
    ['an unknown parameter', config({ cashback: { bonusBps: 1 } })],
    ['a fractional parameter', config({ cashback: { rateBps: 12.5 } })],
    ['a parameter given as a string', config({ cashback: { installments: '3' } })],
    ['buyersOnly that is not a boolean', config({ promotionCommission: { buyersOnly: 'yes' } })],
    ['an unknown dividend basis', config({ dividendPool: { basis: 'weekly' } })],
    ['products that are not a list', config({ cashback: { products: 'gift' } })],
    [
      'levels not strictly increasing',
      config(
        {},
        {
          levels: [
            { code: 'a', minSpendFen: 5 },
            { code: 'b', minSpendFen: 5 },
          ],
        },
      ),
    ],
    [
      'a level code twice',
      config(
        {},
        {
          levels: [
            { code: 'a', minSpendFen: 0 },
            { code: 'a', minSpendFen: 5 },
          ],
        },
      ),
    ],
    ['levelDifferential without levels', config({ levelDifferential: { ratesBps: [] } })],
    ['levelDifferential without its rates', config({ levelDifferential: {} }, { levels })],
    ['levelDifferential rates of the wrong length', config({ levelDifferential: { ratesBps: [1] } }, { levels })],
    ['dividends by level without weights', config({ dividendPool: {} }, { levels })],
    ['dividends by level without levels', config({ dividendPool: { weights: [] } })],
    ['dividend weights of the wrong length', config({ dividendPool: { weights: [1, 2, 3] } }, { levels })],
    ['an unknown top-level key', config({}, { seed: 1 })],
    ['plans that are not an object', config([])],
    ['events that are not a list', { plans: {}, events: {} }],
    ['a scenario that is not an object', []],
  ])('refuses %s', (_what, scenario) => {
    expect(refusedAt(scenario)).toBeUndefined();
  });

  // SPEC 3.5 "Parameter ranges", each bound accepted and one past it refused.
  it.each<[string, string, number, number]>([
    ['referralCycle', 'ratesBps', 0, -1],
    ['referralCycle', 'ratesBps', 10_000, 10_001],
    ['appreciationPool', 'poolShareBps', 10_000, 10_001],
    ['appreciationPool', 'redeemFeeBps', 0, -1],
    ['appreciationPool', 'exitMultipleBps', 1, 0],
    ['appreciationPool', 'exitMultipleBps', 1_000_000, 1_000_001],
    ['appreciationPool', 'initialPriceFen', 1, 0],
    ['appreciationPool', 'initialPriceFen', 100_000_000, 100_000_001],
    ['queueRebate', 'capBps', 1, 0],
    ['queueRebate', 'capBps', 1_000_000, 1_000_001],
    ['cashback', 'installments', 1, 0],
    ['cashback', 'installments', 36, 37],
    ['dividendPool', 'topN', 1, 0],
    ['dividendPool', 'topN', 1000, 1001],
    ['promotionCommission', 'level2Bps', 10_000, 10_001],
    ['regionalAgent', 'districtBps', 0, -1],
  ])('takes %s.%s = %i and refuses %i', (plan, param, ok, bad) => {
    const value = (v: number) => (param === 'ratesBps' ? [v] : v);
    const extra = plan === 'dividendPool' ? { basis: 'ranking' } : {};
    expect(run({ plans: { [plan]: { ...extra, [param]: value(ok) } }, events: [] }).rewards).toEqual([]);
    expect(refusedAt({ plans: { [plan]: { ...extra, [param]: value(bad) } }, events: [] })).toBeUndefined();
  });

  it('takes 1 to 12 referral rates, ignores weights with the ranking basis, and defaults the basis to level', () => {
    const rates = (n: number) => ({ referralCycle: { ratesBps: Array.from({ length: n }, () => 100) } });
    expect(run({ plans: rates(12), events: [] }).rewards).toEqual([]);
    expect(refusedAt({ plans: rates(13), events: [] })).toBeUndefined();
    expect(refusedAt({ plans: rates(0), events: [] })).toBeUndefined();
    expect(
      run({ plans: { dividendPool: { basis: 'ranking', weights: 'anything' } }, events: [] }).dividendPool,
    ).toEqual({
      cashFen: 0n,
    });
    expect(refusedAt({ plans: { dividendPool: {} }, events: [] })).toBeUndefined(); // level basis needs levels
  });
});
