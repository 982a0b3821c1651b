/**
 * Checkout pricing (issue 11): unit prices, then at most one 满减 activity, then at most one coupon, each order-level
 * discount allocated to its eligible lines, so that every line has an exact paid amount. Pure: the server passes the
 * rows it loaded and the current time; docs/pricing.md states the rules with worked figures.
 */
import type { Fen } from '../money';
import { share } from '../money';
import { allocateProportionally } from './allocate';
import { inScope, type Coupon, type SpendThresholdActivity, type SpendThresholdTier } from './terms';

export type SpecialPriceSource = 'flash' | 'group' | 'presale';
export type PriceSource = 'sku' | SpecialPriceSource;

export interface PricingLine {
  skuId: string;
  productId: string;
  /** The product's category and, if categories nest, its ancestors; [] for an uncategorised product. */
  categoryIds: readonly string[];
  quantity: bigint;
  skuPriceFen: Fen;
  /** The promotion price in force for this line, resolved by the caller: flash sale running, group order, presale. */
  specialPrice?: { source: SpecialPriceSource; priceFen: Fen } | null;
}

export interface PricingInput {
  lines: readonly PricingLine[];
  activity: SpendThresholdActivity | null;
  coupon: Coupon | null;
  /** The freight fee (see freight.ts); never discounted. */
  shippingFen: Fen;
  /** The checkout's time (epoch ms), for the coupon's validity window. */
  nowMs: number;
}

export interface PricedLine {
  skuId: string;
  productId: string;
  quantity: bigint;
  unitPriceFen: Fen;
  priceSource: PriceSource;
  /** unitPriceFen x quantity */
  amountFen: Fen;
  thresholdEligible: boolean;
  thresholdDiscountFen: Fen;
  couponEligible: boolean;
  couponDiscountFen: Fen;
  /** amountFen - thresholdDiscountFen - couponDiscountFen: what line refunds and plan scopes use. */
  paidFen: Fen;
}

export interface NextTier {
  tier: SpendThresholdTier;
  /** How much more eligible spend reaches this tier (还差). */
  missingFen: Fen;
}

export type ThresholdNotApplied = 'out_of_scope' | 'below_threshold' | 'no_discount';
export type ThresholdOutcome = { activityId: string; eligibleFen: Fen; next: NextTier | null } & (
  { applied: true; tier: SpendThresholdTier; discountFen: Fen } | { applied: false; reason: ThresholdNotApplied }
);

export type CouponNotApplied = 'not_started' | 'expired' | 'out_of_scope' | 'below_threshold' | 'no_discount';
export type CouponOutcome = { couponId: string; eligibleFen: Fen } & (
  | { applied: true; discountFen: Fen }
  | {
      applied: false;
      reason: CouponNotApplied;
      /** below_threshold: how much more eligible spend it needs */ missingFen: Fen;
    }
);

export interface PricedOrder {
  lines: PricedLine[];
  /** Sum of line amounts, before discounts. */
  subtotalFen: Fen;
  threshold: ThresholdOutcome | null;
  coupon: CouponOutcome | null;
  thresholdDiscountFen: Fen;
  couponDiscountFen: Fen;
  discountFen: Fen;
  /** Sum of line paid amounts: subtotalFen - discountFen. */
  goodsPaidFen: Fen;
  shippingFen: Fen;
  totalFen: Fen;
  /** false when the order comes to 0 fen: it completes without a gateway. */
  paymentRequired: boolean;
}

function nonNegative(value: bigint, what: string): void {
  if (value < 0n) throw new RangeError(`${what} is negative: ${value}`);
}

function unitPrice(line: PricingLine): { unitPriceFen: Fen; priceSource: PriceSource } {
  const special = line.specialPrice;
  return special
    ? { unitPriceFen: special.priceFen, priceSource: special.source }
    : { unitPriceFen: line.skuPriceFen, priceSource: 'sku' };
}

/** Of the tiers whose threshold is at most `eligibleFen`, the highest threshold (ties: the first listed). */
function reachedTier(tiers: readonly SpendThresholdTier[], eligibleFen: Fen): SpendThresholdTier | null {
  let best: SpendThresholdTier | null = null;
  for (const tier of tiers) {
    if (tier.thresholdFen <= eligibleFen && (best === null || tier.thresholdFen > best.thresholdFen)) best = tier;
  }
  return best;
}

/** The lowest threshold above `eligibleFen` (ties: the first listed), to show 再买 X 元减 Y. */
function nextTier(tiers: readonly SpendThresholdTier[], eligibleFen: Fen): NextTier | null {
  let next: SpendThresholdTier | null = null;
  for (const tier of tiers) {
    if (tier.thresholdFen > eligibleFen && (next === null || tier.thresholdFen < next.thresholdFen)) next = tier;
  }
  return next ? { tier: next, missingFen: next.thresholdFen - eligibleFen } : null;
}

function sum(values: readonly Fen[]): Fen {
  return values.reduce((total, value) => total + value, 0n);
}

/** Writes `parts` (one per eligible line, in order) into `into` at the eligible lines' positions. */
function spread(into: Fen[], eligible: readonly number[], parts: readonly Fen[]): void {
  eligible.forEach((lineIndex, k) => (into[lineIndex] = parts[k]!));
}

