import type { Selectable } from 'kysely';
import type { Tx } from '../../platform/db/database';
import type { PaymentsTable } from '../../platform/db/schema';
import { fail } from '../../platform/errors';
import { presaleOrderOf } from '../../commerce/checkout/presale-orders';
import type { OrderRow } from './records';

/**
 * An order paid by several payments (a presale: deposit, then balance) is refunded across them. Order: the latest
 * payment first (the balance, then the deposit), each up to what it has left (its amount, less what was refunded
 * and what refunds still in flight against it will take), each through the channel that payment used. The latest
 * first keeps a partial refund smaller than the balance exactly what it was before (one refund of the balance), and
 * only a refund larger than the balance reaches back to the deposit. An order paid once is one refund of that
 * payment, as it always was (its cap is checked when the refund is claimed).
 */
export type PaymentRow = Selectable<PaymentsTable>;

export interface RefundPiece {
  payment: PaymentRow;
  amountFen: bigint;
}

/** The payment ids that paid the order, latest first: balance then deposit for a presale, else the order's one. */
async function payingIds(trx: Tx, order: OrderRow): Promise<string[]> {
  const presale = await presaleOrderOf(trx, order.id);
  if (presale !== undefined && presale.deposit_payment_id !== null && presale.balance_payment_id !== null) {
    return [presale.balance_payment_id, presale.deposit_payment_id];
  }
  return order.payment_id === null ? [] : [order.payment_id];
}

export async function payingPayments(trx: Tx, order: OrderRow): Promise<PaymentRow[]> {
  const ids = await payingIds(trx, order);
  if (ids.length === 0) throw new Error(`order ${order.id} has no payment to refund`);
  const rows = await trx.selectFrom('payments').selectAll().where('id', 'in', ids).execute();
  return ids.map((id) => {
    const row = rows.find((r) => r.id === id);
    if (row === undefined) throw new Error(`order ${order.id} has no payment ${id}`);
    return row;
  });
}

/** What a payment can still give back: its amount less what was refunded and what processing refunds will take. */
async function roomOf(trx: Tx, payment: PaymentRow): Promise<bigint> {
  const inFlight = await trx
    .selectFrom('refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<bigint>('amount_fen'), eb.val(0n)).as('fen'))
    .where('payment_id', '=', payment.id)
    .where('status', '=', 'processing')
    .executeTakeFirstOrThrow();
  const room = payment.amount_fen - payment.refunded_fen - BigInt(inFlight.fen);
  return room > 0n ? room : 0n;
}

/** Splits `amountFen` over the order's payments, latest first; more than all of them have left is refused. */
export async function splitRefund(trx: Tx, order: OrderRow, amountFen: bigint): Promise<RefundPiece[]> {
  if (amountFen <= 0n) fail('refund_exceeds_paid', 'nothing is left to refund');
  const payments = await payingPayments(trx, order);
  if (payments.length === 1) return [{ payment: payments[0]!, amountFen }];
  const pieces: RefundPiece[] = [];
  let left = amountFen;
  for (const payment of payments) {
    if (left === 0n) break;
    const room = await roomOf(trx, payment);
    const take = room < left ? room : left;
    if (take > 0n) pieces.push({ payment, amountFen: take });
    left -= take;
  }
  if (left > 0n) fail('refund_exceeds_paid', `${left} fen more than the order's payments have left`);
  return pieces;
}

/**
 * The simulated money one payment of a multi-payment order brought: a presale deposit's is recorded when it landed,
 * the balance's is the rest of the order's. Undefined for an order paid once (its refunds carry the order's share).
 */
export async function paymentSimulatedFen(trx: Tx, order: OrderRow, paymentId: string): Promise<bigint | undefined> {
  const presale = await presaleOrderOf(trx, order.id);
  if (presale === undefined || presale.balance_payment_id === null) return undefined;
  if (paymentId === presale.deposit_payment_id) return presale.deposit_simulated_fen;
  if (paymentId === presale.balance_payment_id) return order.simulated_fen - presale.deposit_simulated_fen;
  return undefined;
}

/**
 * What the request's earlier refunds gave back or are still giving back (a piece still at its gateway when another
 * failed): a retry refunds only the rest, so no part is refunded twice.
 */
export async function coveredForRequest(trx: Tx, afterSaleId: string): Promise<bigint> {
  const row = await trx
    .selectFrom('refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<bigint>('amount_fen'), eb.val(0n)).as('fen'))
    .where('after_sale_id', '=', afterSaleId)
    .where('status', 'in', ['succeeded', 'processing'])
    .executeTakeFirstOrThrow();
  return BigInt(row.fen);
}

/** Refunds of the request still waiting for their gateway: the request is refunded once none is left. */
export async function pendingForRequest(trx: Tx, afterSaleId: string): Promise<number> {
  const rows = await trx
    .selectFrom('refunds')
    .select('id')
    .where('after_sale_id', '=', afterSaleId)
    .where('status', '=', 'processing')
    .execute();
  return rows.length;
}
