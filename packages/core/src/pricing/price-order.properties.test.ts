import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { couponChoices } from './coupon-choices';
import { priceOrder, type PricingInput, type PricingLine } from './price-order';
import { line, NOW_MS } from './pricing.test-helper';
import type { Coupon, PricingScope, SpendThresholdActivity } from './terms';

// ---------------------------------------------------------------------------------------------------------------
// Generators: up to six lines over four products (two categories, one nested), tiny to huge prices, some lines at a
// special price; an optional 满减 activity with up to four tiers in any order; an optional coupon of either kind with
// a threshold, a scope and a validity window around the checkout time.
// ---------------------------------------------------------------------------------------------------------------

const fenArb = fc.oneof(
  { weight: 3, arbitrary: fc.bigInt(0n, 20n) },
  { weight: 4, arbitrary: fc.bigInt(21n, 100_000n) },
  { weight: 1, arbitrary: fc.bigInt(100_001n, 10n ** 15n) },
);
const productArb = fc.constantFrom('p1', 'p2', 'p3', 'p4');

const lineArb: fc.Arbitrary<PricingLine> = fc
  .record({
    product: productArb,
    price: fenArb,
    quantity: fc.oneof(fc.constant(1n), fc.bigInt(1n, 50n)),
    special: fc.option(fc.tuple(fc.constantFrom('flash' as const, 'group' as const, 'presale' as const), fenArb), {
      freq: 4,
      nil: undefined,
    }),
  })
  .map((l) => line(l.product, l.price, l.quantity, l.special));

const scopeArb: fc.Arbitrary<PricingScope> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'all' as const }) },
  {
    weight: 1,
    arbitrary: fc.uniqueArray(productArb, { minLength: 1, maxLength: 3 }).map((productIds) => ({
      kind: 'products' as const,
      productIds,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.uniqueArray(fc.constantFrom('c0', 'c1', 'c2'), { minLength: 1, maxLength: 2 }).map((ids) => ({
      kind: 'categories' as const,
      categoryIds: ids,
    })),
  },
);

const activityArb: fc.Arbitrary<SpendThresholdActivity> = fc.record({
  id: fc.constant('act'),
  tiers: fc.array(fc.record({ thresholdFen: fenArb, offFen: fenArb }), { minLength: 1, maxLength: 4 }),
  scope: scopeArb,
});

/** Mostly unbounded (so that coupons often apply), sometimes a window just before, around or after now. */
const windowArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ validFromMs: null, expiresAtMs: null }) },
  {
    weight: 1,
    arbitrary: fc.record({
      validFromMs: fc.option(fc.integer({ min: NOW_MS - 5, max: NOW_MS + 5 }), { nil: null }),
      expiresAtMs: fc.option(fc.integer({ min: NOW_MS - 5, max: NOW_MS + 50 }), { nil: null }),
    }),
  },
);

const couponArb: fc.Arbitrary<Coupon> = fc.oneof(
  fc
    .record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      valueFen: fenArb,
      thresholdFen: fenArb,
      scope: scopeArb,
      w: windowArb,
    })
    .map(({ w, ...c }) => ({ ...c, ...w, kind: 'fixed' as const })),
  fc
    .record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      offBps: fc.oneof(fc.constantFrom(1n, 1000n, 1500n, 5000n, 9999n, 10000n), fc.bigInt(1n, 10000n)),
      capFen: fc.option(fenArb, { nil: null }),
      thresholdFen: fc.oneof(fc.constant(0n), fenArb),
      scope: scopeArb,
      w: windowArb,
    })
    .map(({ w, ...c }) => ({ ...c, ...w, kind: 'percentage' as const })),
);

const inputArb: fc.Arbitrary<Omit<PricingInput, 'coupon'>> = fc.record({
  lines: fc.array(lineArb, { minLength: 1, maxLength: 6 }),
  activity: fc.option(activityArb, { nil: null }),
  shippingFen: fc.oneof(fc.constant(0n), fenArb),
  nowMs: fc.constant(NOW_MS),
});

const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);
const RUNS = { numRuns: 1000 };

