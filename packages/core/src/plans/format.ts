import { formatPercent } from '../money';

/** A rate in bps as a percentage for rules pages: 1000 -> "10.00%". */
export function bpsText(bps: number | bigint): string {
  return formatPercent(BigInt(bps), 10_000n);
}
