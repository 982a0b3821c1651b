import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulatedRefunded, simulatedShare } from './refunds';

describe('the simulated part of refunds', () => {
  it.each([
    // [amount, simulated, refunded, simulated refunded] = ceil(simulated x refunded / amount)
    [1000n, 1000n, 333n, 333n], // all simulated: every refund all simulated
    [1000n, 0n, 333n, 0n], // all real
    [1000n, 500n, 1n, 1n], // 0.5 rounds up
    [1000n, 500n, 999n, 500n], // 499.5 -> 500
    [1000n, 500n, 1000n, 500n],
    [3n, 1n, 1n, 1n],
    [3n, 1n, 2n, 1n],
    [0n, 0n, 0n, 0n],
  ])('amount %s with %s simulated, %s refunded: %s simulated', (amount, simulated, refunded, expected) => {
    expect(simulatedRefunded(amount, simulated, refunded)).toBe(expected);
  });

  it('in any steps, each refund carries at most its amount and all of them exactly the order’s simulated money', () => {
    const order = fc
      .record({ amount: fc.bigInt(1n, 10n ** 12n), share: fc.bigInt(0n, 10_000n) })
      .chain(({ amount, share }) =>
        fc.tuple(
          fc.constant(amount),
          fc.constant((amount * share) / 10_000n),
          fc.array(fc.bigInt(1n, amount), { maxLength: 12 }),
        ),
      );
    fc.assert(
      fc.property(order, ([amount, simulated, steps]) => {
        let refunded = 0n;
        let carried = 0n;
        for (const step of [...steps, amount]) {
          const x = step < amount - refunded ? step : amount - refunded;
          if (x === 0n) break;
          const part =
            simulatedRefunded(amount, simulated, refunded + x) - simulatedRefunded(amount, simulated, refunded);
          expect(part).toBeGreaterThanOrEqual(0n);
          expect(part).toBeLessThanOrEqual(x);
          refunded += x;
          carried += part;
          // What is left for settlement is never counted more simulated than it is.
          expect(simulated - carried).toBeLessThanOrEqual(amount - refunded);
          expect(simulated - carried).toBeGreaterThanOrEqual(0n);
        }
        expect(carried).toBe(simulated);
      }),
      { numRuns: 500 },
    );
  });

  it('gives a goodwill refund the order’s share, never more than its own amount', () => {
    expect(simulatedShare(500n, 1000n, 1000n)).toBe(500n);
    expect(simulatedShare(500n, 1000n, 0n)).toBe(0n);
    expect(simulatedShare(2000n, 1000n, 1000n)).toBe(1000n);
  });
});
