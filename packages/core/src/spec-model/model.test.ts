import { describe, expect, it } from 'vitest';
import { close, join, redeem, rows, run, settle, walletsOf, type Doc } from './golden.test-helper';

// Hand-computed goldens for the independent model: the SPEC 3.1/3.2 worked examples and small cases of each SPEC 3.5
// plan, with the arithmetic in comments. share(x, bps) = floor(x * bps / 10000).

describe('SPEC 3.1 referral cycle', () => {
  it('pays A 100, 200, 700 yuan for the first three invitees and again for the next three (worked example)', () => {
    const invitees = ['B', 'C', 'D', 'E', 'F', 'G'];
    const r = run({
      plans: { referralCycle: {} },
      events: [
        join('A'),
        ...invitees.map((u) => join(u, 'A')),
        settle('A', 'a1', 100_000),
        ...invitees.map((u) => settle(u, `${u}1`, 100_000)),
      ],
    });
    // share(min(100000, 100000), 1000 / 2000 / 7000) = 10000 / 20000 / 70000, twice
    expect(rows(r)).toEqual(
      ['B1 10000', 'C1 20000', 'D1 70000', 'E1 10000', 'F1 20000', 'G1 70000'].map((x) => `referralCycle A ${x}`),
    );
    expect(walletsOf(r)).toEqual({ A: 200_000n });
  });

  it('pays nothing while the referrer has not bought, without moving their count, then uses min(base, amount)', () => {
    const r = run({
      plans: { referralCycle: {} },
      events: [
        join('A'),
        join('B', 'A'),
        join('C', 'A'),
        join('D', 'A'),
        settle('B', 'b1', 100_000), // A is not a consumer-merchant: nothing, k stays 0
        settle('A', 'a1', 50_000), // A's base 50000
        settle('C', 'c1', 100_000), // k = 0: share(min(50000, 100000), 1000) = 5000
        settle('A', 'a2', 200_000), // base max(50000, 200000) = 200000
        settle('D', 'd1', 100_000), // k = 1: share(min(200000, 100000), 2000) = 20000
        settle('A', 'a3', 10_000), // base stays 200000 (the largest), not the last
        settle('B', 'b2', 150_000), // k = 2: share(min(200000, 150000), 7000) = 105000
      ],
    });
    expect(rows(r)).toEqual(['referralCycle A c1 5000', 'referralCycle A d1 20000', 'referralCycle A b2 105000']);
  });

  it('pays only the direct referrer', () => {
    // A <- B <- C: C's order pays B (a consumer-merchant), never A
    const r = run({
      plans: { referralCycle: {} },
      events: [join('A'), join('B', 'A'), join('C', 'B'), settle('A', 'a', 100), settle('B', 'b', 100_000)].concat([
        settle('C', 'c', 100_000),
      ]),
    });
    // b pays A share(min(100, 100000), 1000) = 10; c pays B share(min(100000, 100000), 1000) = 10000
    expect(rows(r)).toEqual(['referralCycle A b 10', 'referralCycle B c 10000']);
  });
});

const poolDefaults = { appreciationPool: {} };

