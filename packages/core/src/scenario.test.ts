import { describe, expect, it } from 'vitest';
import { stringifyJson } from './json';
import { ScenarioError, parseScenarioText, resultToJson, runScenario } from './scenario';

/** Parses and runs a scenario text, returning the contract JSON text (SPEC 4). */
function simulate(text: string): string {
  return stringifyJson(resultToJson(runScenario(parseScenarioText(text))));
}

function doc(plans: unknown, events: unknown[]): string {
  return JSON.stringify({ plans, events });
}

const both = { referralCycle: {}, appreciationPool: {} };

/** Runs the scenario and returns the ScenarioError it must throw. */
function failure(text: string): ScenarioError {
  try {
    simulate(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenario files: bad input is refused with the event index (SPEC 4)', () => {
  const A = { type: 'join', user: 'A' };
  const B = { type: 'join', user: 'B', referrer: 'A' };

  it.each([
    ['an unknown event type', [A, { type: 'buy', user: 'A' }], 1, 'unknown_event', /unknown event type "buy"/],
    ['an event that is not an object', [A, 'join'], 1, 'invalid_event', /object/],
    [
      'a settlement by an unknown user',
      [A, { type: 'settle', user: 'Z', order: 'z1', amountFen: 1 }],
      1,
      'unknown_user',
      /Z/,
    ],
    [
      'a redemption by an unknown user',
      [A, { type: 'redeem', user: 'Z', order: 'a1', units: 1 }],
      1,
      'unknown_user',
      /Z/,
    ],
    ['an unknown referrer', [A, { type: 'join', user: 'B', referrer: 'Q' }], 1, 'unknown_referrer', /Q/],
    ['a referrer who joins later', [{ type: 'join', user: 'B', referrer: 'A' }, A], 0, 'unknown_referrer', /A/],
    ['a self-referrer', [A, { type: 'join', user: 'B', referrer: 'B' }], 1, 'referrer_loop', /B/],
    ['a user id used twice', [A, B, { type: 'join', user: 'A' }], 2, 'duplicate_user', /A/],
    [
      'an order id used twice',
      [
        A,
        B,
        { type: 'settle', user: 'A', order: 'o1', amountFen: 1 },
        { type: 'settle', user: 'B', order: 'o1', amountFen: 1 },
      ],
      3,
      'duplicate_order',
      /o1/,
    ],
    [
      'a redemption of an unknown order',
      [A, { type: 'redeem', user: 'A', order: 'nope', units: 1 }],
      1,
      'unknown_order',
      /nope/,
    ],
    [
      'a negative amount',
      [A, { type: 'settle', user: 'A', order: 'a1', amountFen: -1 }],
      1,
      'invalid_event',
      /amountFen/,
    ],
    [
      'a non-integer amount',
      [A, { type: 'settle', user: 'A', order: 'a1', amountFen: 1.5 }],
      1,
      'invalid_event',
      /amountFen/,
    ],
    [
      'an amount given as a string',
      [A, { type: 'settle', user: 'A', order: 'a1', amountFen: '100' }],
      1,
      'invalid_event',
      /amountFen/,
    ],
    [
      'an amount beyond 2^53',
      [A, { type: 'settle', user: 'A', order: 'a1', amountFen: 2 ** 60 }],
      1,
      'invalid_event',
      /amountFen/,
    ],
    [
      'an amount above the engine limit of 10^12 fen',
      [A, { type: 'settle', user: 'A', order: 'a1', amountFen: 1_000_000_000_001 }],
      1,
      'invalid_amount',
      /amountFen/,
    ],
    ['a negative unit count', [A, { type: 'redeem', user: 'A', order: 'a1', units: -5 }], 1, 'invalid_event', /units/],
    [
      'a non-integer unit count',
      [A, { type: 'redeem', user: 'A', order: 'a1', units: 2.5 }],
      1,
      'invalid_event',
      /units/,
    ],
    ['a missing field', [A, { type: 'settle', user: 'A', order: 'a1' }], 1, 'invalid_event', /amountFen/],
    ['an unknown field', [A, { type: 'join', user: 'C', inviter: 'A' }], 1, 'invalid_event', /inviter/],
    ['an empty user id', [{ type: 'join', user: '' }], 0, 'invalid_event', /user/],
    [
      'a settle event naming plans (not a SPEC 4 field)',
      [A, { type: 'settle', user: 'A', order: 'a1', amountFen: 1, plans: ['referralCycle'] }],
      1,
      'invalid_event',
      /unknown field plans/,
    ],
  ])('refuses %s, naming event %i', (_what, events, index, code, message) => {
    const error = failure(doc(both, events));
    expect(error.index).toBe(index);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`event ${index}: `)).toBe(true);
  });

  it('lists the redemption of another shopper’s order and of zero units as rejected (SPEC 3.5 readings)', () => {
    const out = JSON.parse(
      simulate(
        doc(both, [
          A,
          B,
          { type: 'settle', user: 'A', order: 'a1', amountFen: 100000 },
          { type: 'redeem', user: 'B', order: 'a1', units: 1 },
          { type: 'redeem', user: 'A', order: 'a1', units: 0 },
        ]),
      ),
    ) as { rewards: unknown[]; positions: { units: number }[] };
    expect(out.rewards).toEqual([
      { kind: 'rejected', user: 'B', order: 'a1', amountFen: 0 },
      { kind: 'rejected', user: 'A', order: 'a1', amountFen: 0 },
    ]);
    expect(out.positions[0]?.units).toBe(210_000_000);
  });

  it.each([
    ['an unknown plan', { promotionPyramid: {} }, /unknown plan promotionPyramid/],
    ['an unknown parameter', { appreciationPool: { poolShareBps: 3000, bonusBps: 5 } }, /unknown parameter bonusBps/],
    [
      'a parameter above its range',
      { appreciationPool: { poolShareBps: 10001 } },
      /poolShareBps must be between 0 and 10000, got 10001/,
    ],
    ['a parameter below its range', { appreciationPool: { initialPriceFen: 0 } }, /initialPriceFen must be between 1/],
    ['an exit multiple of zero', { appreciationPool: { exitMultipleBps: 0 } }, /exitMultipleBps/],
    ['a non-integer parameter', { appreciationPool: { redeemFeeBps: 12.5 } }, /redeemFeeBps must be an integer/],
    ['a parameter given as a string', { referralCycle: { ratesBps: '1000,2000,7000' } }, /ratesBps must be a list/],
    ['an empty rate list', { referralCycle: { ratesBps: [] } }, /ratesBps must have 1 to 12 entries, got 0/],
    [
      'a rate list that is too long',
      { referralCycle: { ratesBps: Array(13).fill(100) } },
      /ratesBps must have 1 to 12 entries, got 13/,
    ],
    [
      'a rate out of range',
      { referralCycle: { ratesBps: [1000, 10001] } },
      /ratesBps\[1\] must be between 0 and 10000/,
    ],
    ['plans that are not an object', [], /plans must be an object/],
  ])('refuses %s in the plan configuration, with no event index', (_what, plans, message) => {
    const error = failure(doc(plans, [{ type: 'join', user: 'A' }]));
    expect(error.index).toBeUndefined();
    expect(error.message).toMatch(message);
  });

  it.each([
    ['a truncated file', '{"plans": {}, "events": ['],
    ['a trailing comma', '{"plans": {}, "events": [],}'],
    ['an empty file', ''],
    ['plain text', 'events: []'],
  ])('refuses malformed JSON (%s)', (_what, text) => {
    const error = failure(text);
    expect(error.code).toBe('malformed_json');
    expect(error.index).toBeUndefined();
    expect(error.message).toMatch(/malformed JSON/);
  });

  it.each([
    ['a list instead of an object', '[]', /JSON object/],
    ['an unknown top-level field', '{"plans": {}, "events": [], "seed": 1}', /unknown top-level field seed/],
    ['events that are not a list', '{"plans": {}, "events": {}}', /"events" must be a list/],
  ])('refuses a scenario shaped wrongly (%s)', (_what, text, message) => {
    expect(failure(text).message).toMatch(message);
  });
});

