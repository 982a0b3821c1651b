import type { RejectionCode } from './effects';
import { BPS_SCALE, share } from './money';

/**
 * Quotes shown to people, written once: the engine calls these same functions when it acts, and the server
 * calls them for previews, so a preview and the real thing can never disagree.
 */

/** The rate of a consumer-merchant's next referral-cycle reward (SPEC 3.1: the k-th uses ratesBps[k mod len]). */
export function nextReferralRateBps(ratesBps: readonly number[], rewardCount: number): number {
  return ratesBps.length === 0 ? 0 : (ratesBps[rewardCount % ratesBps.length] ?? 0);
}

/** SPEC 3.1: share(min(base, A), rate). */
export function referralRewardFen(baseFen: bigint, amountFen: bigint, rateBps: bigint): bigint {
  return share(baseFen < amountFen ? baseFen : amountFen, rateBps);
}

export interface PoolNumbers {
  cashFen: bigint;
  supplyUnits: bigint;
}

export interface PositionNumbers {
  open: boolean;
  units: bigint;
  capFen: bigint;
  realizedFen: bigint;
}

export type RedemptionQuote =
  { ok: true; grossFen: bigint; feeFen: bigint; paidFen: bigint } | { ok: false; code: RejectionCode; message: string };

/**
 * SPEC 3.2 redemption of `units` of a position: gross = floor(u * P / S), allowed only while gross <= cap -
 * realized; paid = share(gross, 10000 - fee). The fee (gross - paid) stays in the pool.
 */
export function redemptionQuote(
  pool: PoolNumbers,
  position: PositionNumbers,
  units: bigint,
  redeemFeeBps: bigint,
): RedemptionQuote {
  if (units <= 0n) return { ok: false, code: 'invalid_units', message: 'units must be positive' };
  if (!position.open) return { ok: false, code: 'position_not_open', message: 'the position is not open' };
  if (units > position.units) {
    return {
      ok: false,
      code: 'not_enough_units',
      message: `the position holds ${position.units} units, asked ${units}`,
    };
  }
  const grossFen = (units * pool.cashFen) / pool.supplyUnits;
  if (grossFen > position.capFen - position.realizedFen) {
    return { ok: false, code: 'over_cap', message: "redeeming is worth more than the position's remaining cap" };
  }
  const paidFen = share(grossFen, BPS_SCALE - redeemFeeBps);
  return { ok: true, grossFen, feeFen: grossFen - paidFen, paidFen };
}