describe('SPEC 3.2 appreciation pool', () => {
  it('mints 210, 147 and 124.95 points for three 1000-yuan orders (worked example)', () => {
    const r = run({
      plans: poolDefaults,
      events: [join('A'), join('B'), join('C'), settle('A', 'a', 100_000), settle('B', 'b', 100_000)].concat(
        settle('C', 'c', 100_000),
      ),
    });
    // A: c = share(100000, 3000) = 30000, v = share(30000, 7000) = 21000, S = 0 never above 0:
    //    units = 21000 * 1e6 / 100 = 210e6; P = 30000, S = 210e6
    // B: floor(21000 * 210e6 / 30000) = 147e6; P = 60000, S = 357e6
    // C: floor(21000 * 357e6 / 60000) = 124.95e6; P = 90000, S = 481.95e6 (price 1.8674 yuan per point)
    expect(r.positions.map((p) => p.units)).toEqual([210_000_000n, 147_000_000n, 124_950_000n]);
    expect(r.positions.map((p) => p.capFen)).toEqual([200_000n, 200_000n, 200_000n]); // share(100000, 20000)
    expect(r.pool).toEqual({ cashFen: 90_000n, supplyUnits: 481_950_000n });
    expect(r.rewards).toEqual([]);
  });

  it('exits A with 1600 yuan at the first settlement after which 210 points are worth 2000 yuan, 400 staying', () => {
    // examples/seed.json states it: A then 767 more 1000-yuan buyers; A exits at the 768th order.
    const buyers = (n: number) =>
      Array.from({ length: n }, (_, i) => [join(`H${i}`), settle(`H${i}`, `h${i}`, 100_000)]);
    const before = run({ plans: poolDefaults, events: [join('A'), settle('A', 'a1', 100_000), ...buyers(766).flat()] });
    expect(before.rewards).toEqual([]);
    const a = before.positions[0];
    // not yet: 210e6 * P < 200000 * S
    expect(a !== undefined && a.units * before.pool.cashFen < 200_000n * before.pool.supplyUnits).toBe(true);
    const after = run({ plans: poolDefaults, events: [join('A'), settle('A', 'a1', 100_000), ...buyers(767).flat()] });
    // gross = cap - realized = 200000, paid = share(200000, 8000) = 160000; P -= 160000, S -= 210e6
    expect(rows(after)).toEqual(['appreciationExit A a1 160000']);
    expect(after.positions[0]).toMatchObject({ units: 0n, realizedFen: 200_000n, paidFen: 160_000n, status: 'exited' });
    const last = after.positions[767];
    // the last buyer contributed 30000 and the exit took 160000 of A's >= 200000 of value: 400 yuan (or more) stay
    expect(after.pool.cashFen).toBe(before.pool.cashFen + 30_000n - 160_000n);
    expect(after.pool.supplyUnits).toBe(before.pool.supplyUnits + (last?.units ?? 0n) - 210_000_000n);
  });

  it('redeems 1 point of A’s 210 for 1.13 yuan after the fee (the SPEC 4 example)', () => {
    const r = run({
      plans: { referralCycle: {}, appreciationPool: {} },
      events: [join('A'), join('B', 'A'), settle('A', 'a1', 100_000), redeem('A', 'a1', 1_000_000)],
    });
    // gross = floor(1e6 * 30000 / 210e6) = 142; paid = share(142, 8000) = 113; P = 29887, S = 209e6
    expect(r.pool).toEqual({ cashFen: 29_887n, supplyUnits: 209_000_000n });
    expect(r.positions).toEqual([
      {
        order: 'a1',
        user: 'A',
        units: 209_000_000n,
        capFen: 200_000n,
        realizedFen: 142n,
        paidFen: 113n,
        status: 'open',
      },
    ]);
    expect(rows(r)).toEqual(['appreciationRedeem A a1 113']);
  });

  it('mints at the last price after the pool empties, leaving the cash left behind in the pool', () => {
    const r = run({
      plans: poolDefaults,
      events: [join('A'), join('B'), settle('A', 'a1', 100_000), redeem('A', 'a1', 210_000_000)].concat(
        settle('B', 'b1', 100_000),
      ),
    });
    // A redeems everything: gross = floor(210e6 * 30000 / 210e6) = 30000 <= cap 200000; paid = share(30000, 8000) =
    // 24000; P = 6000, S = 0; the last price was 30000 / 210e6.
    // B: v = 21000, units = floor(21000 * 210e6 / 30000) = 147e6 (not 210e6 at the initial price); P = 36000
    expect(rows(r)).toEqual(['appreciationRedeem A a1 24000']);
    expect(r.positions.map((p) => [p.order, p.units, p.status])).toEqual([
      ['a1', 0n, 'closed'],
      ['b1', 147_000_000n, 'open'],
    ]);
    expect(r.pool).toEqual({ cashFen: 36_000n, supplyUnits: 147_000_000n });
  });

  // pool share and credit at 10000 keep minting price-neutral; redemption fees and exits move the price
  const flat = { poolShareBps: 10_000, creditShareBps: 10_000, exitMultipleBps: 15_000, exitCashShareBps: 8000 };

  it('exits the lowest exit price first within one cascade, even when that position is younger', () => {
    const r = run({
      plans: { appreciationPool: { ...flat, redeemFeeBps: 10_000 } },
      events: [
        join('A'),
        join('B'),
        join('C'),
        settle('A', 'a1', 100),
        settle('B', 'b1', 3),
        settle('C', 'c1', 100),
      ].concat(redeem('C', 'c1', 1_000_000)),
    });
    // a1: 100 * 1e6 / 100 = 1e6 units, cap share(100, 15000) = 150 (exit price 150 per 1e6 units); P 100, S 1e6
    // b1: floor(3 * 1e6 / 100) = 30000 units, cap share(3, 15000) = 4 (exit price 133 per 1e6); P 103, S 1.03e6;
    //     30000 * 103 = 3.09e6 < 4 * 1.03e6 = 4.12e6: no exit
    // c1: floor(100 * 1.03e6 / 103) = 1e6 units; P 203, S 2.03e6
    // C redeems all: gross = floor(1e6 * 203 / 2.03e6) = 100, paid = share(100, 0) = 0 (not listed); P 203, S 1.03e6
    // both qualify now; b1's exit price is lower: b1 exits first, paid share(4, 8000) = 3; P 200, S 1e6;
    // then a1: 1e6 * 200 >= 150 * 1e6, paid share(150, 8000) = 120; P 80, S 0
    expect(rows(r)).toEqual(['appreciationExit B b1 3', 'appreciationExit A a1 120']);
    expect(r.positions.map((p) => [p.order, p.units, p.realizedFen, p.paidFen, p.status])).toEqual([
      ['a1', 0n, 150n, 120n, 'exited'],
      ['b1', 0n, 4n, 3n, 'exited'],
      ['c1', 0n, 100n, 0n, 'closed'],
    ]);
    expect(r.pool).toEqual({ cashFen: 80n, supplyUnits: 0n });
  });

  it('breaks an exit-price tie by position age', () => {
    const r = run({
      plans: { appreciationPool: { ...flat, redeemFeeBps: 5000 } },
      events: [join('A'), join('B'), join('C'), join('D'), settle('A', 'a1', 100), settle('B', 'b1', 100)].concat(
        settle('C', 'c1', 100),
        redeem('C', 'c1', 1_000_000),
        settle('D', 'd1', 100),
        redeem('D', 'd1', 800_000),
      ),
    });
    // a1, b1, c1: 1e6 units each, cap 150; P 300, S 3e6
    // C redeems all: gross floor(1e6 * 300 / 3e6) = 100, paid share(100, 5000) = 50; P 250, S 2e6
    // d1: floor(100 * 2e6 / 250) = 800000 units; P 350, S 2.8e6
    // D redeems all: gross floor(8e5 * 350 / 2.8e6) = 100, paid 50; P 300, S 2e6: a1 and b1 both at exactly 150 per
    // 1e6 units: the older a1 first (paid 120; P 180, S 1e6), then b1 (180 >= 150; paid 120; P 60, S 0)
    expect(rows(r)).toEqual([
      'appreciationRedeem C c1 50',
      'appreciationRedeem D d1 50',
      'appreciationExit A a1 120',
      'appreciationExit B b1 120',
    ]);
    expect(r.pool).toEqual({ cashFen: 60n, supplyUnits: 0n });
  });
});

