import { describe, expect, it } from 'vitest';
import {
  compareRatio,
  formatPercent,
  formatPoints,
  formatScaled,
  formatYuan,
  mulDiv,
  pricePerPointScaled,
  share,
  toNonNegativeInteger,
} from './money';

const TWO_53 = 2n ** 53n;

describe('share', () => {
  it.each([
    // [x, bps, floor(x * bps / 10000)] worked by hand
    [100000n, 1000n, 10000n],
    [100000n, 3000n, 30000n],
    [30000n, 7000n, 21000n],
    [200000n, 8000n, 160000n],
    [9999n, 1n, 0n], // 0.9999 floors to 0: the remainder stays with the payer
    [10001n, 1n, 1n],
    [3n, 3333n, 0n], // 0.9999
    [7n, 5000n, 3n], // 3.5 floors to 3
    [0n, 10000n, 0n],
    [123n, 0n, 0n],
    [123n, 10000n, 123n],
    [100000n, 20000n, 200000n], // multiples above 100% are plain products
  ])('share(%s, %s) = %s', (x, bps, expected) => {
    expect(share(x, bps)).toBe(expected);
  });

  it('stays exact for amounts beyond 2^53 where a double would round', () => {
    // 2^53 + 1 is not representable as a double; (2^53 + 1) * 10000 / 10000 must give it back exactly.
    expect(share(TWO_53 + 1n, 10000n)).toBe(9007199254740993n);
    // (2^60 + 7) * 3 / 10000: 2^60 = 1152921504606846976, times 3 plus 21 = 3458764513820540949, / 10000 floored.
    expect(share(2n ** 60n + 7n, 3n)).toBe(345876451382054n);
    expect(share(10n ** 30n + 9999n, 1n)).toBe(10n ** 26n);
  });

  it('refuses negative inputs instead of rounding them', () => {
    expect(() => share(-1n, 100n)).toThrow(RangeError);
    expect(() => share(1n, -100n)).toThrow(RangeError);
  });
});

describe('mulDiv', () => {
  it.each([
    [21000n, 210000000n, 30000n, 147000000n],
    [21000n, 357000000n, 60000n, 124950000n],
    [7n, 3n, 2n, 10n], // 10.5 floors
    [0n, 5n, 3n, 0n],
    [1n, 1n, 3n, 0n],
  ])('mulDiv(%s, %s, %s) = %s', (a, b, c, expected) => {
    expect(mulDiv(a, b, c)).toBe(expected);
  });

  it('keeps the full product beyond 2^53 before dividing', () => {
    // (2^53 + 1) * (2^53 + 3) / (2^53 + 1) = 2^53 + 3 exactly; doubles would lose the odd bits.
    expect(mulDiv(TWO_53 + 1n, TWO_53 + 3n, TWO_53 + 1n)).toBe(TWO_53 + 3n);
    // (10^18 * 10^18 - 1) style floor: (10^18) * (10^18 - 1) / 10^18 = 10^18 - 1
    expect(mulDiv(10n ** 18n, 10n ** 18n - 1n, 10n ** 18n)).toBe(10n ** 18n - 1n);
    // floor((2^64 - 1) * 3 / 2) = 27670116110564327422 (odd * 3 = odd, so .5 is dropped)
    expect(mulDiv(2n ** 64n - 1n, 3n, 2n)).toBe(27670116110564327422n);
  });

  it('refuses a zero or negative divisor and negative factors', () => {
    expect(() => mulDiv(1n, 1n, 0n)).toThrow(RangeError);
    expect(() => mulDiv(1n, 1n, -1n)).toThrow(RangeError);
    expect(() => mulDiv(-1n, 1n, 1n)).toThrow(RangeError);
    expect(() => mulDiv(1n, -1n, 1n)).toThrow(RangeError);
  });
});

