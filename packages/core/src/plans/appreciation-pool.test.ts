import { describe, expect, it } from 'vitest';
import type { Effect } from '../effects';
import { compareRatio, pricePerPointScaled } from '../money';
import { engineOf, join, poolOf, redeem, runTable, settle } from '../table.test-helper';
import { positionFromRecord } from './appreciation-pool';

// Expected numbers are worked from SPEC 3.2 by hand: c = share(A, poolShareBps), v = share(c, creditShareBps),
// units = floor(v * S / P) (or floor(v * 1e6 / initialPriceFen) in a pool that never had units), cap = share(A, exitMultipleBps).
const defaults = () => engineOf({ appreciationPool: {} });

function exits(effects: readonly Effect[]): [string, bigint][] {
  return effects.flatMap((e) =>
    e.type === 'transfer' && e.reason === 'appreciationExit' ? [[e.order ?? '', e.amountFen] as [string, bigint]] : [],
  );
}

function exitedOrders(effects: readonly Effect[]): string[] {
  return effects.flatMap((e) => {
    const p = e.type === 'record' ? positionFromRecord(e) : undefined;
    return p?.status === 'exited' ? [p.order] : [];
  });
}

describe('appreciation pool worked example (SPEC 3.2)', () => {
  it('mints 210, 147 and 124.95 points for three 1000-yuan orders, with pool 300, 600, 900 yuan', () => {
    const { engine } = runTable(defaults(), [
      { event: join('A') },
      { event: join('B') },
      { event: join('C') },
      // c = 30000, v = 21000, empty pool: 21000 * 1e6 / 100 = 210 points
      {
        event: settle('A', 'a1', 100000n),
        rewards: [],
        pool: [30000n, 210000000n],
        positions: { a1: { units: 210000000n, capFen: 200000n, realizedFen: 0n, paidFen: 0n, status: 'open' } },
      },
      // 21000 * 210000000 / 30000 = 147000000 (minted at the price before B's contribution)
      {
        event: settle('B', 'b1', 100000n),
        rewards: [],
        pool: [60000n, 357000000n],
        positions: { b1: { units: 147000000n } },
      },
      // 21000 * 357000000 / 60000 = 124950000
      {
        event: settle('C', 'c1', 100000n),
        rewards: [],
        pool: [90000n, 481950000n],
        positions: { c1: { units: 124950000n } },
      },
    ]);
    // 90000 fen / 481.95 points = 186.7413... fen = 1.8674 yuan per point
    const state = poolOf(engine)?.state;
    expect(pricePerPointScaled(state?.cashFen ?? 0n, state?.supplyUnits ?? 0n)).toBe(1867413n);
  });

  it('exits A at the first settlement after which 210 points are worth 2000 yuan: 1600 to A, 400 stays, price not lower', () => {
    // Independent calculation straight from SPEC 3.2: every further buyer pays 1000 yuan; after each mint, scan
    // every position for units * P >= cap * S.
    const held: { units: bigint; cap: bigint }[] = [];
    let cash = 0n;
    let supply = 0n;
    let exitAt = 0;
    let before: [bigint, bigint] = [0n, 0n];
    for (let n = 1; exitAt === 0 && n < 100_000; n += 1) {
      const c = (100000n * 3000n) / 10000n;
      const v = (c * 7000n) / 10000n;
      const units = supply === 0n ? (v * 1_000_000n) / 100n : (v * supply) / cash;
      before = [cash, supply];
      cash += c;
      supply += units;
      held.push({ units, cap: 200000n });
      const qualifying = held.filter((h) => h.units * cash >= h.cap * supply);
      if (qualifying.length > 0) {
        expect(qualifying).toEqual([held[0]]); // only A, the cheapest exit price 200000 / 210 points
        exitAt = n;
      }
    }
    expect(exitAt).toBe(768);
    const atExit: [bigint, bigint] = [cash, supply];
    const after: [bigint, bigint] = [cash - 160000n, supply - 210000000n]; // paid = share(200000, 8000)
    // nobody else qualifies once A is out
    expect(held.slice(1).every((h) => h.units * after[0] < h.cap * after[1])).toBe(true);

    const engine = defaults();
    let walletA = 0n;
    for (let n = 1; n <= exitAt; n += 1) {
      const user = n === 1 ? 'A' : `U${n}`;
      engine.apply(join(user));
      const effects = engine.apply(settle(user, `o${n}`, 100000n));
      for (const [, amount] of exits(effects)) walletA += amount;
      if (n < exitAt) {
        expect(exitedOrders(effects), `settlement ${n}`).toEqual([]);
      } else {
        expect(exits(effects)).toEqual([['o1', 160000n]]);
        expect(exitedOrders(effects)).toEqual(['o1']);
      }
    }
    expect(walletA).toBe(160000n);
    const state = poolOf(engine)?.state;
    expect([state?.cashFen, state?.supplyUnits]).toEqual(after);
    const a = poolOf(engine)?.position('o1');
    expect(a).toMatchObject({ units: 0n, capFen: 200000n, realizedFen: 200000n, paidFen: 160000n, status: 'exited' });
    // 40000 of A's 200000 stayed: cash fell by exactly the 160000 paid
    expect(atExit[0] - (state?.cashFen ?? 0n)).toBe(160000n);
    // price after the exit >= price just before it, and >= price after the previous settlement
    expect(compareRatio(after[0], after[1], atExit[0], atExit[1])).toBeGreaterThanOrEqual(0);
    expect(compareRatio(after[0], after[1], before[0], before[1])).toBe(1);
  });
});

