/**
 * Amounts at the gateways' edges. We hold integer fen as bigint; WeChat Pay speaks integer fen (JSON numbers),
 * Alipay speaks yuan as a decimal string with exactly two decimals. Both directions are integer and string work
 * only: no float ever holds an amount, so 0.10 yuan is 10 fen and never 9.999... fen.
 */

/** The largest amount this mall moves in one payment, refund or transfer (10 billion yuan). */
export const MAX_AMOUNT_FEN = 1_000_000_000_000n;

/** WeChat Pay types `amount.total` as int: 2^31 - 1 fen is the most one order can ask for. */
export const WECHAT_MAX_TOTAL_FEN = 2_147_483_647n;

/** Alipay `total_amount` range is [0.01, 100000000] yuan. */
export const ALIPAY_MAX_TOTAL_FEN = 10_000_000_000n;

const YUAN_PATTERN = /^(0|[1-9][0-9]{0,12})\.([0-9]{2})$/;

function inRange(fen: bigint): boolean {
  return fen >= 0n && fen <= MAX_AMOUNT_FEN;
}

/** 10n -> "0.10", 1n -> "0.01", 100000n -> "1000.00". Refuses (throws) amounts a caller should never build. */
export function fenToYuan(fen: bigint): string {
  if (!inRange(fen)) throw new RangeError(`amount out of range: ${fen} fen`);
  const whole = fen / 100n;
  const cents = fen % 100n;
  return `${whole}.${cents.toString().padStart(2, '0')}`;
}

/**
 * "0.10" -> 10n. Only the canonical form the gateway writes is accepted: digits, a point, two digits, no sign, no
 * leading zero, no exponent, no spaces. Anything else ("1.5", "01.00", "1e3", " 1.00") is undefined: a
 * notification carrying it is malformed, not rounded.
 */
export function yuanToFen(text: string): bigint | undefined {
  const match = YUAN_PATTERN.exec(text);
  if (match === null) return undefined;
  const fen = BigInt(match[1] ?? '') * 100n + BigInt(match[2] ?? '');
  return inRange(fen) ? fen : undefined;
}

/** Fen as the JSON number WeChat Pay expects; every amount up to MAX_AMOUNT_FEN is a safe integer. */
export function fenToWechatTotal(fen: bigint): number {
  if (!inRange(fen)) throw new RangeError(`amount out of range: ${fen} fen`);
  return Number(fen);
}

/** A WeChat Pay amount field (a JSON number of fen) as bigint, or undefined when it is not a whole fen in range. */
export function wechatTotalToFen(value: unknown): bigint | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return undefined;
  const fen = BigInt(value);
  return inRange(fen) ? fen : undefined;
}
