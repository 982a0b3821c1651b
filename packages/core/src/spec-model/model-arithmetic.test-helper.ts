/** The few integer helpers of the SPEC model, its own (not the engine's) to stay independent. */

/** share(x, bps) = floor(x * bps / 10000) (SPEC 3). Own helper, not the engine's, to stay independent. */
export function share(x: bigint, bps: bigint): bigint {
  return floorDiv(x * bps, 10_000n);
}

/** BigInt division truncates; on the non-negative values of this model that is the floor SPEC asks for. */
export function floorDiv(a: bigint, b: bigint): bigint {
  if (a < 0n || b <= 0n) throw new Error(`model bug: floorDiv(${a}, ${b})`);
  return a / b;
}

export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
