import { describe, expect, it } from 'vitest';
import { buy, close, join, refusal, result, resultText } from './scenario.test-helper';

const levels = [
  { code: 'V1', minSpendFen: 0 },
  { code: 'V2', minSpendFen: 500000 },
];
const allPlans = {
  referralCycle: {},
  promotionCommission: {},
  levelDifferential: { ratesBps: [100, 300] },
  regionalAgent: {},
  cashback: { installments: 2 },
  queueRebate: {},
  dividendPool: { weights: [1, 2] },
  appreciationPool: {},
};

describe('scenario contract with the mode library (SPEC 4)', () => {
  it('lists the result keys pool, positions, wallets, rewards, then queue, cashback, dividendPool when those plans are on', () => {
    const out = JSON.parse(
      resultText({ levels, plans: allPlans, events: [join('A'), buy('A', 'a1', 100000)] }),
    ) as object;
    expect(Object.keys(out)).toEqual(['pool', 'positions', 'wallets', 'rewards', 'queue', 'cashback', 'dividendPool']);
    const some = JSON.parse(resultText({ plans: { queueRebate: {} }, events: [] })) as object;
    expect(Object.keys(some)).toEqual(['pool', 'positions', 'wallets', 'rewards', 'queue']);
  });

  it('lists one order’s rewards in the SPEC 3.5 plan order', () => {
    // B (invited by A, both V1) buys 100000 shipped to GD where C is the province agent; cashback n = 2.
    const doc = {
      levels,
      plans: allPlans,
      events: [
        join('A'),
        join('B', 'A'),
        join('C'),
        { type: 'appoint', user: 'C', region: ['GD'] },
        buy('A', 'a1', 100000),
        buy('B', 'b1', 100000, { region: ['GD'] }),
      ],
    };
    // b1's rewards are those after a1's (the queue rebate names the entry it repays, a1)
    const before = result({ ...doc, events: doc.events.slice(0, -1) }).rewards.length;
    const rewards = result(doc).rewards.slice(before);
    expect(rewards.map((r) => [r.kind, r.user, r.order])).toEqual([
      ['referralCycle', 'A', 'b1'],
      ['promotionCommission', 'A', 'b1'],
      ['levelDifferential', 'A', 'b1'],
      ['regionalAgent', 'C', 'b1'],
      ['cashback', 'B', 'b1'],
      ['queueRebate', 'A', 'a1'],
    ]);
  });

  it('limits each plan to its products: A is the sum of in-scope lines, an order without lines is 0 for it', () => {
    // cashback only on p1: 60000 of the 100000 order: share(60000, 500) = 3000; the pool covers everything.
    const doc = {
      plans: { cashback: { products: ['p1'] }, appreciationPool: {} },
      events: [
        join('A'),
        buy('A', 'a1', 100000, {
          lines: [
            { product: 'p1', amountFen: 60000 },
            { product: 'p2', amountFen: 40000 },
          ],
        }),
        buy('A', 'a2', 100000),
        buy('A', 'a3', 50000, { lines: [{ product: 'p2', amountFen: 50000 }] }),
      ],
    };
    const out = result(doc);
    expect(out.rewards).toEqual([{ kind: 'cashback', user: 'A', order: 'a1', amountFen: 3000 }]);
    expect(out.positions.map((p) => p.order)).toEqual(['a1', 'a2', 'a3']);
    // an empty product list puts nothing in scope
    expect(
      result({ plans: { cashback: { products: [] } }, events: [join('A'), buy('A', 'a1', 100000)] }).rewards,
    ).toEqual([]);
  });

  it('gives every shopper the first level from joining when it starts at 0, and counts spend of orders no plan touches', () => {
    // dividend by level with weight only at V2 (from 500000): A reaches it through an order outside the plan's scope
    const doc = {
      levels,
      plans: { dividendPool: { weights: [0, 1], products: ['p1'] } },
      events: [
        join('A'),
        join('B'),
        buy('B', 'b1', 100000, { lines: [{ product: 'p1', amountFen: 100000 }] }), // accrues 2000
        buy('A', 'a1', 500000, { lines: [{ product: 'p2', amountFen: 500000 }] }), // nothing in scope, spend 500000
        close,
      ],
    };
    expect(result(doc).wallets).toEqual({ A: 2000 });
  });

  it.each([
    [
      'lines that do not add up',
      buy('A', 'a1', 100, { lines: [{ product: 'p', amountFen: 99 }] }),
      'invalid_event',
      /lines add up to 99/,
    ],
    [
      'a line with an unknown field',
      buy('A', 'a1', 100, { lines: [{ product: 'p', amountFen: 100, sku: 1 }] }),
      'invalid_event',
      /unknown field sku/,
    ],
    [
      'a line amount that is not an integer',
      buy('A', 'a1', 100, { lines: [{ product: 'p', amountFen: 99.5 }] }),
      'invalid_event',
      /amountFen/,
    ],
    ['a line without a product', buy('A', 'a1', 100, { lines: [{ amountFen: 100 }] }), 'invalid_event', /product/],
    ['an empty region', buy('A', 'a1', 100, { region: [] }), 'invalid_event', /region/],
    ['a setLevel to an unknown level', { type: 'setLevel', user: 'A', level: 'V7' }, 'unknown_level', /V7/],
    ['a setLevel of an unknown user', { type: 'setLevel', user: 'Z', level: 'V1' }, 'unknown_user', /Z/],
    ['an appointment of an unknown user', { type: 'appoint', user: 'Z', region: ['GD'] }, 'unknown_user', /Z/],
    ['a periodClose with a field', { type: 'periodClose', at: 1 }, 'invalid_event', /unknown field at/],
    [
      'a campaign event in the plans form',
      { type: 'campaign', id: 'x', plan: 'cashback' },
      'unknown_event',
      /campaign/,
    ],
    ['a settle naming campaigns in the plans form', buy('A', 'a1', 1, { campaigns: [] }), 'invalid_event', /campaigns/],
    ['a negative unit count', { type: 'redeem', user: 'A', order: 'a0', units: -1 }, 'invalid_event', /units/],
  ])('refuses %s, naming its event', (_what, event, code, message) => {
    const error = refusal({ levels, plans: allPlans, events: [join('A'), buy('A', 'a0', 100), event] });
    expect([error.index, error.code]).toEqual([2, code]);
    expect(error.message).toMatch(message);
  });

  it('names the first bad event, whether its problem is its shape or the state it meets', () => {
    // event 1 settles for an unknown user (a state problem); event 2 is malformed: event 1 is named
    const error = refusal({ plans: {}, events: [join('A'), buy('Z', 'z1', 1), buy('A', 'a1', 1.5)] });
    expect(error.index).toBe(1);
    const shape = refusal({ plans: {}, events: [join('A'), buy('A', 'a1', 1.5), buy('Z', 'z1', 1)] });
    expect(shape.index).toBe(1);
  });

  it.each([
    [
      'levels not strictly increasing',
      [
        { code: 'a', minSpendFen: 5 },
        { code: 'b', minSpendFen: 5 },
      ],
      /strictly increasing/,
    ],
    [
      'a level code used twice',
      [
        { code: 'a', minSpendFen: 0 },
        { code: 'a', minSpendFen: 5 },
      ],
      /used twice/,
    ],
    ['a negative threshold', [{ code: 'a', minSpendFen: -1 }], /minSpendFen/],
    ['an empty code', [{ code: '', minSpendFen: 0 }], /code/],
    ['levels that are not a list', { V1: 0 }, /list/],
  ])('refuses %s, with no event index', (_what, badLevels, message) => {
    const error = refusal({ levels: badLevels, plans: {}, events: [] });
    expect(error.index).toBeUndefined();
    expect(error.message).toMatch(message);
  });

  it('refuses products that are not a list of ids, and a per-level list of the wrong length', () => {
    expect(refusal({ plans: { cashback: { products: 'p1' } }, events: [] }).message).toMatch(/products must be a list/);
    expect(refusal({ levels, plans: { dividendPool: { weights: [1] } }, events: [] }).message).toMatch(
      /weights must have 2 entries/,
    );
  });
});
