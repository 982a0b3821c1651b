/**
 * Money is integer fen, rates are basis points, points are integer micro-points, all as bigint so that no
 * product of two amounts can lose precision. Every division here floors, and the caller owns the remainder.
 */
export type Fen = bigint;
export type Bps = bigint;
export type Units = bigint;

export const BPS_SCALE = 10_000n;
/** Micro-points per point. */
export const UNITS_PER_POINT = 1_000_000n;

/** floor(x * bps / 10000): the one way a rate is applied. Negative inputs are a bug, not a rounding question. */
export function share(x: bigint, bps: bigint): bigint {
  if (x < 0n || bps < 0n) throw new RangeError(`share of a negative value: ${x} * ${bps}`);
  return (x * bps) / BPS_SCALE;
}

/** floor(a * b / c) for non-negative a, b and positive c. */
export function mulDiv(a: bigint, b: bigint, c: bigint): bigint {
  if (c <= 0n) throw new RangeError('mulDiv by a non-positive divisor');
  if (a < 0n || b < 0n) throw new RangeError('mulDiv of a negative value');
  return (a * b) / c;
}

/** Compares a/b with c/d without dividing (b, d >= 0; a zero denominator with a positive numerator is infinity). */
export function compareRatio(a: bigint, b: bigint, c: bigint, d: bigint): -1 | 0 | 1 {
  const left = a * d;
  const right = c * b;
  return left < right ? -1 : left > right ? 1 : 0;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Formats a fixed-point integer with `decimals` digits after the point, truncating toward zero. */
export function formatScaled(value: bigint, scale: bigint, decimals: number, grouping = true): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / scale;
  const frac = abs % scale;
  const scaleDigits = scale.toString().length - 1;
  let fracText = frac.toString().padStart(scaleDigits, '0').slice(0, decimals);
  fracText = fracText.padEnd(decimals, '0');
  const wholeText = grouping ? groupThousands(whole.toString()) : whole.toString();
  return `${negative ? '-' : ''}${wholeText}${decimals > 0 ? `.${fracText}` : ''}`;
}

/** 123456n -> "1,234.56" (yuan with two decimals). */
export function formatYuan(fen: Fen): string {
  return formatScaled(fen, 100n, 2);
}

/** 124950000n -> "124.95" points. */
export function formatPoints(units: Units, decimals = 2): string {
  return formatScaled(units, UNITS_PER_POINT, decimals);
}

/** A ratio as a percentage with two decimals, floored: 1234 of 10000 -> "12.34%". */
export function formatPercent(numerator: bigint, denominator: bigint): string {
  if (denominator === 0n) return '-';
  return `${formatScaled((numerator * 10_000n) / denominator, 100n, 2, false)}%`;
}

/** Price in fen per point from pool cash and supply, floored to 1/10000 fen, for display. */
export function pricePerPointScaled(cashFen: Fen, supplyUnits: Units, scale = 10_000n): bigint {
  if (supplyUnits === 0n) return 0n;
  return (cashFen * UNITS_PER_POINT * scale) / supplyUnits;
}

/** Accepts a JSON number or numeric string that is a whole, safe, non-negative integer. */
export function toNonNegativeInteger(value: unknown): bigint | undefined {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) return undefined;
    return BigInt(value);
  }
  if (typeof value === 'string' && /^(0|[1-9]\d*)$/.test(value)) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n) return value;
  return undefined;
}

/** The fee of a withdrawal: share(amount, feeBps), floored, so the remainder stays with the shopper. */
export function withdrawalFee(amountFen: Fen, feeBps: Bps | number): Fen {
  return share(amountFen, typeof feeBps === 'bigint' ? feeBps : BigInt(feeBps));
}
