/** Test-only builders for pricing inputs: short lines, tiers and coupons. Not exported from the package. */
import type { PricingLine, SpecialPriceSource } from './price-order';
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
