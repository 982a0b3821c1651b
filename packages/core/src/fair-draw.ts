/**
 * Verifiable draws (SPEC 3.3, blind boxes and lottery groups). Before a series opens the server publishes
 * `sha256(serverSeed)`; each draw's digest is `HMAC-SHA256(serverSeed, drawMessage(buyerSeed, nonce))`; when the series
 * closes the seed is revealed and anyone can recompute every digest. This module holds only the mapping from a digest
 * to an outcome, so the server (node:crypto) and a browser verify page (WebCrypto) compute the HMAC themselves and
 * share one mapping.
 *
 * The mapping: read the 32-byte digest as one unsigned big-endian integer `x`; with weights `w0..wk` (integers, total
 * `W`), `r = x mod W`, and the outcome is the first index `i` with `r < w0 + ... + wi`. Since `x` is uniform over
 * 2^256 values and `W` stays far below 2^64, the bias of `mod` is below 2^-192: negligible, and the rule is exact.
 */

export const DIGEST_BYTES = 32;

/** The message a draw signs: the buyer's seed and the draw's nonce, joined by a colon. */
export function drawMessage(buyerSeed: string, nonce: number | bigint): string {
  return `${buyerSeed}:${nonce.toString()}`;
}

export function digestValue(digest: Uint8Array): bigint {
  if (digest.length !== DIGEST_BYTES)
    throw new RangeError(`a draw digest has ${DIGEST_BYTES} bytes, not ${digest.length}`);
  let value = 0n;
  for (const byte of digest) value = (value << 8n) | BigInt(byte);
  return value;
}

export function digestFromHex(hex: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError('a draw digest is 64 lowercase hex digits');
  const bytes = new Uint8Array(DIGEST_BYTES);
  for (let i = 0; i < DIGEST_BYTES; i += 1) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** The index a digest draws among weighted outcomes (weights of 0 are never drawn). */
export function drawIndex(digest: Uint8Array, weights: readonly bigint[]): number {
  let total = 0n;
  for (const weight of weights) {
    if (weight < 0n) throw new RangeError(`a draw weight is negative: ${weight}`);
    total += weight;
  }
  if (total <= 0n) throw new RangeError('the draw weights sum to 0');
  const r = digestValue(digest) % total;
  let reached = 0n;
  for (let i = 0; i < weights.length; i += 1) {
    reached += weights[i] ?? 0n;
    if (r < reached) return i;
  }
  throw new Error('unreachable: r is below the total');
}

/**
 * Winners among `memberCount` members (in join order) of a lottery: the k-th digest draws, with equal weights, among
 * the members not yet drawn, in their join order. Returns the winners' indices in draw order.
 */
export function drawWinners(digests: readonly Uint8Array[], memberCount: number): number[] {
  if (digests.length > memberCount)
    throw new RangeError(`cannot draw ${digests.length} winners from ${memberCount} members`);
  const remaining = Array.from({ length: memberCount }, (_, i) => i);
  const winners: number[] = [];
  for (const digest of digests) {
    const at = drawIndex(
      digest,
      remaining.map(() => 1n),
    );
    const [winner] = remaining.splice(at, 1);
    if (winner === undefined) throw new Error('unreachable: the draw index is within the remaining members');
    winners.push(winner);
  }
  return winners;
}