describe('SPEC 3.5 promotionCommission', () => {
  const chain = [join('R2'), join('R1', 'R2'), join('U', 'R1')];

  it('pays R1 share(A, level1Bps) and R2 share(A, level2Bps), skipping who has not bought, with no roll-up', () => {
    const r = run({
      plans: { promotionCommission: {} },
      events: [...chain, settle('R2', 'r2', 10_000), settle('U', 'u1', 100_000)].concat(
        settle('R1', 'r1', 1), // R1's referrer R2 gets share(1, 1000) = 0: not listed
        settle('U', 'u2', 100_000),
      ),
    });
    // u1: R1 has spent 0 (skipped, its 10000 stays with the platform); R2 gets share(100000, 500) = 5000 only
    // u2: R1 has spent 1: share(100000, 1000) = 10000; R2 5000
    expect(rows(r)).toEqual([
      'promotionCommission R2 u1 5000',
      'promotionCommission R1 u2 10000',
      'promotionCommission R2 u2 5000',
    ]);
  });

  it('pays both levels to people who never bought when buyersOnly is false', () => {
    const r = run({
      plans: { promotionCommission: { level1Bps: 333, level2Bps: 1, buyersOnly: false } },
      events: [...chain, settle('U', 'u1', 99_999)],
    });
    // share(99999, 333) = floor(33299667 / 10000) = 3329; share(99999, 1) = 9
    expect(rows(r)).toEqual(['promotionCommission R1 u1 3329', 'promotionCommission R2 u1 9']);
  });
});