describe('compareRatio', () => {
  it.each([
    [1n, 2n, 1n, 3n, 1],
    [1n, 3n, 1n, 2n, -1],
    [2n, 4n, 1n, 2n, 0],
    [30000n, 210000000n, 60000n, 357000000n, -1], // pool price rose from A's to B's mint
    [0n, 5n, 0n, 7n, 0],
    [1n, 0n, 1000000n, 1n, 1], // zero denominator with positive numerator is infinity
    [5n, 1n, 1n, 0n, -1],
  ] as const)('compareRatio(%s/%s, %s/%s) = %s', (a, b, c, d, expected) => {
    expect(compareRatio(a, b, c, d)).toBe(expected);
  });

  it('tells apart ratios that differ only beyond double precision', () => {
    // (2^53 + 1) / 2^53 vs (2^53 + 2) / (2^53 + 1): the first is larger by 1 / (2^53 (2^53 + 1)).
    // Cross products: (2^53+1)^2 = 2^106 + 2^54 + 1 vs 2^53 (2^53 + 2) = 2^106 + 2^54.
    expect(compareRatio(TWO_53 + 1n, TWO_53, TWO_53 + 2n, TWO_53 + 1n)).toBe(1);
    expect(compareRatio(TWO_53 + 2n, TWO_53 + 1n, TWO_53 + 1n, TWO_53)).toBe(-1);
  });
});

describe('formatting', () => {
  it.each([
    [0n, '0.00'],
    [1n, '0.01'],
    [100n, '1.00'],
    [123456n, '1,234.56'],
    [100000000n, '1,000,000.00'],
    [-123456n, '-1,234.56'],
    [2n ** 64n, '184,467,440,737,095,516.16'],
  ])('formatYuan(%s) = %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it.each([
    [210000000n, 2, '210.00'],
    [124950000n, 2, '124.95'],
    [481950000n, 2, '481.95'],
    [1n, 6, '0.000001'],
    [1999999n, 2, '1.99'], // truncates, never rounds up
    [1234567890123n, 3, '1,234,567.890'],
  ] as const)('formatPoints(%s, %s) = %s', (units, decimals, text) => {
    expect(formatPoints(units, decimals)).toBe(text);
  });

  it('truncates toward zero for negative values too', () => {
    expect(formatScaled(-199n, 100n, 1)).toBe('-1.9');
    expect(formatScaled(12345n, 100n, 0)).toBe('123');
    expect(formatScaled(1234567n, 100n, 2, false)).toBe('12345.67');
  });

  it.each([
    [1234n, 10000n, '12.34%'],
    [1n, 3n, '33.33%'],
    [2n, 3n, '66.66%'],
    [3n, 2n, '150.00%'],
    [5n, 0n, '-'],
  ])('formatPercent(%s, %s) = %s', (numerator, denominator, text) => {
    expect(formatPercent(numerator, denominator)).toBe(text);
  });

  it('prices a point from pool cash and supply, floored to 1/10000 fen', () => {
    // 90000 fen / 481.95 points = 186.7413632...
    expect(pricePerPointScaled(90000n, 481950000n)).toBe(1867413n);
    // 30000 / 210 = 142.857142...
    expect(pricePerPointScaled(30000n, 210000000n)).toBe(1428571n);
    expect(pricePerPointScaled(5n, 0n)).toBe(0n);
  });
});

describe('toNonNegativeInteger', () => {
  it.each([
    [0, 0n],
    [42, 42n],
    [Number.MAX_SAFE_INTEGER, 9007199254740991n],
    ['0', 0n],
    ['9007199254740993', 9007199254740993n], // beyond 2^53 as a string stays exact
    [12n, 12n],
  ] as const)('accepts %s', (value, expected) => {
    expect(toNonNegativeInteger(value)).toBe(expected);
  });

  it.each([
    [-1],
    [1.5],
    [Number.MAX_SAFE_INTEGER + 1],
    [Number.NaN],
    ['-1'],
    ['007'],
    ['1e3'],
    [' 1'],
    [''],
    [null],
    [-1n],
  ])('refuses %s', (value) => {
    expect(toNonNegativeInteger(value)).toBeUndefined();
  });
});
