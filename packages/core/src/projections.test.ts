import { describe, expect, it } from 'vitest';
import { Engine } from './engine';
import { APPRECIATION_POOL, type AppreciationPoolInstance } from './plans/appreciation-pool';
import { projectPool } from './projections';
import { engineOf, join, settle } from './table.test-helper';

/** Settles 1000-yuan orders by fresh shoppers on `engine` until `order` exits; returns how many it took. */
function ordersUntilExit(engine: Engine, order: string, limit = 5000): number {
  const pool = engine.campaign(APPRECIATION_POOL) as AppreciationPoolInstance;
  for (let k = 1; k <= limit; k += 1) {
    engine.apply(join(`x${k}`));
    engine.apply(settle(`x${k}`, `x${k}`, 100000n));
    if (pool.position(order)?.status === 'exited') return k;
  }
  return -1;
}

describe('honest projections of the pool (issue 9)', () => {
  it('counts the orders of today’s average size until a position bought now and the oldest one exit, on a fork', () => {
    const engine = engineOf({ appreciationPool: {} });
    engine.apply(join('A'));
    engine.apply(settle('A', 'a1', 100000n));
    const projection = projectPool(engine);
    // checked by brute force on a fork: A exits after 767 more 1000-yuan orders (examples/seed.json: the 768th order)
    const brute = engine.fork();
    expect(ordersUntilExit(brute, 'a1')).toBe(767);
    expect(projection?.oldestOpen).toEqual({ order: 'a1', user: 'A', ordersUntilExit: 767 });
    // a position bought now: same brute force, starting with the purchase
    const second = engine.fork();
    second.apply(join('N'));
    second.apply(settle('N', 'n1', 100000n));
    expect(projection?.newPosition).toEqual({
      units: 147_000_000n,
      capFen: 200_000n,
      ordersUntilExit: ordersUntilExit(second, 'n1'),
    });
    // the promise: A's cap 2000 yuan against 300 yuan of cash; nothing moved in the real engine
    expect([projection?.promisedFen, projection?.cashFen, projection?.orderAmountFen]).toEqual([
      200_000n,
      30_000n,
      100_000n,
    ]);
    expect(engine.seq).toBe(2);
    expect((engine.campaign(APPRECIATION_POOL) as AppreciationPoolInstance).positions).toHaveLength(1);
  });

  it('reports an exit beyond the horizon as null and an empty pool without an oldest position', () => {
    const engine = engineOf({ appreciationPool: { exitMultipleBps: 1_000_000 } });
    expect(projectPool(engine)?.oldestOpen).toBeNull();
    engine.apply(join('A'));
    engine.apply(settle('A', 'a1', 100000n));
    const projection = projectPool(engine, APPRECIATION_POOL, { horizon: 50 });
    expect(projection?.oldestOpen?.ordersUntilExit).toBeNull();
    expect(projection?.newPosition.ordersUntilExit).toBeNull();
    expect(projectPool(engine, 'nope')).toBeUndefined();
  });

  it('keeps the promise equal to the sum of cap minus realized over open positions', () => {
    const engine = engineOf({ appreciationPool: {} });
    engine.apply(join('A'));
    for (let k = 0; k < 30; k += 1) engine.apply(settle('A', `a${k}`, BigInt(10_000 + k * 7919)));
    engine.apply({ type: 'redeem', user: 'A', order: 'a3', units: 1_000_000n });
    const pool = engine.campaign(APPRECIATION_POOL) as AppreciationPoolInstance;
    const open = pool.positions.filter((p) => p.status === 'open');
    expect(pool.book.promisedFen).toBe(open.reduce((s, p) => s + p.capFen - p.realizedFen, 0n));
  });
});
