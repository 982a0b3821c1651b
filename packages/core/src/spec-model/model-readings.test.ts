import { describe, expect, it } from 'vitest';
import { stringifyJson } from '../json';
import { close, join, redeem, refusedAt, rows, run, settle, walletsOf } from './golden.test-helper';
import { modelResultToJson } from './model.test-helper';

// SPEC 3.5 definitions and "Readings that hold for every plan", one case each, plus the SPEC 4 result shape.

describe('SPEC 3.5 fixed plan order', () => {
  it('acts in the order referralCycle … appreciationPool and lists rewards in that order', () => {
    const r = run({
      plans: {
        referralCycle: {},
        promotionCommission: {},
        levelDifferential: { ratesBps: [300] },
        regionalAgent: {},
        cashback: {},
        queueRebate: {},
        dividendPool: { weights: [1] },
        appreciationPool: { exitMultipleBps: 1 },
      },
      levels: [{ code: 'V1', minSpendFen: 0 }],
      events: [
        join('A'),
        join('B', 'A'),
        { type: 'appoint', user: 'A', region: ['浙江'] },
        settle('A', 'a1', 100_000, { region: ['浙江'] }),
        settle('B', 'b1', 100_000, { region: ['浙江'] }),
        close,
      ],
    });
    // a1: A is their own agent share(100000, 100) = 1000; cashback share(100000, 500) = 5000; queue empty (a1 joins
    //     with 100000); dividend accrues 2000; pool: 210e6 units, cap share(100000, 1) = 10: exits at once, paid
    //     share(10, 8000) = 8 (P 29992, S 0, last price 30000 / 210e6)
    // b1: referral k = 0 share(100000, 1000) = 10000; promotion R1 = A (spent): 10000; differential V1 300: 3000;
    //     agent 1000; B's cashback 5000; queue budget 20000 -> a1; dividend 2000 more; pool: floor(21000 * 210e6 /
    //     30000) = 147e6 units at the last price, exits at once: 8 (P 59984)
    // close: D = 4000 by level, A and B weight 1 each: 2000 each in join order
    expect(rows(r)).toEqual([
      'regionalAgent A a1 1000',
      'cashback A a1 5000',
      'appreciationExit A a1 8',
      'referralCycle A b1 10000',
      'promotionCommission A b1 10000',
      'levelDifferential A b1 3000',
      'regionalAgent A b1 1000',
      'cashback B b1 5000',
      'queueRebate A a1 20000',
      'appreciationExit B b1 8',
      'dividend A null 2000',
      'dividend B null 2000',
    ]);
    expect(walletsOf(r)).toEqual({ A: 52_008n, B: 7008n });
    expect(r.pool).toEqual({ cashFen: 59_984n, supplyUnits: 0n });
    expect(r.queue).toEqual([
      { order: 'a1', user: 'A', remainingFen: 80_000n },
      { order: 'b1', user: 'B', remainingFen: 100_000n },
    ]);
    expect(r.cashback).toEqual([]);
    expect(r.dividendPool).toEqual({ cashFen: 0n });
  });
});

describe('SPEC 3.5 scope and zero amounts', () => {
  const lines = (gift: number, tea: number) => ({
    lines: [
      { product: 'gift', amountFen: gift },
      { product: 'tea', amountFen: tea },
    ],
  });

  it('gives each plan the sum of its in-scope lines, the whole order without a product list', () => {
    const r = run({
      plans: { referralCycle: { products: ['gift'] }, cashback: {}, queueRebate: { products: [] } },
      events: [join('A'), join('B', 'A'), settle('A', 'a1', 100_000, lines(50_000, 50_000))].concat(
        settle('B', 'b1', 100_000, lines(100_000, 0)),
        settle('B', 'b2', 70_000), // no lines: 0 for the referral cycle (limited), whole for cashback
      ),
    });
    // a1: A's base is the in-scope 50000; cashback share(100000, 500) = 5000; queue (empty list): nothing ever
    // b1: A's k = 0: share(min(50000, 100000), 1000) = 5000; cashback 5000. b2: cashback share(70000, 500) = 3500
    expect(rows(r)).toEqual([
      'cashback A a1 5000',
      'referralCycle A b1 5000',
      'cashback B b1 5000',
      'cashback B b2 3500',
    ]);
    expect(r.queue).toEqual([]);
  });

  it('makes nothing of an order with A = 0: no consumer-merchant, no position, no count, but it uses up its id', () => {
    const doc = {
      plans: { referralCycle: {}, appreciationPool: { products: ['gift'] } },
      events: [join('A'), join('B', 'A'), join('C', 'A'), settle('A', 'a0', 0), settle('B', 'b1', 100_000)].concat(
        settle('A', 'a1', 100_000, lines(0, 100_000)), // referral: base 100000; pool: A = 0, no position
        settle('C', 'c1', 100_000, lines(100_000, 0)), // A's k = 0 (b1 did not count): share(100000, 1000)
        redeem('A', 'a0', 1), // a0 settled, holds no position: rejected
      ),
    };
    const r = run(doc);
    expect(rows(r)).toEqual(['referralCycle A c1 10000', 'rejected A a0 0']);
    expect(r.positions.map((p) => p.order)).toEqual(['c1']);
    expect(refusedAt({ ...doc, events: [...doc.events, settle('B', 'a0', 5)] })).toBe(doc.events.length);
  });
});

