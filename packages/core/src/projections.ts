import type { Engine } from './engine';
import { APPRECIATION_POOL, type AppreciationPoolInstance } from './plans/appreciation-pool';

/**
 * Honest projections (issue 9), computed by the engine from today's state on a fork rather than re-typed as a
 * formula: how many more orders of today's average size it takes until a position bought now exits, the same for
 * the oldest open position, and the pool's promise (sum of cap - realized over open positions) against its cash.
 */
export interface PoolProjection {
  campaign: string;
  cashFen: bigint;
  promisedFen: bigint;
  /** The order size the projection assumes: today's average in-scope order, unless given. */
  orderAmountFen: bigint;
  /** A position bought now with `orderAmountFen`: its units, cap, and the orders after it until it exits. */
  newPosition: { units: bigint; capFen: bigint; ordersUntilExit: number | null };
  /**
   * The oldest open position today, or null when none is open: its orders count from now, the purchase above
   * being the first of them.
   */
  oldestOpen: { order: string; user: string; ordersUntilExit: number | null } | null;
  /** ordersUntilExit is null when the exit did not come within this many orders. */
  horizon: number;
}

const PROBE = '\u0000projection';

export function projectPool(
  engine: Engine,
  campaign: string = APPRECIATION_POOL,
  options: { orderAmountFen?: bigint; horizon?: number } = {},
): PoolProjection | undefined {
  const entry = engine.entry(campaign);
  if (entry === undefined || entry.ref.plan !== APPRECIATION_POOL) return undefined;
  const live = entry.instance as AppreciationPoolInstance;
  const book = live.book;
  const average = book.count === 0 ? 100_000n : book.amountFen / BigInt(book.count);
  const orderAmountFen = options.orderAmountFen ?? (average > 0n ? average : 1n);
  const horizon = options.horizon ?? 200_000;
  const oldest = book.oldestOpen();
  const oldestOrder = oldest < 0 ? undefined : book.snapshot(oldest);

  const fork = engine.fork();
  const pool = fork.campaign(campaign) as AppreciationPoolInstance;
  const scope = entry.scope;
  const product = scope === undefined ? undefined : ([...scope.products][0] ?? 'projection');
  const category = scope === undefined ? undefined : [...scope.categories][0];
  let n = 0;
  const buy = (): void => {
    const user = `${PROBE}:u${n}`;
    const order = `${PROBE}:o${n}`;
    fork.apply({ type: 'join', user });
    fork.apply({
      type: 'settle',
      user,
      order,
      amountFen: orderAmountFen,
      lines: product === undefined ? undefined : [{ product, category, amountFen: orderAmountFen }],
      campaigns: [campaign],
    });
    n += 1;
  };
  buy();
  const mine = pool.position(`${PROBE}:o0`);
  const isOpen = (order: string | undefined): boolean => order !== undefined && pool.position(order)?.status === 'open';
  let newExit: number | null = isOpen(mine?.order) ? null : 0;
  let oldExit: number | null = oldestOrder === undefined || !isOpen(oldestOrder.order) ? 1 : null;
  for (let k = 1; k <= horizon && (newExit === null || oldExit === null); k += 1) {
    buy();
    if (newExit === null && !isOpen(mine?.order)) newExit = k;
    if (oldExit === null && !isOpen(oldestOrder?.order)) oldExit = k + 1;
  }
  return {
    campaign,
    cashFen: live.state.cashFen,
    promisedFen: book.promisedFen,
    orderAmountFen,
    newPosition: {
      units: mine?.units ?? 0n,
      capFen: mine?.capFen ?? 0n,
      ordersUntilExit: mine?.units === 0n ? null : newExit,
    },
    oldestOpen:
      oldestOrder === undefined ? null : { order: oldestOrder.order, user: oldestOrder.user, ordersUntilExit: oldExit },
    horizon,
  };
}

/** A pool campaign's promise now: the sum of cap - realized over its open positions, against the cash it holds. */
export interface PoolPromise {
  campaign: string;
  cashFen: bigint;
  promisedFen: bigint;
  openPositions: number;
}

export function poolPromise(engine: Engine, campaign: string): PoolPromise | undefined {
  const entry = engine.entry(campaign);
  if (entry === undefined || entry.ref.plan !== APPRECIATION_POOL) return undefined;
  const pool = entry.instance as AppreciationPoolInstance;
  return {
    campaign,
    cashFen: pool.state.cashFen,
    promisedFen: pool.book.promisedFen,
    openPositions: pool.book.openCount,
  };
}
