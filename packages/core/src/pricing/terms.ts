/**
 * The terms of checkout promotions as the server loads them: which lines a promotion covers, spend-threshold
 * activities (满减) and coupons. Plain values with bigint money; the problem checks are what an admin form refuses,
 * and what the pricing functions assume.
 */
import type { Bps, Fen } from '../money';
import { BPS_SCALE } from '../money';

/** Which lines a promotion covers. Category ids match any of a line's category ids (its category and ancestors). */
export type PricingScope =
  | { kind: 'all' }
  | { kind: 'products'; productIds: readonly string[] }
  | { kind: 'categories'; categoryIds: readonly string[] };

/** 满减 tier: when the eligible subtotal reaches `thresholdFen`, `offFen` comes off (at most the subtotal). */
export interface SpendThresholdTier {
  thresholdFen: Fen;
  offFen: Fen;
}

export interface SpendThresholdActivity {
  id: string;
  tiers: readonly SpendThresholdTier[];
  scope: PricingScope;
}

interface CouponBase {
  /** The shopper's coupon (an issued instance), not the template: couponChoices names its picks by this id. */
  id: string;
  /** Usable only when what remains eligible after 满减 is at least this much (0: no threshold). */
  thresholdFen: Fen;
  scope: PricingScope;
  /** Usable from this instant (epoch ms, inclusive) until `expiresAtMs` (exclusive); null means unbounded. */
  validFromMs: number | null;
  expiresAtMs: number | null;
}

export interface FixedCoupon extends CouponBase {
  kind: 'fixed';
  valueFen: Fen;
}

export interface PercentageCoupon extends CouponBase {
  kind: 'percentage';
  /** The share taken off: 1500 is 15% off (八五折). */
  offBps: Bps;
  /** The most a percentage coupon takes off; null: no cap. */
  capFen: Fen | null;
}

export type Coupon = FixedCoupon | PercentageCoupon;

/** A coupon template's validity: fixed dates, or N whole days (of 86,400,000 ms) from the moment it is claimed. */
export type CouponValidity =
  { kind: 'fixed'; validFromMs: number; expiresAtMs: number } | { kind: 'daysFromClaim'; days: number };

export const DAY_MS = 86_400_000;

/** The window an issued coupon gets: a 7-day coupon claimed at 10:00 on day 1 expires at 10:00 on day 8. */
export function couponWindow(
  validity: CouponValidity,
  claimedAtMs: number,
): { validFromMs: number; expiresAtMs: number } {
  if (validity.kind === 'fixed') return { validFromMs: validity.validFromMs, expiresAtMs: validity.expiresAtMs };
  return { validFromMs: claimedAtMs, expiresAtMs: claimedAtMs + validity.days * DAY_MS };
}

export interface ScopedLine {
  productId: string;
  categoryIds: readonly string[];
}

export function inScope(scope: PricingScope, line: ScopedLine): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'products':
      return scope.productIds.includes(line.productId);
    case 'categories':
      return line.categoryIds.some((id) => scope.categoryIds.includes(id));
  }
}

/** What an admin form refuses; `field` names the input, `message` says what is wrong in English. */
export interface PricingProblem {
  field: string;
  message: string;
}

function scopeProblems(scope: PricingScope): PricingProblem[] {
  if (scope.kind === 'products' && scope.productIds.length === 0) {
    return [{ field: 'scope.productIds', message: 'a product scope needs at least one product' }];
  }
  if (scope.kind === 'categories' && scope.categoryIds.length === 0) {
    return [{ field: 'scope.categoryIds', message: 'a category scope needs at least one category' }];
  }
  return [];
}

/** Tiers: at least one; thresholds at least 0 and strictly increasing; each tier takes off at least 1 fen. */
export function spendThresholdProblems(activity: SpendThresholdActivity): PricingProblem[] {
  const problems = scopeProblems(activity.scope);
  if (activity.tiers.length === 0)
    problems.push({ field: 'tiers', message: 'a 满减 activity needs at least one tier' });
  activity.tiers.forEach((tier, i) => {
    if (tier.thresholdFen < 0n) problems.push({ field: `tiers[${i}].thresholdFen`, message: 'must be at least 0' });
    if (tier.offFen < 1n) problems.push({ field: `tiers[${i}].offFen`, message: 'must be at least 1 fen' });
    const before = activity.tiers[i - 1];
    if (before && tier.thresholdFen <= before.thresholdFen) {
      problems.push({ field: `tiers[${i}].thresholdFen`, message: 'thresholds must increase from tier to tier' });
    }
  });
  return problems;
}

export function couponProblems(coupon: Coupon): PricingProblem[] {
  const problems = scopeProblems(coupon.scope);
  if (coupon.thresholdFen < 0n) problems.push({ field: 'thresholdFen', message: 'must be at least 0' });
  if (coupon.kind === 'fixed' && coupon.valueFen < 1n) {
    problems.push({ field: 'valueFen', message: 'must be at least 1 fen' });
  }
  if (coupon.kind === 'percentage') {
    if (coupon.offBps < 1n || coupon.offBps > BPS_SCALE) {
      problems.push({ field: 'offBps', message: 'must be between 1 and 10000 bps' });
    }
    if (coupon.capFen !== null && coupon.capFen < 1n) {
      problems.push({ field: 'capFen', message: 'must be at least 1 fen, or no cap' });
    }
  }
  if (coupon.validFromMs !== null && coupon.expiresAtMs !== null && coupon.expiresAtMs <= coupon.validFromMs) {
    problems.push({ field: 'expiresAtMs', message: 'must be after validFromMs' });
  }
  return problems;
}

export function couponValidityProblems(validity: CouponValidity): PricingProblem[] {
  if (validity.kind === 'daysFromClaim') {
    return Number.isSafeInteger(validity.days) && validity.days >= 1 && validity.days <= 3660
      ? []
      : [{ field: 'days', message: 'must be a whole number of days from 1 to 3660' }];
  }
  return validity.expiresAtMs > validity.validFromMs
    ? []
    : [{ field: 'expiresAtMs', message: 'must be after validFromMs' }];
}
