import { describe, expect, it } from 'vitest';
import { join, redeem, rows, run, settle, walletsOf } from './golden.test-helper';

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