describe('SPEC 3.5 levelDifferential', () => {
  const levels = [
    { code: 'V1', minSpendFen: 0 },
    { code: 'V2', minSpendFen: 100_000 },
    { code: 'V3', minSpendFen: 500_000 },
  ];
  const plans = { levelDifferential: { ratesBps: [100, 300, 600] } };
  const chain = [join('R2'), join('R1', 'R2'), join('U', 'R1')];

  it('pays each upline the difference over the rate already paid', () => {
    const r = run({
      plans,
      levels,
      events: [...chain, { type: 'setLevel', user: 'R2', level: 'V3' }, settle('U', 'u1', 100_000)],
    });
    // everyone holds V1 from joining (minSpendFen 0). R1: rate 100 > 0: share(100000, 100) = 1000, paid = 100;
    // R2 at V3: 600 > 100: share(100000, 500) = 5000
    expect(rows(r)).toEqual(['levelDifferential R1 u1 1000', 'levelDifferential R2 u1 5000']);
  });

  it('pays R2 nothing when R1’s rate is already higher, and uses the higher of set and spend levels', () => {
    const r = run({
      plans,
      levels,
      events: [...chain, { type: 'setLevel', user: 'R1', level: 'V3' }, settle('R2', 'r2', 100_000)].concat(
        settle('U', 'u1', 100_000), // R1 600: 6000; R2 (V2 by spend) 300 < 600: nothing
        { type: 'setLevel', user: 'R1', level: 'V1' }, // replaced downwards: R1 at V1 (spend 0)
        { type: 'setLevel', user: 'R2', level: 'V1' }, // set V1, but spend 100000 keeps R2 at V2
        settle('U', 'u2', 100_000), // R1 100: 1000; R2 300 > 100: share(100000, 200) = 2000
      ),
    });
    expect(rows(r)).toEqual([
      'levelDifferential R1 u1 6000',
      'levelDifferential R1 u2 1000',
      'levelDifferential R2 u2 2000',
    ]);
  });
});