describe('priceOrder properties', () => {
  it('the paid amount is the sum of line paid amounts, and no line goes below zero or above its amount', () => {
    fc.assert(
      fc.property(inputArb, fc.option(couponArb, { nil: null }), (input, coupon) => {
        const order = priceOrder({ ...input, coupon });
        expect(order.goodsPaidFen).toBe(sum(order.lines.map((l) => l.paidFen)));
        expect(order.subtotalFen).toBe(sum(order.lines.map((l) => l.amountFen)));
        expect(order.discountFen).toBe(order.subtotalFen - order.goodsPaidFen);
        expect(order.totalFen).toBe(order.goodsPaidFen + input.shippingFen);
        expect(order.paymentRequired).toBe(order.totalFen > 0n);
        expect(order.thresholdDiscountFen).toBe(sum(order.lines.map((l) => l.thresholdDiscountFen)));
        expect(order.couponDiscountFen).toBe(sum(order.lines.map((l) => l.couponDiscountFen)));
        for (const l of order.lines) {
          expect(l.paidFen).toBeGreaterThanOrEqual(0n);
          expect(l.paidFen).toBe(l.amountFen - l.thresholdDiscountFen - l.couponDiscountFen);
          expect(l.thresholdDiscountFen).toBeGreaterThanOrEqual(0n);
          expect(l.couponDiscountFen).toBeGreaterThanOrEqual(0n);
          if (!l.thresholdEligible) expect(l.thresholdDiscountFen).toBe(0n);
          if (!l.couponEligible) expect(l.couponDiscountFen).toBe(0n);
          if (l.priceSource !== 'sku') expect(l.thresholdEligible || l.couponEligible).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('满减 takes exactly the highest reached tier, never more than stated nor than the eligible subtotal', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const order = priceOrder({ ...input, coupon: null });
        const t = order.threshold;
        if (input.activity === null) {
          expect(t).toBeNull();
          return;
        }
        const eligibleFen = sum(order.lines.filter((l) => l.thresholdEligible).map((l) => l.amountFen));
        expect(t!.eligibleFen).toBe(eligibleFen);
        const reached = input.activity.tiers.filter((tier) => tier.thresholdFen <= eligibleFen);
        if (!t!.applied) {
          if (t!.reason === 'below_threshold') expect(reached).toEqual([]);
          expect(order.thresholdDiscountFen).toBe(0n);
          return;
        }
        expect(reached.every((tier) => tier.thresholdFen <= t!.tier.thresholdFen)).toBe(true);
        expect(t!.discountFen).toBeLessThanOrEqual(t!.tier.offFen);
        expect(t!.discountFen).toBe(t!.tier.offFen < eligibleFen ? t!.tier.offFen : eligibleFen);
      }),
      RUNS,
    );
  });

  it('a coupon never takes more than stated and leaves the shopper at most 1 fen over the exact figure', () => {
    fc.assert(
      fc.property(inputArb, couponArb, (input, coupon) => {
        const order = priceOrder({ ...input, coupon });
        const c = order.coupon!;
        const eligibleFen = sum(
          order.lines.filter((l) => l.couponEligible).map((l) => l.amountFen - l.thresholdDiscountFen),
        );
        expect(c.eligibleFen).toBe(eligibleFen);
        if (!c.applied) {
          expect(order.couponDiscountFen).toBe(0n);
          return;
        }
        const d = c.discountFen;
        expect(d).toBeGreaterThan(0n);
        expect(d).toBeLessThanOrEqual(eligibleFen);
        expect(eligibleFen).toBeGreaterThanOrEqual(coupon.thresholdFen);
        if (coupon.kind === 'fixed') {
          expect(d).toBe(coupon.valueFen < eligibleFen ? coupon.valueFen : eligibleFen);
        } else {
          expect(d * 10_000n).toBeLessThanOrEqual(eligibleFen * coupon.offBps);
          if (coupon.capFen !== null) expect(d).toBeLessThanOrEqual(coupon.capFen);
          const capped = (coupon.capFen !== null && d === coupon.capFen) || d === eligibleFen;
          if (!capped) expect((d + 1n) * 10_000n).toBeGreaterThan(eligibleFen * coupon.offBps);
        }
      }),
      RUNS,
    );
  });
});

describe('couponChoices properties', () => {
  it('marks the usable coupon with the largest discount, and each choice is that coupon priced alone', () => {
    fc.assert(
      fc.property(inputArb, fc.array(couponArb, { maxLength: 5 }), (input, coupons) => {
        const { choices, bestIndex, withoutCoupon } = couponChoices(input, coupons);
        expect(withoutCoupon).toEqual(priceOrder({ ...input, coupon: null }));
        choices.forEach((choice, i) => {
          expect(choice.order).toEqual(priceOrder({ ...input, coupon: coupons[i]! }));
          expect(choice.best).toBe(i === bestIndex);
        });
        const usable = choices.filter((c) => c.usable);
        if (usable.length === 0) {
          expect(bestIndex).toBeNull();
          return;
        }
        const best = choices[bestIndex!]!;
        for (const c of usable) {
          expect(best.discountFen).toBeGreaterThanOrEqual(c.discountFen);
          expect(best.totalFen).toBeLessThanOrEqual(c.totalFen);
        }
        expect(best.totalFen).toBeLessThanOrEqual(withoutCoupon.totalFen);
      }),
      { numRuns: 300 },
    );
  });
});
