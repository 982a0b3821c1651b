import { APPRECIATION_POOL, formatScaled, pricePerPointScaled } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';

/** The appreciation pool as stored: its cash and supply now, and its price after each settlement batch. */
export async function poolState(db: Db | Tx): Promise<{ cashFen: bigint; supplyUnits: bigint }> {
  const row = await db
    .selectFrom('pool_state')
    .select(['cash_fen', 'supply_units'])
    .where('plan', '=', APPRECIATION_POOL)
    .executeTakeFirst();
  return { cashFen: row?.cash_fen ?? 0n, supplyUnits: row?.supply_units ?? 0n };
}

/** Display price: exact cash/supply floored to 1/10000 fen per point, formatted from bigint (no float). */
export function priceFenPerPoint(cashFen: bigint, supplyUnits: bigint): number {
  return Number(formatScaled(pricePerPointScaled(cashFen, supplyUnits), 10_000n, 4, false));
}

export async function poolView(
  db: Db | Tx,
): Promise<{ cashFen: bigint; supplyUnits: bigint; priceFenPerPoint: number }> {
  const pool = await poolState(db);
  return {
    cashFen: pool.cashFen,
    supplyUnits: pool.supplyUnits,
    priceFenPerPoint: priceFenPerPoint(pool.cashFen, pool.supplyUnits),
  };
}

/** The last `limit` price points, oldest first. */
export async function priceHistory(db: Db | Tx, limit: number) {
  const rows = await db.selectFrom('pool_history').selectAll().orderBy('seq', 'desc').limit(limit).execute();
  return rows.reverse().map((r) => ({
    at: r.at,
    cashFen: r.cash_fen,
    supplyUnits: r.supply_units,
    priceFenPerPoint: priceFenPerPoint(r.cash_fen, r.supply_units),
  }));
}
