import type { Coupon, PricedOrder, ThresholdOutcome } from '@mall/core';
import type { CheckoutLine } from '../commerce/checkout/pricing';
import { arr, bool, int, nullable, obj, str } from './schemas';

/** The checkout quote's answer: its schema and how a priced order is shown (shop/checkout.ts). */
const nextTier = nullable(obj({ thresholdFen: int(), offFen: int(), missingFen: int() }));
const thresholdSchema = nullable(
  obj({
    activityId: str(),
    applied: bool,
    reason: nullable(str()),
    eligibleFen: int(),
    discountFen: int(),
    thresholdFen: nullable(int()),
    next: nextTier,
  }),
);
const quoteLine = obj({
  skuId: str(),
  productId: str(),
  title: str(),
  skuName: str(),
  imageUrl: str(),
  quantity: int(),
  unitPriceFen: int(),
  priceSource: str(),
  amountFen: int(),
  thresholdDiscountFen: int(),
  couponDiscountFen: int(),
  paidFen: int(),
  flashSaleId: nullable(str()),
});
export const quoteSchema = obj({
  lines: arr(quoteLine),
  subtotalFen: int(),
  thresholdDiscountFen: int(),
  couponDiscountFen: int(),
  discountFen: int(),
  goodsPaidFen: int(),
  shippingFen: int(),
  shippingKnown: bool,
  totalFen: int(),
  paymentRequired: bool,
  threshold: thresholdSchema,
  couponId: nullable(str()),
});
export const couponChoiceSchema = obj({
  coupon: obj({
    id: str(),
    name: str(),
    kind: str(),
    valueFen: int(),
    offBps: int(),
    capFen: nullable(int()),
    thresholdFen: int(),
    expiresAt: nullable(str()),
  }),
  usable: bool,
  reason: nullable(str()),
  missingFen: int(),
  couponDiscountFen: int(),
  discountFen: int(),
  totalFen: int(),
  best: bool,
});

function thresholdView(t: ThresholdOutcome | null) {
  if (t === null) return null;
  const next = t.next === null ? null : { ...t.next.tier, missingFen: t.next.missingFen };
  return t.applied
    ? {
        activityId: t.activityId,
        applied: true,
        reason: null,
        eligibleFen: t.eligibleFen,
        discountFen: t.discountFen,
        thresholdFen: t.tier.thresholdFen,
        next,
      }
    : {
        activityId: t.activityId,
        applied: false,
        reason: t.reason,
        eligibleFen: t.eligibleFen,
        discountFen: 0n,
        thresholdFen: null,
        next,
      };
}

export function quoteView(lines: readonly CheckoutLine[], priced: PricedOrder, shippingKnown: boolean) {
  return {
    lines: priced.lines.map((p, i) => ({
      skuId: p.skuId,
      productId: p.productId,
      title: lines[i]?.title ?? '',
      skuName: lines[i]?.skuName ?? '',
      imageUrl: lines[i]?.imageUrl ?? '',
      quantity: p.quantity,
      unitPriceFen: p.unitPriceFen,
      priceSource: p.priceSource,
      amountFen: p.amountFen,
      thresholdDiscountFen: p.thresholdDiscountFen,
      couponDiscountFen: p.couponDiscountFen,
      paidFen: p.paidFen,
      flashSaleId: lines[i]?.flashSale?.id ?? null,
    })),
    subtotalFen: priced.subtotalFen,
    thresholdDiscountFen: priced.thresholdDiscountFen,
    couponDiscountFen: priced.couponDiscountFen,
    discountFen: priced.discountFen,
    goodsPaidFen: priced.goodsPaidFen,
    shippingFen: priced.shippingFen,
    shippingKnown,
    totalFen: priced.totalFen,
    paymentRequired: priced.paymentRequired,
    threshold: thresholdView(priced.threshold),
    couponId: priced.coupon?.applied === true ? priced.coupon.couponId : null,
  };
}

export function couponSummary(c: Coupon, name: string) {
  return {
    id: c.id,
    name,
    kind: c.kind,
    valueFen: c.kind === 'fixed' ? c.valueFen : 0n,
    offBps: c.kind === 'percentage' ? c.offBps : 0n,
    capFen: c.kind === 'percentage' ? c.capFen : null,
    thresholdFen: c.thresholdFen,
    expiresAt: c.expiresAtMs === null ? null : new Date(c.expiresAtMs).toISOString(),
  };
}