describe('SPEC 3.5 readings', () => {
  it('moves a consumer-merchant to the next rate whenever A > 0, even when the reward rounds to 0', () => {
    const r = run({
      plans: { referralCycle: {} },
      events: [join('A'), join('B', 'A'), join('C', 'A'), settle('A', 'a', 100_000), settle('B', 'b', 5)].concat(
        settle('C', 'c', 100_000),
      ),
    });
    // b: k = 0, share(5, 1000) = 0 (not listed); c: k = 1, share(100000, 2000) = 20000
    expect(rows(r)).toEqual(['referralCycle A c 20000']);
  });

  it('shows an exited position with units 0, realized = cap and all the cash it paid; a 0-unit one keeps its cap', () => {
    const r = run({
      plans: { appreciationPool: { poolShareBps: 10_000, creditShareBps: 5000, initialPriceFen: 100_000_000 } },
      events: [join('A'), join('B'), settle('A', 'a1', 1_000_000), settle('B', 'b1', 100)].concat(
        redeem('A', 'a1', 1),
        settle('B', 'b2', 3_000_000),
      ),
    });
    // a1: c = 1e6, v = 5e5, units = 5e5 * 1e6 / 1e8 = 5000; P 1e6, S 5000; cap 2e6
    // b1: c = 100, v = 50, floor(50 * 5000 / 1e6) = 0 units: closed, cap share(100, 20000) = 200; P 1000100
    // redeem 1 unit: gross floor(1000100 / 5000) = 200, paid share(200, 8000) = 160; P 999940, S 4999
    // b2: c = 3e6, v = 1.5e6, floor(1.5e6 * 4999 / 999940) = 7498 units; P 3999940, S 12497, cap 6e6;
    //     a1: 4999 * 3999940 = 19995700060 >= (2e6 - 200) * 12497 = 24991500600? no. Nothing exits yet.
    expect(r.positions.map((p) => [p.order, p.units, p.capFen, p.realizedFen, p.paidFen, p.status])).toEqual([
      ['a1', 4999n, 2_000_000n, 200n, 160n, 'open'],
      ['b1', 0n, 200n, 0n, 0n, 'closed'],
      ['b2', 7498n, 6_000_000n, 0n, 0n, 'open'],
    ]);
    const full = run({
      plans: { appreciationPool: { exitMultipleBps: 10_000, redeemFeeBps: 0, creditShareBps: 1000 } },
      events: [join('A'), join('B'), settle('A', 'a1', 100_000), redeem('A', 'a1', 1_000_000)].concat(
        settle('B', 'b1', 1_000_000),
      ),
    });
    // a1: c 30000, v 3000, 3000 * 1e6 / 100 = 30e6 units, cap 100000. Redeem 1e6: gross floor(1e6 * 30000 / 30e6)
    // = 1000, paid 1000; P 29000, S 29e6. b1: c 300000, v 30000, floor(30000 * 29e6 / 29000) = 30e6 units; P 329000,
    // S 59e6: a1 29e6 * 329000 = 9.541e12 >= (100000 - 1000) * 59e6 = 5.841e12: exits; gross 99000, paid
    // share(99000, 8000) = 79200; paidFen 1000 + 79200
    expect(rows(full)).toEqual(['appreciationRedeem A a1 1000', 'appreciationExit A a1 79200']);
    expect(full.positions[0]).toEqual({
      order: 'a1',
      user: 'A',
      units: 0n,
      capFen: 100_000n,
      realizedFen: 100_000n,
      paidFen: 80_200n,
      status: 'exited',
    });
  });

  it('rejects each refused redemption and lets one whose payment rounds to 0 happen unlisted', () => {
    const r = run({
      plans: { referralCycle: {}, appreciationPool: { products: ['gift'] } },
      events: [join('A'), join('B'), settle('A', 'a1', 100_000, { lines: [{ product: 'gift', amountFen: 100_000 }] })]
        .concat(settle('B', 'b1', 100_000)) // out of the pool's scope: no position
        .concat(
          redeem('A', 'a1', 0), // 0 units
          redeem('A', 'a1', 210_000_001), // more than held
          redeem('B', 'a1', 1), // not the holder
          redeem('B', 'b1', 1), // no position
          redeem('A', 'a1', 1), // gross floor(1 * 30000 / 210e6) = 0: happens, paid 0, not listed
          redeem('A', 'a1', 209_999_999), // gross floor(209999999 * 30000 / 209999999) = 30000, paid 24000; closed
          redeem('A', 'a1', 1), // not open any more
        ),
    });
    expect(rows(r)).toEqual([
      'rejected A a1 0',
      'rejected A a1 0',
      'rejected B a1 0',
      'rejected B b1 0',
      'appreciationRedeem A a1 24000',
      'rejected A a1 0',
    ]);
    expect(r.positions[0]).toMatchObject({ units: 0n, realizedFen: 30_000n, paidFen: 24_000n, status: 'closed' });
    const off = run({
      plans: { referralCycle: {} },
      events: [join('A'), settle('A', 'a1', 100), redeem('A', 'a1', 1)],
    });
    expect(rows(off)).toEqual(['rejected A a1 0']); // the pool plan is off
  });

  it('counts every settled order in spend, also one no plan touches', () => {
    const r = run({
      plans: { promotionCommission: { products: ['gift'] } },
      events: [
        join('R1'),
        join('U', 'R1'),
        settle('U', 'u0', 100_000, { lines: [{ product: 'gift', amountFen: 100_000 }] }),
      ]
        .concat(settle('R1', 'r1', 10, { lines: [{ product: 'tea', amountFen: 10 }] }))
        .concat(settle('U', 'u1', 100_000, { lines: [{ product: 'gift', amountFen: 100_000 }] })),
    });
    // u0: R1 has not bought: skipped. r1 touches no plan but R1's spend is 10. u1: share(100000, 1000) = 10000
    expect(rows(r)).toEqual(['promotionCommission R1 u1 10000']);
  });

  it('gives everyone a first level at minSpendFen 0 from joining; setLevel replaces downwards', () => {
    const r = run({
      plans: { dividendPool: { weights: [1, 10] } },
      levels: [
        { code: 'V0', minSpendFen: 0 },
        { code: 'V9', minSpendFen: 1_000_000 },
      ],
      events: [
        join('A'),
        join('B'),
        { type: 'setLevel', user: 'B', level: 'V9' },
        settle('A', 'a', 100_000),
        close,
      ].concat({ type: 'setLevel', user: 'B', level: 'V0' }, settle('A', 'a2', 100_000), close),
    });
    // D = 2000: A weight 1, B weight 10: A floor(2000 / 11) = 181, B floor(20000 / 11) = 1818, carry 1
    // then B back at V0: D = 1 + 2000 = 2001, A 1000, B 1000, carry 1
    expect(rows(r)).toEqual(
      ['dividend A null 181', 'dividend B null 1818', 'dividend A null 1000'].concat('dividend B null 1000'),
    );
    expect(r.dividendPool).toEqual({ cashFen: 1n });
  });

  it('accepts and checks appoint, dismiss and setLevel with their plans off', () => {
    const events = [
      join('A'),
      { type: 'appoint', user: 'A', region: ['浙江', '杭州'] },
      { type: 'setLevel', user: 'A', level: 'V1' },
      { type: 'dismiss', user: 'A', region: ['浙江', '杭州'] },
    ];
    const levels = [{ code: 'V1', minSpendFen: 10 }];
    expect(run({ plans: {}, levels, events }).rewards).toEqual([]);
    expect(
      refusedAt({ plans: {}, levels, events: [...events, { type: 'dismiss', user: 'A', region: ['浙江', '杭州'] }] }),
    ).toBe(4);
    expect(refusedAt({ plans: {}, events })).toBe(2); // no levels at all: V1 is unknown
  });

  it('lists wallets in code point order (not UTF-16 unit order), only users credited above 0', () => {
    const users = ['\u{1F600}', '\uFF5E', '__proto__', '9', '10', 'b', 'B', 'Z'];
    const r = run({
      plans: { cashback: { rateBps: 10_000 } },
      events: [...users.map((u) => join(u)), join('none'), ...users.map((u, i) => settle(u, `o${i}`, i + 1))].concat(
        settle('none', 'z', 0),
      ),
    });
    // U+FF5E before U+1F600 by code point; by UTF-16 unit the surrogate 0xD83D would come first
    expect([...r.wallets.keys()]).toEqual(['10', '9', 'B', 'Z', '__proto__', 'b', '\uFF5E', '\u{1F600}']);
    expect(stringifyJson(modelResultToJson(r))).toContain('"wallets": {\n    "10": 5,\n    "9": 4,');
  });
});

describe('SPEC 4 result shape', () => {
  it('holds queue, cashback and dividendPool only when their plan is on, after the four fixed keys', () => {
    const keys = (plans: Record<string, unknown>, levels?: unknown[]) =>
      Object.keys(JSON.parse(stringifyJson(modelResultToJson(run({ plans, levels, events: [] })))) as object);
    expect(keys({})).toEqual(['pool', 'positions', 'wallets', 'rewards']);
    expect(keys({ dividendPool: { basis: 'ranking' }, cashback: {}, queueRebate: {} })).toEqual([
      'pool',
      'positions',
      'wallets',
      'rewards',
      'queue',
      'cashback',
      'dividendPool',
    ]);
  });
});