describe('SPEC 3.5 regionalAgent', () => {
  const appoint = (user: string, region: string[]) => ({ type: 'appoint', user, region });
  const dismiss = (user: string, region: string[]) => ({ type: 'dismiss', user, region });
  const users = ['P', 'C1', 'C2', 'C3', 'D', 'X', 'B'].map((u) => join(u));

  it('pays each tier’s agents equal floors in appointment order, the remainder to the platform', () => {
    const r = run({
      plans: { regionalAgent: {} },
      events: [
        ...users,
        appoint('P', ['浙江']),
        appoint('C1', ['浙江', '杭州']),
        appoint('C2', ['浙江', '杭州']),
        appoint('D', ['浙江', '杭州', '西湖']),
        appoint('X', ['江苏', '杭州']), // another province's 杭州: not this order's city
        settle('B', 'o1', 100_000, { region: ['浙江', '杭州', '西湖'] }),
        appoint('C3', ['浙江', '杭州']),
        dismiss('C1', ['浙江', '杭州']),
        appoint('C1', ['浙江', '杭州']), // re-appointed: now after C2 and C3
        settle('B', 'o2', 100_001, { region: ['浙江', '杭州'] }),
        settle('B', 'o3', 100_000), // no region: no agent
      ],
    });
    // o1: province share(100000, 100) = 1000 / 1; city share(100000, 200) = 2000 / 2 = 1000 each;
    //     district share(100000, 300) = 3000
    // o2: province share(100001, 100) = 1000; city share(100001, 200) = 2000, / 3 = 666 each (2 stay)
    expect(rows(r)).toEqual([
      'regionalAgent P o1 1000',
      'regionalAgent C1 o1 1000',
      'regionalAgent C2 o1 1000',
      'regionalAgent D o1 3000',
      'regionalAgent P o2 1000',
      'regionalAgent C2 o2 666',
      'regionalAgent C3 o2 666',
      'regionalAgent C1 o2 666',
    ]);
  });

  it('pays one person once per matching tier, and a buyer who is their own agent', () => {
    const r = run({
      plans: { regionalAgent: { provinceBps: 10, cityBps: 20, districtBps: 0 } },
      events: [join('P'), appoint('P', ['江苏']), appoint('P', ['江苏', '宁波', '上城'])].concat(
        appoint('P', ['江苏', '宁波']),
        settle('P', 'p1', 50_000, { region: ['江苏', '宁波', '上城'] }),
      ),
    });
    // province share(50000, 10) = 50; city share(50000, 20) = 100; district 0 (not listed)
    expect(rows(r)).toEqual(['regionalAgent P p1 50', 'regionalAgent P p1 100']);
  });
});

describe('SPEC 3.5 cashback', () => {
  it('pays per = floor(total / n) now and at n - 2 closes, and the remainder at the (n - 1)-th close', () => {
    const doc = (closes: number): Doc => ({
      plans: { cashback: { installments: 3 } },
      events: [join('A'), settle('A', 'a1', 100_000), ...Array.from({ length: closes }, () => close)],
    });
    // total = share(100000, 500) = 5000; per = floor(5000 / 3) = 1666; last = 5000 - 1666 * 2 = 1668
    expect(run(doc(0)).cashback).toEqual([{ order: 'a1', user: 'A', remainingFen: 3334n, installmentsLeft: 2n }]);
    expect(run(doc(1)).cashback).toEqual([{ order: 'a1', user: 'A', remainingFen: 1668n, installmentsLeft: 1n }]);
    const done = run(doc(3));
    expect(done.cashback).toEqual([]);
    expect(rows(done)).toEqual(['cashback A a1 1666', 'cashback A a1 1666', 'cashback A a1 1668']);
  });

  it('pays the whole total at settlement with one installment, and makes no schedule for a total of 0', () => {
    const r = run({
      plans: { cashback: {} },
      events: [join('A'), settle('A', 'a1', 12_345), settle('A', 'a2', 19), close],
    });
    // share(12345, 500) = 617; share(19, 500) = floor(9500 / 10000) = 0: nothing, no schedule
    expect(rows(r)).toEqual(['cashback A a1 617']);
    expect(r.cashback).toEqual([]);
  });

  it('counts installments of 0 without listing them', () => {
    const events = [join('A'), settle('A', 'a1', 100), ...Array.from({ length: 34 }, () => close)];
    // total = share(100, 500) = 5; n = 36: per = 0 at settlement and 34 closes; the 35th close pays 5
    const waiting = run({ plans: { cashback: { installments: 36 } }, events });
    expect(waiting.rewards).toEqual([]);
    expect(waiting.cashback).toEqual([{ order: 'a1', user: 'A', remainingFen: 5n, installmentsLeft: 1n }]);
    const paid = run({ plans: { cashback: { installments: 36 } }, events: [...events, close] });
    expect(rows(paid)).toEqual(['cashback A a1 5']);
  });
});

