import type { Fen } from '../money';

export interface RefundableLine {
  quantity: bigint;
  paidFen: Fen;
}

export type RefundQuote =
  | { ok: true; refundFen: Fen }
  | { ok: false; code: 'refund_quantity_not_positive' | 'refund_quantity_exceeds_remaining' };

/**
 * What refunding `quantity` more units of a line returns, after `alreadyRefundedUnits` were refunded. Each unit is
 * worth floor(paid / quantity) and the last unit of the line also carries the remainder, so partial refunds never
 * return more than their proportional share and refunding every unit, in any steps, returns exactly the paid amount.
 */
export function refundableFen(line: RefundableLine, quantity: bigint, alreadyRefundedUnits: bigint): RefundQuote {
  if (line.quantity < 1n || line.paidFen < 0n) throw new RangeError('a refunded line has a positive quantity');
  if (alreadyRefundedUnits < 0n || alreadyRefundedUnits > line.quantity) {
    throw new RangeError(`already refunded ${alreadyRefundedUnits} of ${line.quantity} units`);
  }
  if (quantity < 1n) return { ok: false, code: 'refund_quantity_not_positive' };
  if (quantity > line.quantity - alreadyRefundedUnits) return { ok: false, code: 'refund_quantity_exceeds_remaining' };
  return {
    ok: true,
    refundFen: paidForUnits(line, alreadyRefundedUnits + quantity) - paidForUnits(line, alreadyRefundedUnits),
  };
}

/** The part of the paid amount that the first `units` units carry. */
function paidForUnits(line: RefundableLine, units: bigint): Fen {
  return units === line.quantity ? line.paidFen : units * (line.paidFen / line.quantity);
}
