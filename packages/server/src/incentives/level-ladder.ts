import type { Level } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';

/**
 * The member level ladder (会员等级) as stored, and as the engine sees it. The engine holds only the ladder's codes in
 * rank order: every shopper joins at the lowest level (its threshold is always 0), and promotion by spend is a
 * `setLevel` event the server appends at settlement when a settled order reaches a stored threshold. So an operator
 * may change thresholds at any time (they apply to later settlements) and a replay still reproduces every level
 * exactly where it changed, like a campaign version.
 */
export interface LevelRow {
  code: string;
  name: string;
  rank: number;
  minSpendFen: bigint;
}

export async function loadLevels(db: Db | Tx): Promise<LevelRow[]> {
  const rows = await db.selectFrom('member_levels').selectAll().orderBy('rank').execute();
  return rows.map((r) => ({ code: r.code, name: r.name, rank: Number(r.rank), minSpendFen: r.min_spend_fen }));
}

/**
 * The engine's copy: the lowest level at 0, every other threshold above any spend a shopper can reach (the largest
 * safe integers, kept strictly increasing as the engine requires), so the engine never promotes on its own.
 */
export function engineLevels(rows: readonly LevelRow[]): Level[] {
  const top = BigInt(Number.MAX_SAFE_INTEGER);
  return rows.map((r, i) => ({
    code: r.code,
    minSpendFen: i === 0 ? 0n : top - BigInt(rows.length - 1 - i),
  }));
}

/** The ladder with the stored thresholds, for quotes shown to people (level progress) and promotion. */
export function thresholdLevels(rows: readonly LevelRow[]): Level[] {
  return rows.map((r) => ({ code: r.code, minSpendFen: r.minSpendFen }));
}

export async function loadEngineLevels(db: Db | Tx): Promise<Level[]> {
  return engineLevels(await loadLevels(db));
}

export function sameLadder(a: readonly Level[], b: readonly Level[]): boolean {
  return a.length === b.length && a.every((l, i) => l.code === b[i]?.code);
}
