import { describe, expect, it } from 'vitest';
import { couponChoices } from './coupon-choices';
import { activity, categories, fixed, line, NOW_MS, percent } from './pricing.test-helper';

const input = {
  // 8000 + 2000 = 10000; 满减 10000/1000 -> 800 / 200, 9000 remains for coupons
  lines: [line('p1', 8000n, 1n), line('p3', 2000n, 1n)],
  activity: activity([[10000n, 1000n]]),
  shippingFen: 600n,
  nowMs: NOW_MS,
};

describe('couponChoices', () => {
  it('marks the coupon with the largest discount as best and prices every coupon', () => {
    const { choices, bestIndex } = couponChoices(input, [
      fixed(500n, { id: 'a' }), // 500
      percent(1000n, null, { id: 'b' }), // 9000 x 10% = 900
      percent(2000n, 700n, { id: 'c' }), // 1800, capped at 700
    ]);
    expect(choices.map((c) => [c.couponId, c.couponDiscountFen, c.discountFen, c.totalFen, c.best])).toEqual([
      ['a', 500n, 1500n, 9100n, false], // 10000 - 1000 - 500 + 600
      ['b', 900n, 1900n, 8700n, true],
      ['c', 700n, 1700n, 8900n, false],
    ]);
    expect(bestIndex).toBe(1);
  });

  it('breaks a tie by the coupon that expires first, an undated coupon counting as last', () => {
    const { bestIndex } = couponChoices(input, [
      fixed(900n, { id: 'undated' }),
      fixed(900n, { id: 'late', expiresAtMs: NOW_MS + 2000 }),
      fixed(900n, { id: 'soon', expiresAtMs: NOW_MS + 1000 }),
      fixed(900n, { id: 'soon-too', expiresAtMs: NOW_MS + 1000 }),
    ]);
    expect(bestIndex).toBe(2);
  });

  it('keeps the first given when discount and expiry are equal', () => {
    const { choices } = couponChoices(input, [fixed(900n, { id: 'x' }), percent(1000n, null, { id: 'y' })]);
    expect(choices.map((c) => c.best)).toEqual([true, false]);
  });

  it('lists unusable coupons with their reason and what is missing, and picks none when none applies', () => {
    const { choices, bestIndex, withoutCoupon } = couponChoices(input, [
      fixed(500n, { id: 'far', thresholdFen: 9500n }), // 9000 after 满减: 500 short
      fixed(500n, { id: 'other', scope: categories('c9') }),
      fixed(500n, { id: 'old', expiresAtMs: NOW_MS }),
    ]);
    expect(choices.map((c) => [c.couponId, c.usable, c.reason, c.missingFen])).toEqual([
      ['far', false, 'below_threshold', 500n],
      ['other', false, 'out_of_scope', 0n],
      ['old', false, 'expired', 0n],
    ]);
    expect(bestIndex).toBeNull();
    expect(choices.every((c) => c.totalFen === withoutCoupon.totalFen)).toBe(true);
    expect(withoutCoupon.totalFen).toBe(9600n); // 10000 - 1000 + 600
  });

  it('answers an empty wallet with no choices', () => {
    const result = couponChoices(input, []);
    expect(result.choices).toEqual([]);
    expect(result.bestIndex).toBeNull();
  });
});
