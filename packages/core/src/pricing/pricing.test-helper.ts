/** Test-only builders for pricing inputs: short lines, tiers and coupons. Not exported from the package. */
import { expect } from 'vitest';
import {
  priceOrder,
  type CouponNotApplied,
  type PricedOrder,
  type PricingLine,
  type SpecialPriceSource,
  type ThresholdNotApplied,
} from './price-order';
import type { Coupon, PricingScope, SpendThresholdActivity } from './terms';

/** p1 and p2 sit in c1; p3 in c2 under c0 (its ancestor); p4 has no category. */
const CATEGORIES: Record<string, readonly string[]> = { p1: ['c1'], p2: ['c1'], p3: ['c2', 'c0'], p4: [] };

export const NOW_MS = 1_790_000_000_000;
export const ALL: PricingScope = { kind: 'all' };
export const products = (...productIds: string[]): PricingScope => ({ kind: 'products', productIds });
export const categories = (...categoryIds: string[]): PricingScope => ({ kind: 'categories', categoryIds });

export function line(
  productId: string,
  skuPriceFen: bigint,
  quantity: bigint,
  special?: [SpecialPriceSource, bigint],
): PricingLine {
  return {
    skuId: `${productId}-sku`,
    productId,
    categoryIds: CATEGORIES[productId] ?? [],
    quantity,
    skuPriceFen,
    specialPrice: special ? { source: special[0], priceFen: special[1] } : null,
  };
}

export function activity(tiers: [bigint, bigint][], scope: PricingScope = ALL): SpendThresholdActivity {
  return { id: 'act1', tiers: tiers.map(([thresholdFen, offFen]) => ({ thresholdFen, offFen })), scope };
}

interface CouponOptions {
  id?: string;
  thresholdFen?: bigint;
  scope?: PricingScope;
  validFromMs?: number | null;
  expiresAtMs?: number | null;
}

function base(o: CouponOptions) {
  return {
    id: o.id ?? 'cpn1',
    thresholdFen: o.thresholdFen ?? 0n,
    scope: o.scope ?? ALL,
    validFromMs: o.validFromMs ?? null,
    expiresAtMs: o.expiresAtMs ?? null,
  };
}

export const fixed = (valueFen: bigint, o: CouponOptions = {}): Coupon => ({ ...base(o), kind: 'fixed', valueFen });
export const percent = (offBps: bigint, capFen: bigint | null, o: CouponOptions = {}): Coupon => ({
  ...base(o),
  kind: 'percentage',
  offBps,
  capFen,
});

/** One golden pricing case: the input and, worked by hand, every line's figures and the order's outcomes. */
export interface GoldenRow {
  name: string;
  lines: PricingLine[];
  activity?: SpendThresholdActivity;
  coupon?: Coupon;
  shippingFen?: bigint;
  /** Per line: [amount, 满减 share, coupon share, paid]. */
  expectLines: [bigint, bigint, bigint, bigint][];
  /** The 满减 discount, or why it did not apply; absent when there is no activity. */
  threshold?: bigint | ThresholdNotApplied;
  /** The coupon discount, or why it did not apply (with the missing fen for below_threshold). */
  couponResult?: bigint | CouponNotApplied | ['below_threshold', bigint];
  totalFen: bigint;
}

function thresholdResult(order: PricedOrder): GoldenRow['threshold'] {
  const t = order.threshold;
  if (t === null) return undefined;
  return t.applied ? t.discountFen : t.reason;
}

function couponResult(order: PricedOrder): GoldenRow['couponResult'] {
  const c = order.coupon;
  if (c === null) return undefined;
  if (c.applied) return c.discountFen;
  return c.reason === 'below_threshold' ? [c.reason, c.missingFen] : c.reason;
}

export function checkGoldenRow(row: GoldenRow): void {
  const order = priceOrder({
    lines: row.lines,
    activity: row.activity ?? null,
    coupon: row.coupon ?? null,
    shippingFen: row.shippingFen ?? 0n,
    nowMs: NOW_MS,
  });
  const lines = order.lines.map((l) => [l.amountFen, l.thresholdDiscountFen, l.couponDiscountFen, l.paidFen]);
  expect(lines).toEqual(row.expectLines);
  expect(thresholdResult(order)).toEqual(row.threshold);
  expect(couponResult(order)).toEqual(row.couponResult);
  expect(order.totalFen).toBe(row.totalFen);
  expect(order.shippingFen).toBe(row.shippingFen ?? 0n);
  expect(order.paymentRequired).toBe(row.totalFen > 0n);
}
