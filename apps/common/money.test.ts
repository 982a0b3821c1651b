import { describe, expect, it } from 'vitest';
import {
  bpsText,
  money,
  parsePoints,
  parseYuan,
  percent,
  percentInt,
  points,
  pricePerPoint,
  signedMoney,
} from './money';

describe('storefront money display', () => {
  it('formats integer fen as yuan with grouping and two decimals', () => {
    expect(money(100000)).toBe('¥1,000.00');
    expect(money(0)).toBe('¥0.00');
    expect(money(5)).toBe('¥0.05');
    expect(money('123456789012345678')).toBe('¥1,234,567,890,123,456.78');
    expect(money(-1200)).toBe('-¥12.00');
    expect(signedMoney(10000)).toBe('+¥100.00');
    expect(signedMoney(-10000)).toBe('-¥100.00');
  });

  it('formats micro-points with two decimals, truncating', () => {
    expect(points(210_000_000)).toBe('210.00');
    expect(points(124_950_000)).toBe('124.95');
    expect(points('594405000')).toBe('594.40');
    expect(points(1_999_999, 6)).toBe('1.999999');
  });

  it('shows the point price exactly from pool cash and supply', () => {
    expect(pricePerPoint(30000, 210_000_000)).toBe('¥1.4285');
    expect(pricePerPoint(120000, 594_405_000)).toBe('¥2.0188');
    expect(pricePerPoint(0, 0)).toBe('-');
  });

  it('shows rates and progress', () => {
    expect(bpsText(1000)).toBe('10%');
    expect(bpsText(1250)).toBe('12.5%');
    expect(bpsText(0)).toBe('0%');
    expect(percent(42395, 200000)).toBe('21.19%');
    expect(percentInt(250000, 200000)).toBe(100);
    expect(percentInt(1, 0)).toBe(0);
  });

  it('parses typed amounts without floating point', () => {
    expect(parseYuan('100')).toBe(10000n);
    expect(parseYuan('0.1')).toBe(10n);
    expect(parseYuan('12.34')).toBe(1234n);
    expect(parseYuan('12.345')).toBeNull();
    expect(parseYuan('-1')).toBeNull();
    expect(parseYuan('abc')).toBeNull();
    expect(parsePoints('10')).toBe(10_000_000n);
    expect(parsePoints('0.000001')).toBe(1n);
    expect(parsePoints('1.0000001')).toBeNull();
  });
});
