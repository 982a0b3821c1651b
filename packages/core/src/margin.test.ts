import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keptLineCost, marginFen, shareOfBps } from './margin';

describe('margin', () => {
  it('counts the whole frozen cost of a line nothing was refunded from', () => {
    expect(keptLineCost({ costFen: 18_000n, quantity: 3n, refundedQuantity: 0n })).toBe(18_000n);
  });

  it('removes the refunded units share of the cost, the kept cost rounded up by flooring the removed part', () => {
    // 1 of 3 units of a 1000-fen line: floor(1000 / 3) = 333 removed, 667 kept.
    expect(keptLineCost({ costFen: 1_000n, quantity: 3n, refundedQuantity: 1n })).toBe(667n);
    expect(keptLineCost({ costFen: 1_000n, quantity: 3n, refundedQuantity: 2n })).toBe(334n);
  });

  it('counts no cost for a line refunded in full', () => {
    expect(keptLineCost({ costFen: 5_000n, quantity: 2n, refundedQuantity: 2n })).toBe(0n);
  });

  it('margin is revenue kept minus kept cost, and can be a loss', () => {
    expect(marginFen(10_000n, 6_000n)).toBe(4_000n);
    expect(marginFen(3_000n, 6_000n)).toBe(-3_000n);
  });

  it('shares are floored bps and null on a zero or negative base', () => {
    expect(shareOfBps(1_000n, 30_000n)).toBe(333n);
    expect(shareOfBps(1_000n, 0n)).toBeNull();
    expect(shareOfBps(1_000n, -5n)).toBeNull();
  });

  it('kept cost never exceeds the line cost and refunding unit by unit removes it exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 1, max: 1000 }), (cost, q) => {
        const quantity = BigInt(q);
        let previous = cost;
        for (let r = 0n; r <= quantity; r += 1n) {
          const kept = keptLineCost({ costFen: cost, quantity, refundedQuantity: r });
          expect(kept).toBeLessThanOrEqual(previous);
          expect(kept).toBeGreaterThanOrEqual(0n);
          // The kept cost is at least the exact proportional cost (the floor lands on the removed part).
          expect(kept * quantity).toBeGreaterThanOrEqual(cost * (quantity - r));
          previous = kept;
          if (q > 50) break;
        }
        expect(keptLineCost({ costFen: cost, quantity, refundedQuantity: quantity })).toBe(0n);
      }),
    );
  });
});
