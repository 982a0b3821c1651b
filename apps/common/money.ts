/**
 * Display helpers for integer money and points. Amounts arrive as integer fen / micro-points (JSON numbers or
 * numeric strings) and are formatted with bigint arithmetic only: no parseFloat, no toFixed on money.
 * Same semantics as formatYuan / formatPoints in @mall/core (copied so the browser bundle stays free of the engine).
 */
export type IntLike = number | string | bigint | null | undefined;

export const UNITS_PER_POINT = 1_000_000n;

export function toBig(value: IntLike): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  return 0n;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatScaled(value: bigint, scale: bigint, decimals: number, grouping = true): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / scale;
  const frac = abs % scale;
  const scaleDigits = scale.toString().length - 1;
  const fracText = frac.toString().padStart(scaleDigits, '0').slice(0, decimals).padEnd(decimals, '0');
  const wholeText = grouping ? groupThousands(whole.toString()) : whole.toString();
  return `${negative ? '-' : ''}${wholeText}${decimals > 0 ? `.${fracText}` : ''}`;
}

/** 100000 -> "1,000.00" */
export function yuan(fen: IntLike): string {
  return formatScaled(toBig(fen), 100n, 2);
}

/** 100000 -> "¥1,000.00"; negative -> "-¥12.00" */
export function money(fen: IntLike): string {
  const v = toBig(fen);
  return v < 0n ? `-¥${yuan(-v)}` : `¥${yuan(v)}`;
}

/** Signed, for ledger entries: "+¥100.00" / "-¥12.00" */
export function signedMoney(fen: IntLike): string {
  const v = toBig(fen);
  return v > 0n ? `+¥${yuan(v)}` : money(v);
}

/** micro-points -> "124.95" */
export function points(units: IntLike, decimals = 2): string {
  return formatScaled(toBig(units), UNITS_PER_POINT, decimals);
}

/** numerator/denominator as "12.34%" (floored). */
export function percent(numerator: IntLike, denominator: IntLike): string {
  const d = toBig(denominator);
  if (d === 0n) return '-';
  return `${formatScaled((toBig(numerator) * 10_000n) / d, 100n, 2, false)}%`;
}

/** bps -> "10%" / "12.5%" */
export function bpsText(bps: IntLike): string {
  const text = formatScaled(toBig(bps), 100n, 2, false).replace(/\.?0+$/, '');
  return `${text}%`;
}

/** An integer percentage 0..100 for progress bars. */
export function percentInt(numerator: IntLike, denominator: IntLike): number {
  const d = toBig(denominator);
  if (d <= 0n) return 0;
  const p = (toBig(numerator) * 100n) / d;
  return Number(p > 100n ? 100n : p < 0n ? 0n : p);
}

/** Price per point in yuan with 4 decimals, exact from pool cash and supply. */
export function pricePerPoint(cashFen: IntLike, supplyUnits: IntLike): string {
  const s = toBig(supplyUnits);
  if (s === 0n) return '-';
  // fen per point scaled by 10^4, then shown as yuan (divide by 100) with 4 decimals
  const scaled = (toBig(cashFen) * UNITS_PER_POINT * 10_000n) / s;
  return `¥${formatScaled(scaled, 1_000_000n, 4)}`;
}

/** Price per point (a display number in fen, 4 decimals) -> yuan number, for charts only. */
export function chartYuan(fen: number | string): number {
  return Number(fen) / 100;
}

function parseDecimal(text: string, decimals: number): bigint | null {
  const t = text.trim();
  const m = /^(\d+)(?:\.(\d*))?$/.exec(t);
  if (!m) return null;
  const whole = m[1] ?? '0';
  const frac = m[2] ?? '';
  if (frac.length > decimals) return null;
  return BigInt(whole + frac.padEnd(decimals, '0'));
}

/** "12.34" -> 1234n fen; null when not a valid amount with at most 2 decimals. */
export function parseYuan(text: string): bigint | null {
  return parseDecimal(text, 2);
}

/** "1.5" -> 1500000n micro-points (at most 6 decimals). */
export function parsePoints(text: string): bigint | null {
  return parseDecimal(text, 6);
}
