import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levelProgress, spendLevelIndex } from './level-progress';
import type { Level } from './plan';

const ladder: Level[] = [
  { code: 'normal', minSpendFen: 0n },
  { code: 'silver', minSpendFen: 100_000n },
  { code: 'gold', minSpendFen: 500_000n },
];

describe('level progress', () => {
  it('holds the highest level whose threshold the spend reaches', () => {
    expect(spendLevelIndex(ladder, 0n)).toBe(0);
    expect(spendLevelIndex(ladder, 99_999n)).toBe(0);
    expect(spendLevelIndex(ladder, 100_000n)).toBe(1);
    expect(spendLevelIndex(ladder, 10_000_000n)).toBe(2);
    expect(spendLevelIndex([{ code: 'v1', minSpendFen: 10n }], 9n)).toBe(-1);
  });

  it('says how much spend is missing to the next level, and nothing past the top', () => {
    expect(levelProgress(ladder, 0, 30_000n)).toEqual({ level: 0, next: 1, spendToNextFen: 70_000n });
    expect(levelProgress(ladder, 2, 0n)).toEqual({ level: 2, next: undefined, spendToNextFen: undefined });
    expect(levelProgress([], -1, 5n)).toEqual({ level: -1, next: undefined, spendToNextFen: undefined });
  });

  it('a level set by hand above the spend level counts from there, never with negative spend missing', () => {
    expect(levelProgress(ladder, 1, 20_000n)).toEqual({ level: 1, next: 2, spendToNextFen: 480_000n });
    expect(levelProgress(ladder, 0, 600_000n).level).toBe(2);
  });

  it('spend plus what is missing reaches exactly the next threshold', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10_000_000n }), fc.integer({ min: -1, max: 2 }), (spend, held) => {
        const p = levelProgress(ladder, held, spend);
        expect(p.level).toBeGreaterThanOrEqual(held);
        if (p.next === undefined) return;
        const threshold = (ladder[p.next] as Level).minSpendFen;
        expect(p.spendToNextFen).toBe(threshold > spend ? threshold - spend : 0n);
      }),
    );
  });
});
