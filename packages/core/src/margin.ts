import { mulDiv } from './money';

/**
 * Margin (毛利) for the dashboard: revenue kept (paid minus refunded) less the cost of the goods the mall did not get
 * back. Each order line freezes its cost when the order is placed (quantity x the SKU's cost then), so a later cost
 * edit does not rewrite old margins.
 */
export interface CostedLine {
  /** The line's frozen cost: quantity x unit cost at order time. */
  costFen: bigint;
  quantity: bigint;
  refundedQuantity: bigint;
}

/**
 * The cost of the units of a line that were not refunded. Cost follows units, not money: a refund of some units
 * removes their share of the line's cost, floored (so the kept cost is never understated and the margin never
 * flattered by a fen of rounding); a refund of money alone (units kept, e.g. a goodwill partial refund) removes no
 * cost, because the goods stayed with the shopper.
 */
export function keptLineCost(line: CostedLine): bigint {
  if (line.quantity <= 0n || line.refundedQuantity <= 0n) return line.costFen;
  if (line.refundedQuantity >= line.quantity) return 0n;
  return line.costFen - mulDiv(line.costFen, line.refundedQuantity, line.quantity);
}

/** Revenue (paid - refunded) minus the kept cost of the lines; negative when goods were sold below cost. */
export function marginFen(revenueFen: bigint, keptCostFen: bigint): bigint {
  return revenueFen - keptCostFen;
}

/**
 * A payout as a share of a base in basis points, floored; null when the base is 0 or negative (a share of nothing, or
 * of a loss, has no meaning a dashboard should show as a number).
 */
export function shareOfBps(payoutFen: bigint, baseFen: bigint): bigint | null {
  if (baseFen <= 0n) return null;
  return mulDiv(payoutFen, 10_000n, baseFen);
}
