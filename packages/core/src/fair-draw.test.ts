import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { digestFromHex, digestValue, drawIndex, drawMessage, drawWinners } from './fair-draw';

function digestOf(value: bigint): Uint8Array {
  return digestFromHex(value.toString(16).padStart(64, '0'));
}

describe('fair draw mapping', () => {
  it('reads the digest as one big-endian integer', () => {
    expect(digestValue(digestOf(0x0102n))).toBe(258n);
    expect(digestValue(digestFromHex('f'.repeat(64)))).toBe((1n << 256n) - 1n);
  });

  it('maps r = x mod W onto the cumulative weights', () => {
    // weights 3, 4: r in 0..2 draws index 0, r in 3..6 draws index 1
    expect(drawIndex(digestOf(2n), [3n, 4n])).toBe(0);
    expect(drawIndex(digestOf(3n), [3n, 4n])).toBe(1);
    expect(drawIndex(digestOf(12n), [3n, 4n])).toBe(1); // 12 mod 7 = 5
    expect(drawIndex(digestOf(14n), [3n, 4n])).toBe(0); // 14 mod 7 = 0
  });

  it('never draws an outcome of weight 0', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (x) => {
        expect(drawIndex(digestOf(x), [0n, 5n, 0n, 2n, 0n])).toSatisfy((i: number) => i === 1 || i === 3);
      }),
    );
  });

  it('refuses weights that cannot draw and digests of the wrong size', () => {
    expect(() => drawIndex(digestOf(1n), [0n, 0n])).toThrow(/sum to 0/);
    expect(() => drawIndex(digestOf(1n), [1n, -1n])).toThrow(/negative/);
    expect(() => drawIndex(new Uint8Array(31), [1n])).toThrow(/32 bytes/);
    expect(() => digestFromHex('AB')).toThrow(/hex/);
  });

  it('draws distinct winners in draw order among the members left', () => {
    // 5 members: first digest 7 mod 5 = 2 -> member 2; then among [0,1,3,4], 7 mod 4 = 3 -> member 4
    expect(drawWinners([digestOf(7n), digestOf(7n)], 5)).toEqual([2, 4]);
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), { maxLength: 8 }), (xs) => {
        const winners = drawWinners(xs.map(digestOf), 8);
        expect(new Set(winners).size).toBe(xs.length);
        for (const w of winners) expect(w >= 0 && w < 8).toBe(true);
      }),
    );
    expect(() => drawWinners([digestOf(1n), digestOf(2n)], 1)).toThrow(/2 winners from 1/);
  });

  it('signs the buyer seed and the nonce joined by a colon', () => {
    expect(drawMessage('abc', 3)).toBe('abc:3');
    expect(drawMessage('abc', 12n)).toBe('abc:12');
  });
});
