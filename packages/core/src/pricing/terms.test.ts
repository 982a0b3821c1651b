import { describe, expect, it } from 'vitest';
import { priceOrder } from './price-order';
import { activity, fixed, line, NOW_MS, percent, products } from './pricing.test-helper';
import { couponProblems, couponValidityProblems, couponWindow, DAY_MS, spendThresholdProblems } from './terms';

describe('couponWindow', () => {
  it('gives a days-from-claim coupon whole days from the claim instant', () => {
    expect(couponWindow({ kind: 'daysFromClaim', days: 7 }, NOW_MS)).toEqual({
      validFromMs: NOW_MS,
      expiresAtMs: NOW_MS + 7 * DAY_MS,
    });
  });

  it('gives a fixed-date coupon its dates whenever it is claimed', () => {
    const validity = { kind: 'fixed' as const, validFromMs: 10, expiresAtMs: 20 };
    expect(couponWindow(validity, NOW_MS)).toEqual({ validFromMs: 10, expiresAtMs: 20 });
  });
});

describe('pricing term problems', () => {
  it('accepts well-formed terms', () => {
    expect(
      spendThresholdProblems(
        activity([
          [0n, 100n],
          [10000n, 1500n],
        ]),
      ),
    ).toEqual([]);
    expect(couponProblems(percent(1500n, 5000n, { thresholdFen: 0n }))).toEqual([]);
    expect(couponValidityProblems({ kind: 'daysFromClaim', days: 30 })).toEqual([]);
  });

  it('refuses tiers out of order, empty tiers, zero discounts and empty scopes', () => {
    const fields = (p: { field: string }[]) => p.map((x) => x.field);
    expect(
      fields(
        spendThresholdProblems(
          activity(
            [
              [10000n, 1000n],
              [10000n, 0n],
            ],
            products(),
          ),
        ),
      ),
    ).toEqual(['scope.productIds', 'tiers[1].offFen', 'tiers[1].thresholdFen']);
    expect(fields(spendThresholdProblems(activity([])))).toEqual(['tiers']);
    expect(fields(couponProblems(fixed(0n, { thresholdFen: -1n })))).toEqual(['thresholdFen', 'valueFen']);
    expect(fields(couponProblems(percent(10001n, 0n)))).toEqual(['offBps', 'capFen']);
    expect(fields(couponProblems(fixed(1n, { validFromMs: 5, expiresAtMs: 5 })))).toEqual(['expiresAtMs']);
    expect(fields(couponValidityProblems({ kind: 'daysFromClaim', days: 0 }))).toEqual(['days']);
    expect(fields(couponValidityProblems({ kind: 'fixed', validFromMs: 9, expiresAtMs: 3 }))).toEqual(['expiresAtMs']);
  });
});

describe('priceOrder details', () => {
  it('names the next 满减 tier and what is missing to reach it', () => {
    const order = priceOrder({
      lines: [line('p1', 15000n, 1n)],
      activity: activity([
        [10000n, 1000n],
        [20000n, 3000n],
      ]),
      coupon: null,
      shippingFen: 0n,
      nowMs: NOW_MS,
    });
    expect(order.threshold).toMatchObject({ applied: true, discountFen: 1000n });
    expect(order.threshold!.next).toEqual({ tier: { thresholdFen: 20000n, offFen: 3000n }, missingFen: 5000n });
  });

  it('treats a zero quantity, a negative price or negative shipping as a bug, not a price', () => {
    const base = { activity: null, coupon: null, shippingFen: 0n, nowMs: NOW_MS };
    expect(() => priceOrder({ ...base, lines: [line('p1', 100n, 0n)] })).toThrow(RangeError);
    expect(() => priceOrder({ ...base, lines: [line('p1', -1n, 1n)] })).toThrow(RangeError);
    expect(() => priceOrder({ ...base, lines: [line('p1', 100n, 1n, ['flash', -5n])] })).toThrow(RangeError);
    expect(() => priceOrder({ ...base, lines: [], shippingFen: -1n })).toThrow(RangeError);
  });
});