describe('appreciation pool edge cases (table: one row per event)', () => {
  it('never refuses a redemption over cap: one settlement before its exit, A may still redeem all 210 points', () => {
    // The cascade runs after every event, so an open position is always worth less than its remaining cap and
    // floor(u * P / S) <= cap - realized for any u it holds: the over-cap refusal cannot be reached by events (the
    // properties assert no over_cap rejection ever happens). This is the tightest case: 767 orders of 1000 yuan,
    // the 768th would make A exit.
    let cash = 0n;
    let supply = 0n;
    const engine = defaults();
    for (let n = 1; n <= 767; n += 1) {
      const units = supply === 0n ? (21000n * 1_000_000n) / 100n : (21000n * supply) / cash;
      cash += 30000n;
      supply += units;
      const user = n === 1 ? 'A' : `U${n}`;
      engine.apply(join(user));
      engine.apply(settle(user, `o${n}`, 100000n));
    }
    const gross = (210000000n * cash) / supply;
    expect(gross).toBeLessThan(200000n);
    expect(gross).toBeGreaterThan(199000n); // within 0.5% of the cap
    const effects = engine.apply(redeem('A', 'o1', 210000000n));
    expect(effects.filter((e) => e.type === 'rejected')).toEqual([]);
    expect(poolOf(engine)?.position('o1')).toMatchObject({
      units: 0n,
      realizedFen: gross,
      paidFen: (gross * 8000n) / 10000n,
      status: 'closed',
    });
    expect([poolOf(engine)?.state.cashFen, poolOf(engine)?.state.supplyUnits]).toEqual([
      cash - (gross * 8000n) / 10000n,
      supply - 210000000n,
    ]);
  });

  it('refuses over-held redemptions, closes emptied positions, and mints at the last price after the pool empties', () => {
    runTable(defaults(), [
      { event: join('A') },
      { event: join('B') },
      { event: join('C') },
      { event: settle('A', 'a1', 100000n), pool: [30000n, 210000000n] },
      { event: settle('B', 'b1', 100000n), pool: [60000n, 357000000n] },
      // more units than held: rejected, nothing moves
      {
        event: redeem('B', 'b1', 147000001n),
        rewards: [['rejected', 'B', 'b1', 'not_enough_units']],
        pool: [60000n, 357000000n],
        positions: { b1: { units: 147000000n, realizedFen: 0n, status: 'open' } },
      },
      // 10 points: gross = floor(10e6 * 60000 / 357e6) = 1680, paid = share(1680, 8000) = 1344
      {
        event: redeem('A', 'a1', 10000000n),
        rewards: [['appreciationRedeem', 'A', 'a1', 1344n]],
        wallets: { A: 1344n },
        pool: [58656n, 347000000n],
        positions: { a1: { units: 200000000n, realizedFen: 1680n, paidFen: 1344n, status: 'open' } },
      },
      // all of B: gross = floor(147e6 * 58656 / 347e6) = 24848, paid = share(24848, 8000) = 19878; B closed
      {
        event: redeem('B', 'b1', 147000000n),
        rewards: [['appreciationRedeem', 'B', 'b1', 19878n]],
        wallets: { B: 19878n },
        pool: [38778n, 200000000n],
        positions: { b1: { units: 0n, realizedFen: 24848n, paidFen: 19878n, status: 'closed' } },
      },
      // a closed position cannot be redeemed again
      {
        event: redeem('B', 'b1', 1n),
        rewards: [['rejected', 'B', 'b1', 'position_not_open']],
        pool: [38778n, 200000000n],
      },
      // A redeems the whole pool: gross = 38778 (<= 200000 - 1680), paid = share(38778, 8000) = 31022, 7756 stays
      {
        event: redeem('A', 'a1', 200000000n),
        rewards: [['appreciationRedeem', 'A', 'a1', 31022n]],
        wallets: { A: 32366n },
        pool: [7756n, 0n],
        positions: { a1: { units: 0n, realizedFen: 40458n, paidFen: 32366n, status: 'closed' } },
      },
      // empty pool: mint at the last price 38778 / 200e6: floor(21000 * 200e6 / 38778) = 108308834;
      // the 7756 left behind stays: P = 7756 + 30000
      {
        event: settle('C', 'c1', 100000n),
        rewards: [],
        pool: [37756n, 108308834n],
        positions: { c1: { units: 108308834n, capFen: 200000n, status: 'open' } },
      },
    ]);
    // price across the empty pool: 37756 / 108308834 >= 38778 / 200000000
    expect(compareRatio(37756n, 108308834n, 38778n, 200000000n)).toBe(1);
  });

  it('cascades several exits in one settlement, lowest exit price first even when it is the younger position', () => {
    const engine = engineOf({
      appreciationPool: {
        poolShareBps: 5000,
        creditShareBps: 3000,
        initialPriceFen: 100,
        exitMultipleBps: 11000,
        exitCashShareBps: 5000,
        redeemFeeBps: 2000,
      },
    });
    const { effects } = runTable(engine, [
      ...['A', 'B', 'C', 'D', 'E'].map((u) => ({ event: join(u) })),
      // c = 50000, v = 15000, 15000 * 1e6 / 100 = 150e6 units, cap 110000
      { event: settle('A', 'a1', 100000n), pool: [50000n, 150000000n] },
      // c = 16, v = 4, floor(4 * 150e6 / 50000) = 12000 units, cap floor(33 * 1.1) = 36: exit price 36 / 12000 = 0.003
      { event: settle('B', 'b1', 33n), pool: [50016n, 150012000n], positions: { b1: { units: 12000n, capFen: 36n } } },
      // c = 500000, v = 150000, floor(150000 * 150012000 / 50016) = 449892034 units, cap 1100000 (exit price ~0.002445);
      // then A qualifies (150e6 * 550016 >= 110000 * 599904034) and exits: paid share(110000, 5000) = 55000
      {
        event: settle('C', 'c1', 1000000n),
        rewards: [['appreciationExit', 'A', 'a1', 55000n]],
        pool: [495016n, 449904034n],
        positions: { c1: { units: 449892034n, capFen: 1100000n, status: 'open' }, a1: { status: 'exited' } },
      },
      // floor(15000 * 449904034 / 495016) = 13633014 units; no exit
      { event: settle('D', 'd1', 100000n), rewards: [], pool: [545016n, 463537048n] },
      // floor(1500000 * 463537048 / 545016) = 1275752587 units: P = 5545016, S = 1739289635.
      // C (exit price 1100000 / 449892034) qualifies and goes first although B is older: paid 550000 -> P 4995016,
      // S 1289397601; then B (36 / 12000) qualifies: paid share(36, 5000) = 18 -> P 4994998, S 1289385601.
      {
        event: settle('E', 'e1', 10000000n),
        rewards: [
          ['appreciationExit', 'C', 'c1', 550000n],
          ['appreciationExit', 'B', 'b1', 18n],
        ],
        wallets: { A: 55000n, B: 18n, C: 550000n, D: 0n, E: 0n },
        pool: [4994998n, 1289385601n],
        positions: {
          b1: { units: 0n, realizedFen: 36n, paidFen: 18n, status: 'exited' },
          c1: { units: 0n, realizedFen: 1100000n, paidFen: 550000n, status: 'exited' },
          d1: { units: 13633014n, status: 'open' },
          e1: { units: 1275752587n, status: 'open' },
        },
      },
    ]);
    expect(exitedOrders(effects.at(-1) ?? [])).toEqual(['c1', 'b1']);
  });

  it('breaks a tie in exit price by age: the older position exits first', () => {
    const engine = engineOf({
      appreciationPool: {
        poolShareBps: 5000,
        creditShareBps: 5000,
        initialPriceFen: 3,
        exitMultipleBps: 12000,
        exitCashShareBps: 5000,
        redeemFeeBps: 2000,
      },
    });
    const { effects } = runTable(engine, [
      ...['A', 'B', 'C', 'D', 'E', 'Z'].map((u) => ({ event: join(u) })),
      // c = 10, v = 5, floor(5e6 / 3) = 1666666 units, cap 24
      { event: settle('A', 'a1', 20n), pool: [10n, 1666666n] },
      // c = 5, v = 2, floor(2 * 1666666 / 10) = 333333 units, cap 12: exit price 12 / 333333
      { event: settle('B', 'b1', 10n), pool: [15n, 1999999n], positions: { b1: { units: 333333n, capFen: 12n } } },
      // c = 10, v = 5, floor(5 * 1999999 / 15) = 666666 units, cap 24: exit price 24 / 666666 = 12 / 333333 (a tie)
      { event: settle('C', 'c1', 20n), pool: [25n, 2666665n], positions: { c1: { units: 666666n, capFen: 24n } } },
      // floor(2 * 2666665 / 25) = 213333 units, cap 12
      { event: settle('D', 'd1', 10n), pool: [30n, 2879998n] },
      // floor(2500 * 2879998 / 30) = 239999833 units -> P 5030, S 242879831; A qualifies
      // (1666666 * 5030 >= 24 * 242879831) and exits with share(24, 5000) = 12
      { event: settle('E', 'e1', 10000n), rewards: [['appreciationExit', 'A', 'a1', 12n]], pool: [5018n, 241213165n] },
      // floor(250000 * 241213165 / 5018) = 12017395625 units -> P 505018, S 12258608790; B and C both qualify at
      // the same exit price: B (older) first, paid 6, then C, paid 12
      {
        event: settle('Z', 'z1', 1000000n),
        rewards: [
          ['appreciationExit', 'B', 'b1', 6n],
          ['appreciationExit', 'C', 'c1', 12n],
        ],
        pool: [505000n, 12257608791n],
      },
    ]);
    expect(12n * 666666n).toBe(24n * 333333n);
    expect(exitedOrders(effects.at(-1) ?? [])).toEqual(['b1', 'c1']);
  });

  it('keeps cash paid in before any unit exists and mints the first units at the initial price', () => {
    // creditShareBps 1: an order whose contribution is below 10000 fen credits 0 and mints nothing
    const engine = engineOf({ appreciationPool: { poolShareBps: 3000, creditShareBps: 1 } });
    runTable(engine, [
      { event: join('A') },
      { event: join('B') },
      // c = 30, v = share(30, 1) = 0: no units, position closed from the start, the 30 fen stay in the pool
      {
        event: settle('A', 'a1', 100n),
        rewards: [],
        pool: [30n, 0n],
        positions: { a1: { units: 0n, capFen: 200n, status: 'closed' } },
      },
      // c = 300000, v = 30: S has never been above 0, so 30 * 1e6 / 100 = 300000 units; P = 30 + 300000
      {
        event: settle('B', 'b1', 1000000n),
        rewards: [],
        pool: [300030n, 300000n],
        positions: { b1: { units: 300000n } },
      },
    ]);
  });

  it('gives an order of 0 fen no position at all, leaves the pool alone and refuses its redemption (SPEC 3.5)', () => {
    const run = runTable(defaults(), [
      { event: join('A') },
      { event: join('B') },
      { event: settle('A', 'a1', 100000n), pool: [30000n, 210000000n] },
      // A = 0 does nothing in the plan: no contribution, no position, no record
      { event: settle('B', 'b1', 0n), rewards: [], pool: [30000n, 210000000n] },
      // the order holds no position: refused like any other refused redemption
      {
        event: redeem('B', 'b1', 1n),
        rewards: [['rejected', 'B', 'b1', 'no_position']],
        pool: [30000n, 210000000n],
      },
    ]);
    expect(run.effects[3]).toEqual([]);
    expect(poolOf(run.engine)?.position('b1')).toBeUndefined();
    expect(poolOf(run.engine)?.positions.map((p) => p.order)).toEqual(['a1']);
  });
});
