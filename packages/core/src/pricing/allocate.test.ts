import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateProportionally } from './allocate';

describe('allocateProportionally', () => {
  it.each([
    // [amounts, discount, parts] worked by hand
    [[3000n, 7000n], 999n, [299n, 700n]], // 299.7 -> 299, 699.3 -> 699, 1 fen left to the larger line
    [[1000n, 1000n, 1000n], 100n, [34n, 33n, 33n]], // 33.33 each, the 1 left goes to the first of the tied lines
    [[1000n, 1000n, 1000n], 2999n, [1000n, 1000n, 999n]], // 999.67 each, 2 left: the first is full after 1
    [[1n, 1n, 1n], 2n, [1n, 1n, 0n]], // 0.67 each: both fen spill past a full first line
    [[101n, 202n, 303n], 100n, [16n, 33n, 51n]], // 16.67, 33.33, 50 -> 99, 1 to 303
    [[500n, 500n, 100n], 7n, [4n, 3n, 0n]], // 3.18, 3.18, 0.64 -> 6, 1 to the first 500
    [[0n, 400n], 400n, [0n, 400n]],
    [[5n], 5n, [5n]],
    [[0n, 0n], 0n, [0n, 0n]],
  ])('splits %s by %s as %s', (amounts, discount, parts) => {
    expect(allocateProportionally(amounts, discount)).toEqual(parts);
  });

  it('refuses a discount larger than the amounts or a negative one', () => {
    expect(() => allocateProportionally([100n], 101n)).toThrow(RangeError);
    expect(() => allocateProportionally([100n], -1n)).toThrow(RangeError);
    expect(() => allocateProportionally([-1n, 5n], 1n)).toThrow(RangeError);
  });

  it('sums to the discount exactly, never takes a line below zero, and gives each line at least its floor', () => {
    const caseArb = fc
      .array(fc.oneof(fc.bigInt(0n, 5n), fc.bigInt(0n, 100_000n), fc.bigInt(0n, 10n ** 18n)), {
        minLength: 1,
        maxLength: 8,
      })
      .chain((amounts) => {
        const total = amounts.reduce((a, b) => a + b, 0n);
        return fc.tuple(
          fc.constant(amounts),
          fc.oneof(fc.bigInt(0n, total), fc.constant(total), fc.constant(total - 1n > 0n ? total - 1n : 0n)),
        );
      });
    fc.assert(
      fc.property(caseArb, ([amounts, discount]) => {
        const parts = allocateProportionally(amounts, discount);
        const total = amounts.reduce((a, b) => a + b, 0n);
        expect(parts.reduce((a, b) => a + b, 0n)).toBe(discount);
        parts.forEach((part, i) => {
          expect(part).toBeGreaterThanOrEqual(total === 0n ? 0n : (discount * amounts[i]!) / total);
          expect(part).toBeLessThanOrEqual(amounts[i]!);
        });
      }),
      { numRuns: 500 },
    );
  });
});
