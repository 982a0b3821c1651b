/**
 * The order state machine of SPEC 2 as a transition table. A refund that is rejected returns the order to the
 * state it was requested from. Nothing else may move an order.
 */
export type OrderStatus =
  'created' | 'paid' | 'shipped' | 'received' | 'settled' | 'cancelled' | 'refunding' | 'refunded';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'created',
  'paid',
  'shipped',
  'received',
  'settled',
  'cancelled',
  'refunding',
  'refunded',
];

export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  created: ['paid', 'cancelled'],
  paid: ['shipped', 'refunding'],
  shipped: ['received', 'refunding'],
  received: ['settled', 'refunding'],
  refunding: ['refunded', 'paid', 'shipped', 'received'],
  settled: [],
  cancelled: [],
  refunded: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
