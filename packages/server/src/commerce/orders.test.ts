import { refundableFen } from '@mall/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linePaidFen } from './orders';

describe('what each order line is paid', () => {
  it('is its gross without an order discount', () => {
    expect(linePaidFen([3000n, 3333n], 0n)).toEqual([3000n, 3333n]);
  });

  it('carries its share of an order discount, the fen the floors leave on the largest line', () => {
    // 1000 off 3000 + 7000: 300 and 700.  999 off: 299.7 -> 299, 699.3 -> 699, 1 fen more on the 7000 line.
    expect(linePaidFen([3000n, 7000n], 1000n)).toEqual([2700n, 6300n]);
    expect(linePaidFen([3000n, 7000n], 999n)).toEqual([2701n, 6300n]);
  });

  it('adds up to the order total, and refunding every unit of every line in any steps returns exactly it', () => {
    const order = fc
      .array(fc.record({ unit: fc.bigInt(0n, 100_000n), quantity: fc.bigInt(1n, 20n) }), { minLength: 1, maxLength: 6 })
      .chain((lines) => {
        const gross = lines.reduce((s, l) => s + l.unit * l.quantity, 0n);
        return fc.tuple(fc.constant(lines), fc.bigInt(0n, gross), fc.array(fc.bigInt(1n, 20n), { maxLength: 10 }));
      });
    fc.assert(
      fc.property(order, ([lines, discount, steps]) => {
        const gross = lines.map((l) => l.unit * l.quantity);
        const paid = linePaidFen(gross, discount);
        const total = gross.reduce((a, b) => a + b, 0n) - discount;
        expect(paid.reduce((a, b) => a + b, 0n)).toBe(total);
        let refunded = 0n;
        lines.forEach((l, i) => {
          let units = 0n;
          for (const step of [...steps, l.quantity]) {
            const k = step < l.quantity - units ? step : l.quantity - units;
            if (k <= 0n) break;
            const quote = refundableFen({ quantity: l.quantity, paidFen: paid[i] ?? 0n }, k, units);
            if (!quote.ok) throw new Error(quote.code);
            refunded += quote.refundFen;
            units += k;
          }
        });
        expect(refunded).toBe(total);
      }),
      { numRuns: 300 },
    );
  });
});