function applyThreshold(
  activity: SpendThresholdActivity,
  amounts: readonly Fen[],
  eligible: readonly number[],
  shares: Fen[],
): ThresholdOutcome {
  const base = eligible.map((i) => amounts[i]!);
  const eligibleFen = sum(base);
  const common = { activityId: activity.id, eligibleFen, next: nextTier(activity.tiers, eligibleFen) };
  if (eligible.length === 0) return { ...common, applied: false, reason: 'out_of_scope' };
  const tier = reachedTier(activity.tiers, eligibleFen);
  if (tier === null) return { ...common, applied: false, reason: 'below_threshold' };
  nonNegative(tier.offFen, 'a 满减 tier');
  const discountFen = tier.offFen < eligibleFen ? tier.offFen : eligibleFen;
  if (discountFen === 0n) return { ...common, applied: false, reason: 'no_discount' };
  spread(shares, eligible, allocateProportionally(base, discountFen));
  return { ...common, applied: true, tier, discountFen };
}

/** The stated discount on `eligibleFen`, floored, never above what is eligible. */
export function couponDiscountFen(coupon: Coupon, eligibleFen: Fen): Fen {
  let off: Fen;
  if (coupon.kind === 'fixed') {
    nonNegative(coupon.valueFen, 'a coupon value');
    off = coupon.valueFen;
  } else {
    off = share(eligibleFen, coupon.offBps);
    if (coupon.capFen !== null) {
      nonNegative(coupon.capFen, 'a coupon cap');
      if (coupon.capFen < off) off = coupon.capFen;
    }
  }
  return off < eligibleFen ? off : eligibleFen;
}

function applyCoupon(
  coupon: Coupon,
  nowMs: number,
  remaining: readonly Fen[],
  eligible: readonly number[],
  shares: Fen[],
): CouponOutcome {
  const base = eligible.map((i) => remaining[i]!);
  const eligibleFen = sum(base);
  const refuse = (reason: CouponNotApplied, missingFen = 0n): CouponOutcome => ({
    couponId: coupon.id,
    eligibleFen,
    applied: false,
    reason,
    missingFen,
  });
  if (coupon.validFromMs !== null && nowMs < coupon.validFromMs) return refuse('not_started');
  if (coupon.expiresAtMs !== null && nowMs >= coupon.expiresAtMs) return refuse('expired');
  if (eligible.length === 0) return refuse('out_of_scope');
  nonNegative(coupon.thresholdFen, 'a coupon threshold');
  if (eligibleFen < coupon.thresholdFen) return refuse('below_threshold', coupon.thresholdFen - eligibleFen);
  const discountFen = couponDiscountFen(coupon, eligibleFen);
  if (discountFen === 0n) return refuse('no_discount');
  spread(shares, eligible, allocateProportionally(base, discountFen));
  return { couponId: coupon.id, eligibleFen, applied: true, discountFen };
}

/**
 * Prices one checkout. A line at a special price (flash, group, presale) takes no 满减 and no coupon: the special
 * price is its promotion. The coupon sees each eligible line's amount less the 满减 already allocated to it.
 */
export function priceOrder(input: PricingInput): PricedOrder {
  nonNegative(input.shippingFen, 'shipping');
  const prices = input.lines.map((line) => {
    if (line.quantity < 1n) throw new RangeError(`a line quantity must be at least 1: ${line.quantity}`);
    nonNegative(line.skuPriceFen, 'a SKU price');
    const price = unitPrice(line);
    nonNegative(price.unitPriceFen, 'a special price');
    return price;
  });
  const amounts = input.lines.map((line, i) => prices[i]!.unitPriceFen * line.quantity);
  const discountable = input.lines.map((_, i) => prices[i]!.priceSource === 'sku');

  const thresholdShares = amounts.map(() => 0n);
  const activity = input.activity;
  const thresholdEligible = input.lines.map(
    (line, i) => discountable[i]! && !!activity && inScope(activity.scope, line),
  );
  const threshold = activity ? applyThreshold(activity, amounts, indexesOf(thresholdEligible), thresholdShares) : null;

  const couponShares = amounts.map(() => 0n);
  const coupon = input.coupon;
  const couponEligible = input.lines.map((line, i) => discountable[i]! && !!coupon && inScope(coupon.scope, line));
  const remaining = amounts.map((amount, i) => amount - thresholdShares[i]!);
  const couponOutcome = coupon
    ? applyCoupon(coupon, input.nowMs, remaining, indexesOf(couponEligible), couponShares)
    : null;

  const lines: PricedLine[] = input.lines.map((line, i) => ({
    skuId: line.skuId,
    productId: line.productId,
    quantity: line.quantity,
    unitPriceFen: prices[i]!.unitPriceFen,
    priceSource: prices[i]!.priceSource,
    amountFen: amounts[i]!,
    thresholdEligible: thresholdEligible[i]!,
    thresholdDiscountFen: thresholdShares[i]!,
    couponEligible: couponEligible[i]!,
    couponDiscountFen: couponShares[i]!,
    paidFen: remaining[i]! - couponShares[i]!,
  }));
  const subtotalFen = sum(amounts);
  const thresholdDiscountFen = sum(thresholdShares);
  const couponDiscount = sum(couponShares);
  const goodsPaidFen = sum(lines.map((line) => line.paidFen));
  const totalFen = goodsPaidFen + input.shippingFen;
  return {
    lines,
    subtotalFen,
    threshold,
    coupon: couponOutcome,
    thresholdDiscountFen,
    couponDiscountFen: couponDiscount,
    discountFen: thresholdDiscountFen + couponDiscount,
    goodsPaidFen,
    shippingFen: input.shippingFen,
    totalFen,
    paymentRequired: totalFen > 0n,
  };
}

function indexesOf(flags: readonly boolean[]): number[] {
  const out: number[] = [];
  flags.forEach((flag, i) => {
    if (flag) out.push(i);
  });
  return out;
}