describe('SPEC 3.5 queueRebate', () => {
  it('pays the head from each later order’s budget, moving on down the queue, the rest to the platform', () => {
    const r = run({
      plans: { queueRebate: {} },
      events: [join('A'), join('B'), join('C')].concat(
        settle('A', 'o1', 100_000), // budget 20000, empty queue: platform; joins with 100000
        settle('B', 'o2', 50_000), // budget 10000 -> o1 (90000 left); joins with 50000
        settle('C', 'o3', 500_000), // budget 100000 -> o1 90000 (leaves), 10000 -> o2 (40000 left); joins 500000
      ),
    });
    expect(rows(r)).toEqual(['queueRebate A o1 10000', 'queueRebate A o1 90000', 'queueRebate B o2 10000']);
    expect(r.queue).toEqual([
      { order: 'o2', user: 'B', remainingFen: 40_000n },
      { order: 'o3', user: 'C', remainingFen: 500_000n },
    ]);
  });

  it('lets an order pay its buyer’s earlier entry but never itself, and queues no entitlement of 0', () => {
    const r = run({
      plans: { queueRebate: { capBps: 1, payBps: 10_000 } },
      events: [join('A'), settle('A', 'a1', 9999), settle('A', 'a2', 20_000), settle('A', 'a3', 10)],
    });
    // a1: share(9999, 1) = 0: never queued (its budget 9999 finds an empty queue)
    // a2: budget 20000, queue empty; joins with share(20000, 1) = 2. a3: budget 10 -> a2 gets 2 and leaves
    expect(rows(r)).toEqual(['queueRebate A a2 2']);
    expect(r.queue).toEqual([]);
  });
});

describe('SPEC 3.5 dividendPool', () => {
  const levels = [
    { code: 'V1', minSpendFen: 0 },
    { code: 'V2', minSpendFen: 100_000 },
  ];

  it('pays by level weight in join order at a close, carrying the rounding over', () => {
    const r = run({
      plans: { dividendPool: { weights: [1, 3] } },
      levels,
      events: [join('A'), join('B'), join('C'), settle('B', 'b1', 100_050), settle('C', 'c1', 50_000), close].concat(
        close,
      ),
    });
    // accrued share(100050, 200) = 2001 + share(50000, 200) = 1000 -> D = 3001; weights A 1 (V1 from 0), B 3 (V2),
    // C 1: W = 5; A floor(3001 / 5) = 600, B floor(9003 / 5) = 1800, C 600; carry 1. Second close: D = 1, all 0.
    expect(rows(r)).toEqual(['dividend A null 600', 'dividend B null 1800', 'dividend C null 600']);
    expect(r.dividendPool).toEqual({ cashFen: 1n });
  });

  it('pays the top N period spenders in rank order (ties: earlier join), then resets period spend', () => {
    const r = run({
      plans: { dividendPool: { basis: 'ranking', topN: 2, accrueBps: 1000 } },
      events: [join('A'), join('B'), join('C'), join('D')].concat(
        settle('A', 'a', 100),
        settle('B', 'b', 300),
        settle('C', 'c', 500),
        settle('D', 'd', 300),
        close,
        settle('A', 'a2', 10),
        close,
      ),
    });
    // D = 10 + 30 + 50 + 30 = 120; top 2: C 500, B 300 (before D by join): T = 800; C floor(120*500/800) = 75,
    // B floor(120*300/800) = 45. Next period only A spent 10: D = 1, A floor(1 * 10 / 10) = 1
    expect(rows(r)).toEqual(['dividend C null 75', 'dividend B null 45', 'dividend A null 1']);
    expect(r.dividendPool).toEqual({ cashFen: 0n });
  });

  it('carries the whole pool when nobody qualifies', () => {
    const r = run({
      plans: { dividendPool: { weights: [0, 5] } },
      levels,
      events: [join('A'), settle('A', 'a', 50_000), close],
    });
    // share(50000, 200) = 1000; A is at V1 with weight 0: nobody; 1000 carries
    expect(r.rewards).toEqual([]);
    expect(r.dividendPool).toEqual({ cashFen: 1000n });
  });
});