describe('scenario results (SPEC 4 contract)', () => {
  it('prints the SPEC example scenario byte for byte', () => {
    // A: 210 points (30000 fen, 210e6 units, cap 200000). Redeeming 1 point: gross = floor(1e6 * 30000 / 210e6) = 142,
    // paid = share(142, 8000) = 113; P = 30000 - 113 = 29887, S = 209e6.
    const text = doc(
      {
        referralCycle: { ratesBps: [1000, 2000, 7000] },
        appreciationPool: {
          poolShareBps: 3000,
          creditShareBps: 7000,
          initialPriceFen: 100,
          exitMultipleBps: 20000,
          exitCashShareBps: 8000,
          redeemFeeBps: 2000,
        },
      },
      [
        { type: 'join', user: 'A' },
        { type: 'join', user: 'B', referrer: 'A' },
        { type: 'settle', user: 'A', order: 'a1', amountFen: 100000 },
        { type: 'redeem', user: 'A', order: 'a1', units: 1000000 },
      ],
    );
    expect(simulate(text)).toBe(
      [
        '{',
        '  "pool": {',
        '    "cashFen": 29887,',
        '    "supplyUnits": 209000000',
        '  },',
        '  "positions": [',
        '    {',
        '      "order": "a1",',
        '      "user": "A",',
        '      "units": 209000000,',
        '      "capFen": 200000,',
        '      "realizedFen": 142,',
        '      "paidFen": 113,',
        '      "status": "open"',
        '    }',
        '  ],',
        '  "wallets": {',
        '    "A": 113',
        '  },',
        '  "rewards": [',
        '    {',
        '      "kind": "appreciationRedeem",',
        '      "user": "A",',
        '      "order": "a1",',
        '      "amountFen": 113',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
  });

  it('lists positions in creation order, wallets sorted by user id with only credited users, rewards in the order they happened', () => {
    // Users join in the order m, C9, b, C10, A; referral rates [0, 1000]: the first reward is 0 and is not listed.
    const text = doc({ referralCycle: { ratesBps: [0, 1000] }, appreciationPool: {} }, [
      { type: 'join', user: 'm' },
      { type: 'join', user: 'C9', referrer: 'm' },
      { type: 'join', user: 'b', referrer: 'm' },
      { type: 'join', user: 'C10', referrer: 'b' },
      { type: 'join', user: 'A' },
      { type: 'settle', user: 'm', order: 'z-first', amountFen: 100000 }, // pool: 210e6 units, P 30000
      { type: 'settle', user: 'C9', order: 'a-second', amountFen: 100000 }, // m's reward k=0 at 0 bps: 0, not listed
      { type: 'settle', user: 'b', order: 'm-third', amountFen: 50000 }, // m's reward k=1: share(50000, 1000) = 5000
      { type: 'redeem', user: 'C9', order: 'a-second', units: 999999999 }, // more than held: rejected
      { type: 'settle', user: 'C10', order: 'b-fourth', amountFen: 100000 }, // b's reward k=0: 0, not listed
      { type: 'settle', user: 'A', order: 'c-fifth', amountFen: 0 }, // zero amount: nothing at all, no position
      { type: 'redeem', user: 'A', order: 'c-fifth', units: 1 }, // the order holds no position: rejected
      { type: 'settle', user: 'C10', order: 'd-sixth', amountFen: 100000 }, // b's reward k=1: share(50000, 1000)
    ]);
    const out = JSON.parse(simulate(text)) as {
      positions: { order: string }[];
      wallets: Record<string, number>;
      rewards: { kind: string; user: string; order: string; amountFen: number }[];
    };
    expect(out.positions.map((p) => p.order)).toEqual(['z-first', 'a-second', 'm-third', 'b-fourth', 'd-sixth']);
    // code-unit order: uppercase before lowercase, 'C10' before 'C9'; A, C9, C10 were never credited
    expect(Object.keys(out.wallets)).toEqual(['b', 'm']);
    expect(out.wallets).toEqual({ m: 5000, b: 5000 });
    expect(out.rewards).toEqual([
      { kind: 'referralCycle', user: 'm', order: 'm-third', amountFen: 5000 },
      { kind: 'rejected', user: 'C9', order: 'a-second', amountFen: 0 },
      { kind: 'rejected', user: 'A', order: 'c-fifth', amountFen: 0 },
      { kind: 'referralCycle', user: 'b', order: 'd-sixth', amountFen: 5000 },
    ]);
  });

  it('sorts wallet keys by code point: a character beyond U+FFFF after U+FFFD (UTF-16 units would put it first)', () => {
    const users = ['\u{1F600}', '\uFFFD', 'b'];
    const events: unknown[] = [];
    users.forEach((u, i) => {
      events.push({ type: 'join', user: u });
      events.push({ type: 'settle', user: u, order: `o${i}`, amountFen: 100000 });
      events.push({ type: 'redeem', user: u, order: `o${i}`, units: 1000000 });
    });
    const out = JSON.parse(simulate(doc({ appreciationPool: {} }, events))) as { wallets: Record<string, number> };
    expect(Object.keys(out.wallets)).toEqual(['b', '\uFFFD', '\u{1F600}']);
  });

  it('sorts wallet keys by code unit, not by locale or number', () => {
    const users = ['b', 'B', 'a10', 'a9', '_', 'Z'];
    const events: unknown[] = [{ type: 'join', user: 'root' }];
    for (const u of users) events.push({ type: 'join', user: u });
    // each user alone in a fresh pool slot: redeem everything they hold right after buying pays them
    users.forEach((u, i) => {
      events.push({ type: 'settle', user: u, order: `o${i}`, amountFen: 100000 });
      events.push({ type: 'redeem', user: u, order: `o${i}`, units: 1000000 });
    });
    const out = JSON.parse(simulate(doc({ appreciationPool: {} }, events))) as { wallets: Record<string, number> };
    expect(Object.keys(out.wallets)).toEqual(['B', 'Z', '_', 'a10', 'a9', 'b']);
  });

  it('lists a credited user whose id is "__proto__" in wallets like any other (regression)', () => {
    // Before the fix, wallets were built on a plain object, where assigning the key "__proto__" sets the
    // prototype instead of adding the key, so this credited user silently vanished from "wallets".
    const out = simulate(
      doc({ referralCycle: {} }, [
        { type: 'join', user: '__proto__' },
        { type: 'join', user: 'B', referrer: '__proto__' },
        { type: 'settle', user: '__proto__', order: 'a1', amountFen: 100000 },
        { type: 'settle', user: 'B', order: 'b1', amountFen: 100000 }, // share(100000, 1000) = 10000
      ]),
    );
    expect(out).toContain('  "wallets": {\n    "__proto__": 10000\n  },');
  });

  it('keeps wallets in code-unit order when user ids look like integers (regression)', () => {
    // A plain object lists integer-like keys first and in numeric order ("9" before "10"); code-unit order is
    // "1", "10", "9", "A".
    const out = simulate(
      doc({ referralCycle: { ratesBps: [1000] } }, [
        { type: 'join', user: 'r' },
        ...['9', '10', '1', 'A'].flatMap((u) => [
          { type: 'join', user: u, referrer: 'r' },
          { type: 'join', user: `${u}-invitee`, referrer: u },
        ]),
        ...['9', '10', '1', 'A'].flatMap((u) => [
          { type: 'settle', user: u, order: `${u}-o`, amountFen: 100000 },
          { type: 'settle', user: `${u}-invitee`, order: `${u}-io`, amountFen: 100000 },
        ]),
      ]),
    );
    const walletsText = out.slice(out.indexOf('"wallets"'), out.indexOf('"rewards"'));
    const order = [...walletsText.matchAll(/"([^"]+)": \d+/g)].map((m) => m[1]);
    expect(order).toEqual(['1', '10', '9', 'A']);
  });

  it('writes amounts and units beyond 2^53 exactly', () => {
    // initial price 1 fen per point, whole order credited: 1e12 fen mint 1e12 * 1e6 = 1e18 units (> 2^53)
    const text = doc({ appreciationPool: { poolShareBps: 10000, creditShareBps: 10000, initialPriceFen: 1 } }, [
      { type: 'join', user: 'A' },
      { type: 'settle', user: 'A', order: 'a1', amountFen: 1_000_000_000_000 },
      { type: 'redeem', user: 'A', order: 'a1', units: 1 },
    ]);
    const out = simulate(text);
    // redeeming 1 unit: gross = floor(1 * 1e12 / 1e18) = 0, paid 0: units fall, cash stays
    expect(out).toContain('"supplyUnits": 999999999999999999');
    expect(out).toContain('"cashFen": 1000000000000');
    expect(out).toContain('"capFen": 2000000000000');
    expect(out).toContain('"units": 999999999999999999');
  });

  it('produces byte-identical output when the same file is run again', () => {
    const text = doc(both, [
      { type: 'join', user: 'A' },
      { type: 'join', user: 'B', referrer: 'A' },
      { type: 'join', user: 'C', referrer: 'A' },
      { type: 'settle', user: 'A', order: 'a1', amountFen: 100000 },
      { type: 'settle', user: 'B', order: 'b1', amountFen: 77777 },
      { type: 'settle', user: 'C', order: 'c1', amountFen: 123457 },
      { type: 'redeem', user: 'B', order: 'b1', units: 12345678 },
    ]);
    const first = simulate(text);
    expect(simulate(text)).toBe(first);
    expect(stringifyJson(resultToJson(runScenario(parseScenarioText(text), {}, { exitDetection: 'scan' })))).toBe(
      first,
    );
  });

  it('runs with no plans at all: an empty pool, no positions, no wallets, no rewards', () => {
    const out = simulate(
      doc({}, [
        { type: 'join', user: 'A' },
        { type: 'join', user: 'B', referrer: 'A' },
        { type: 'settle', user: 'A', order: 'a1', amountFen: 100000 },
        { type: 'settle', user: 'B', order: 'b1', amountFen: 100000 },
      ]),
    );
    expect(JSON.parse(out)).toEqual({ pool: { cashFen: 0, supplyUnits: 0 }, positions: [], wallets: {}, rewards: [] });
  });
});
