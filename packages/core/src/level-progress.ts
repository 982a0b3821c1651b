import type { Level } from './plan';

/**
 * Where a shopper stands on the member level ladder (SPEC 3.5), for the shopper's own page and the server's
 * promotion at settlement: the spend level is the highest level whose threshold the settled spend reaches.
 */
export function spendLevelIndex(levels: readonly Level[], spendFen: bigint): number {
  let index = -1;
  for (let i = 0; i < levels.length; i += 1) {
    if ((levels[i] as Level).minSpendFen <= spendFen) index = i;
    else break;
  }
  return index;
}

export interface LevelProgress {
  /** Index of the level held (-1: none). */
  level: number;
  /** Index of the next level up, if there is one. */
  next: number | undefined;
  /** Settled spend still missing to reach the next level by spend (0 when spend already reaches it). */
  spendToNextFen: bigint | undefined;
}

/**
 * The next level is the first above the one held (by spend or set by staff); what is missing is its threshold
 * minus the spend, never negative: a level set by hand above the spend level shows the way on from there.
 */
export function levelProgress(levels: readonly Level[], heldIndex: number, spendFen: bigint): LevelProgress {
  const level = Math.max(heldIndex, spendLevelIndex(levels, spendFen));
  const next = level + 1 < levels.length ? level + 1 : undefined;
  if (next === undefined) return { level, next, spendToNextFen: undefined };
  const missing = (levels[next] as Level).minSpendFen - spendFen;
  return { level, next, spendToNextFen: missing > 0n ? missing : 0n };
}
