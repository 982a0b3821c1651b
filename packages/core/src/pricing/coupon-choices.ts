import type { Fen } from '../money';
import { priceOrder, type CouponNotApplied, type PricedOrder, type PricingInput } from './price-order';
import type { Coupon } from './terms';

export interface CouponChoice {
  couponId: string;
  usable: boolean;
  /** Why the coupon does not apply to this checkout; null when usable. */
  reason: CouponNotApplied | null;
  /** below_threshold: how much more eligible spend the coupon needs (还差); otherwise 0. */
  missingFen: Fen;
  couponDiscountFen: Fen;
  /** 满减 plus this coupon: the figure the best choice maximises. */
  discountFen: Fen;
  totalFen: Fen;
  best: boolean;
  /** The whole checkout priced with this coupon (without it, when it is not usable). */
  order: PricedOrder;
}

export interface CouponChoices {
  /** One per coupon, in the order given. */
  choices: CouponChoice[];
  /** Index into choices of the best usable coupon, or null when none is usable. */
  bestIndex: number | null;
  /** The checkout with no coupon, for the shopper who declines one (不使用优惠券). */
  withoutCoupon: PricedOrder;
}

/**
 * Prices the checkout once per coupon the shopper holds. The best is the usable coupon with the largest total
 * discount; ties go to the one that expires first (no expiry counts as last), then to the first given. Shipping does
 * not depend on the coupon (freight's free-shipping threshold reads undiscounted amounts), so the best is also the
 * lowest total.
 */
export function couponChoices(input: Omit<PricingInput, 'coupon'>, coupons: readonly Coupon[]): CouponChoices {
  const choices: CouponChoice[] = coupons.map((coupon) => {
    const order = priceOrder({ ...input, coupon });
    const outcome = order.coupon!;
    return {
      couponId: coupon.id,
      usable: outcome.applied,
      reason: outcome.applied ? null : outcome.reason,
      missingFen: outcome.applied ? 0n : outcome.missingFen,
      couponDiscountFen: order.couponDiscountFen,
      discountFen: order.discountFen,
      totalFen: order.totalFen,
      best: false,
      order,
    };
  });
  let bestIndex: number | null = null;
  choices.forEach((choice, i) => {
    if (!choice.usable) return;
    if (bestIndex === null || beats(choice, coupons[i]!, choices[bestIndex]!, coupons[bestIndex]!)) bestIndex = i;
  });
  if (bestIndex !== null) choices[bestIndex]!.best = true;
  return { choices, bestIndex, withoutCoupon: priceOrder({ ...input, coupon: null }) };
}

/** Strictly better than the current best; equal candidates keep the earlier one. */
function beats(choice: CouponChoice, coupon: Coupon, best: CouponChoice, bestCoupon: Coupon): boolean {
  if (choice.discountFen !== best.discountFen) return choice.discountFen > best.discountFen;
  const expires = coupon.expiresAtMs;
  const bestExpires = bestCoupon.expiresAtMs;
  if (expires === null) return false;
  return bestExpires === null || expires < bestExpires;
}
