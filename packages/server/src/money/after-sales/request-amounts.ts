import { refundableFen } from '@mall/core';
import type { Tx } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { linesInOpenRequests, type AfterSaleLine, type OrderRow } from './records';

/** Units of one line of the order (its index in the order's items) a shopper asks to refund. */
export interface LineRequest {
  line: number;
  quantity: number;
}

/** Where an order stands for after-sales: a `refunding` order stands where its requests took it from. */
export function baseStatus(order: OrderRow): string {
  return order.status === 'refunding' ? (order.refund_from ?? 'paid') : order.status;
}

/**
 * The lines a request covers, each priced with core's refundableFen (floor per unit, the remainder on the last unit
 * of the line), refusing lines another open request covers and more units than are left. No lines: every unit left
 * on every line no other request covers (the whole-order refund).
 */
export async function priceLines(
  trx: Tx,
  order: OrderRow,
  wanted: readonly LineRequest[] | undefined,
  except?: string,
): Promise<AfterSaleLine[]> {
  const items = await trx
    .selectFrom('order_items')
    .select(['line', 'quantity', 'paid_fen', 'refunded_quantity'])
    .where('order_id', '=', order.id)
    .orderBy('line')
    .execute();
  const busy = await linesInOpenRequests(trx, order.id, except);
  const requests =
    wanted?.map((w) => ({ line: BigInt(w.line), quantity: BigInt(w.quantity) })) ??
    items
      .filter((i) => !busy.has(i.line) && i.refunded_quantity < i.quantity)
      .map((i) => ({ line: i.line, quantity: i.quantity - i.refunded_quantity }));
  if (requests.length === 0) fail('refund_quantity_exceeds_remaining', 'nothing is left to refund');
  const seen = new Set<bigint>();
  return requests.map((r) => {
    if (seen.has(r.line)) fail('invalid_request', `line ${r.line} appears twice`);
    seen.add(r.line);
    const item = items.find((i) => i.line === r.line);
    if (item === undefined) fail('order_line_not_found', `line ${r.line}`);
    if (busy.has(r.line)) fail('line_has_open_request', `line ${r.line}`);
    const quote = refundableFen(
      { quantity: item.quantity, paidFen: item.paid_fen },
      r.quantity,
      item.refunded_quantity,
    );
    if (!quote.ok) fail(quote.code, `line ${r.line}`);
    return { line: r.line, quantity: r.quantity, amountFen: quote.refundFen };
  });
}

export const sum = (lines: readonly AfterSaleLine[]) => lines.reduce((s, l) => s + l.amountFen, 0n);

/**
 * What a request refunds: its lines, plus the shipping when it is the whole-order refund of an order that never
 * shipped (it takes every unit left and no other request is open). Once the parcel has left, the shipping stays with
 * the mall: `releaseOrder` moves it to revenue when the order ends refunded.
 */
export async function requestAmount(
  trx: Tx,
  order: OrderRow,
  lines: readonly AfterSaleLine[],
  except?: string,
): Promise<bigint> {
  if (order.shipping_fen === 0n || baseStatus(order) !== 'paid') return sum(lines);
  if ((await linesInOpenRequests(trx, order.id, except)).size > 0) return sum(lines);
  const items = await trx
    .selectFrom('order_items')
    .select(['line', 'quantity', 'refunded_quantity'])
    .where('order_id', '=', order.id)
    .execute();
  const asked = new Map(lines.map((l) => [l.line, l.quantity]));
  const whole = items.every((i) => i.refunded_quantity + (asked.get(i.line) ?? 0n) === i.quantity);
  return sum(lines) + (whole ? order.shipping_fen : 0n);
}
