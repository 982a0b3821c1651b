import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refundableFen } from './refund';

describe('refundableFen', () => {
  it.each([
    // [paid, quantity, refund now, already refunded, refund] with floor(paid / quantity) per unit, remainder on the last
    [1000n, 3n, 1n, 0n, 333n], // floor(1000 / 3) = 333
    [1000n, 3n, 2n, 0n, 666n],
    [1000n, 3n, 1n, 2n, 334n], // the last unit: 1000 - 2 x 333
    [1000n, 3n, 3n, 0n, 1000n],
    [1000n, 3n, 2n, 1n, 667n], // units 2 and 3: 333 + 334
    [2n, 3n, 1n, 0n, 0n], // floor(2 / 3) = 0: the 2 fen come back with the last unit
    [2n, 3n, 1n, 2n, 2n],
    [999n, 1n, 1n, 0n, 999n],
    [0n, 4n, 4n, 0n, 0n], // a line paid entirely by discounts returns nothing
  ])('a line paid %s for %s units refunds %s units after %s for %s', (paidFen, quantity, units, already, refund) => {
    expect(refundableFen({ paidFen, quantity }, units, already)).toEqual({ ok: true, refundFen: refund });
  });

  it('refuses no units and more units than remain', () => {
    const line = { paidFen: 1000n, quantity: 3n };
    expect(refundableFen(line, 0n, 0n)).toEqual({ ok: false, code: 'refund_quantity_not_positive' });
    expect(refundableFen(line, 2n, 2n)).toEqual({ ok: false, code: 'refund_quantity_exceeds_remaining' });
    expect(refundableFen(line, 1n, 3n)).toEqual({ ok: false, code: 'refund_quantity_exceeds_remaining' });
  });

  it('treats an impossible refund history as a bug', () => {
    expect(() => refundableFen({ paidFen: 10n, quantity: 2n }, 1n, 3n)).toThrow(RangeError);
    expect(() => refundableFen({ paidFen: 10n, quantity: 2n }, 1n, -1n)).toThrow(RangeError);
  });

  it('returns exactly the paid amount over any steps, never ahead of the proportional share', () => {
    const caseArb = fc
      .record({ paidFen: fc.oneof(fc.bigInt(0n, 50n), fc.bigInt(0n, 10n ** 12n)), quantity: fc.bigInt(1n, 40n) })
      .chain((line) => fc.tuple(fc.constant(line), fc.array(fc.bigInt(1n, line.quantity), { maxLength: 40 })));
    fc.assert(
      fc.property(caseArb, ([line, steps]) => {
        let refunded = 0n;
        let units = 0n;
        for (const step of [...steps, line.quantity]) {
          const k = step < line.quantity - units ? step : line.quantity - units;
          if (k === 0n) break;
          const quote = refundableFen(line, k, units);
          if (!quote.ok) throw new Error(quote.code);
          refunded += quote.refundFen;
          units += k;
          expect(refunded * line.quantity).toBeLessThanOrEqual(line.paidFen * units);
        }
        expect(units).toBe(line.quantity);
        expect(refunded).toBe(line.paidFen);
      }),
      { numRuns: 500 },
    );
  });
});
