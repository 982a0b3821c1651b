/**
 * The after-sales request (售后单) as a transition table. A request covers some units of some lines of one order:
 *
 * - refund_only (仅退款): requested -> (operator approves) refunding -> refunded
 * - return_refund (退货退款): requested -> (approves) awaiting_return -> (shopper ships back with a tracking number)
 *   returning -> (operator confirms the goods arrived) refunding -> refunded
 * - goodwill (staff, after settlement): refunding -> refunded
 *
 * A refund the wallet or the sandbox pays is done at once (straight to refunded); a gateway's is `refunding` until the
 * gateway confirms it, `refund_failed` if it refuses (staff retry, to the original channel or the wallet). The
 * operator may reject a request (rejected), and the shopper may reopen a rejected one with a reason or cancel one
 * the operator has not acted on. While any request of an order is open, the order is `refunding` and never settles.
 */
export type AfterSaleKind = 'refund_only' | 'return_refund' | 'goodwill';

export type AfterSaleStatus =
  'requested' | 'awaiting_return' | 'returning' | 'refunding' | 'refund_failed' | 'refunded' | 'rejected' | 'cancelled';

export const AFTER_SALE_KINDS: readonly AfterSaleKind[] = ['refund_only', 'return_refund', 'goodwill'];

export const AFTER_SALE_STATUSES: readonly AfterSaleStatus[] = [
  'requested',
  'awaiting_return',
  'returning',
  'refunding',
  'refund_failed',
  'refunded',
  'rejected',
  'cancelled',
];

/** Requests that hold their order in `refunding` (and their lines out of any other request). */
export const OPEN_STATUSES: readonly AfterSaleStatus[] = [
  'requested',
  'awaiting_return',
  'returning',
  'refunding',
  'refund_failed',
];

export const AFTER_SALE_TRANSITIONS: Readonly<Record<AfterSaleStatus, readonly AfterSaleStatus[]>> = {
  requested: ['awaiting_return', 'refunding', 'refunded', 'rejected', 'cancelled'],
  awaiting_return: ['returning', 'rejected', 'cancelled'],
  returning: ['refunding', 'refunded', 'rejected'],
  refunding: ['refunded', 'refund_failed'],
  refund_failed: ['refunding', 'refunded'],
  rejected: ['requested'],
  refunded: [],
  cancelled: [],
};

export function canMove(from: AfterSaleStatus, to: AfterSaleStatus): boolean {
  return AFTER_SALE_TRANSITIONS[from].includes(to);
}

export function isOpen(status: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

/**
 * Which kinds a shopper may ask for, by where the order is (for an order already `refunding`, where it came from):
 * only a refund before shipping; a refund or a return once shipped or received; nothing once settled (staff may
 * still pay a goodwill refund).
 */
export function kindAllowed(kind: AfterSaleKind, orderStatus: string): boolean {
  if (kind === 'refund_only') return ['paid', 'shipped', 'received'].includes(orderStatus);
  if (kind === 'return_refund') return ['shipped', 'received'].includes(orderStatus);
  return orderStatus === 'settled';
}
