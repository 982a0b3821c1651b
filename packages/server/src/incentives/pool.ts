import { APPRECIATION_POOL, formatScaled, poolFromRecord, pricePerPointScaled } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { loadCampaigns, type Campaign } from './campaigns';
import { loadRecords } from './plan-records';

/**
 * The appreciation pool's server side: its campaigns (each one its own pool), their stored state (the pool record
 * its engine instance leaves) and the price after each change. Record kinds are the plan's (docs/scenario.md).
 */
export const POOL_RECORD = 'pool';
export const POSITION_RECORD = 'position';

export interface PoolNumbers {
  cashFen: bigint;
  supplyUnits: bigint;
}

/** The pool campaigns, creation order; the first active one is the default where a page names none. */
export async function poolCampaigns(db: Db | Tx): Promise<Campaign[]> {
  const all = (await loadCampaigns(db)).filter((c) => c.plan === APPRECIATION_POOL);
  return [...all.filter((c) => c.status === 'active'), ...all.filter((c) => c.status !== 'active')];
}

export async function poolStates(db: Db | Tx, campaigns: readonly string[]): Promise<Map<string, PoolNumbers>> {
  const out = new Map<string, PoolNumbers>();
  for (const record of await loadRecords(db, { campaigns, kind: POOL_RECORD })) {
    const pool = poolFromRecord(record);
    if (pool !== undefined) out.set(pool.campaign, { cashFen: pool.cashFen, supplyUnits: pool.supplyUnits });
  }
  return out;
}

export async function poolState(db: Db | Tx, campaign: string): Promise<PoolNumbers> {
  return (await poolStates(db, [campaign])).get(campaign) ?? { cashFen: 0n, supplyUnits: 0n };
}

/** Display price: exact cash/supply floored to 1/10000 fen per point, formatted from bigint (no float). */
export function priceFenPerPoint(cashFen: bigint, supplyUnits: bigint): number {
  return Number(formatScaled(pricePerPointScaled(cashFen, supplyUnits), 10_000n, 4, false));
}

export interface PoolView extends PoolNumbers {
  campaign: string | null;
  name: string | null;
  priceFenPerPoint: number;
}

/** A pool's state for pages; without a campaign (or an unknown one) the default pool, or an empty one. */
export async function poolView(db: Db | Tx, campaign?: string): Promise<PoolView> {
  const pools = await poolCampaigns(db);
  const chosen = campaign === undefined ? pools[0] : pools.find((c) => c.id === campaign);
  if (chosen === undefined) return { campaign: null, name: null, cashFen: 0n, supplyUnits: 0n, priceFenPerPoint: 0 };
  const state = await poolState(db, chosen.id);
  return {
    campaign: chosen.id,
    name: chosen.name,
    ...state,
    priceFenPerPoint: priceFenPerPoint(state.cashFen, state.supplyUnits),
  };
}

/** Every pool campaign with its state now. */
export async function poolViews(db: Db | Tx): Promise<PoolView[]> {
  const pools = await poolCampaigns(db);
  const states = await poolStates(
    db,
    pools.map((p) => p.id),
  );
  return pools.map((c) => {
    const state = states.get(c.id) ?? { cashFen: 0n, supplyUnits: 0n };
    return {
      campaign: c.id,
      name: c.name,
      ...state,
      priceFenPerPoint: priceFenPerPoint(state.cashFen, state.supplyUnits),
    };
  });
}

/** The last `limit` price points of one pool, oldest first. */
export async function priceHistory(db: Db | Tx, campaign: string | null, limit: number) {
  if (campaign === null) return [];
  const rows = await db
    .selectFrom('pool_history')
    .selectAll()
    .where('campaign', '=', campaign)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({
    at: r.at,
    cashFen: r.cash_fen,
    supplyUnits: r.supply_units,
    priceFenPerPoint: priceFenPerPoint(r.cash_fen, r.supply_units),
  }));
}
