import { spendLevelIndex, type Engine } from '@mall/core';
import type { EffectBatch } from './incentive-log';
import { thresholdLevels, type LevelRow } from './level-ladder';

/**
 * Promotion by spend at settlement: once a shopper's settled spend (the engine's, so every settled order counts,
 * also one no plan touched) reaches a higher level's stored threshold than the level they hold, a `setLevel` is
 * appended after their order. Levels only go up here; staff may set any level by hand.
 */
export function promoteBySpend(
  engine: Engine,
  batch: EffectBatch,
  ladder: readonly LevelRow[],
  users: readonly string[],
  at: string,
): void {
  if (ladder.length === 0) return;
  const levels = thresholdLevels(ladder);
  const members = engine.directory;
  for (const user of new Set(users)) {
    const index = members.userIndex(user);
    if (index < 0) continue;
    const reached = spendLevelIndex(levels, members.spendFen(index));
    if (reached > members.levelOf(index)) {
      batch.apply({ type: 'setLevel', user, level: (ladder[reached] as LevelRow).code }, at);
    }
  }
}
