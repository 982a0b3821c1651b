import type { Tx } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { nowIso } from '../../platform/clock';
import { markOrderPaid } from '../../commerce/order-machine';
import { commitOrderStock } from '../../commerce/checkout/place-order';
import { presaleOrderOf } from '../../commerce/checkout/presale-orders';

/**
 * How the one payment path pays a presale order in two parts. When a payment is created, the part due now is decided
 * here (the deposit while it is unpaid, the balance inside the balance window) and recorded against the payment;
 * when its money lands, the part it was created for is applied with a conditional UPDATE on the presale row, so a
 * second deposit, or a balance after the deposit was forfeited, is late money and goes back.
 */
export async function presaleAmountDue(trx: Tx, orderId: string, paymentId: string): Promise<bigint | undefined> {
  const row = await presaleOrderOf(trx, orderId);
  if (row === undefined) return undefined;
  const now = nowIso();
  let part: 'deposit' | 'balance';
  let amountFen: bigint;
  if (row.status === 'awaiting_deposit') {
    part = 'deposit';
    amountFen = row.deposit_fen;
  } else if (row.status === 'deposit_paid') {
    if (now < row.balance_starts_at || now >= row.balance_ends_at) fail('presale_balance_not_open');
    part = 'balance';
    amountFen = row.balance_fen;
  } else fail('order_transition_not_allowed', `presale ${row.status}`);
  await trx.insertInto('presale_payments').values({ payment_id: paymentId, order_id: orderId, part }).execute();
  return amountFen;
}

/**
 * Applies a succeeded payment to its presale order: `not_presale` for an ordinary payment (the caller marks the order
 * paid), `applied`, or `late` when the part it paid is no longer due (the caller refunds it). The deposit leaves the
 * order `created` with its deadline moved to the balance window's end; the balance marks it paid with the simulated
 * money of both parts, and turns its reservation into a sale.
 */
export async function presalePaymentLanded(
  trx: Tx,
  paymentId: string,
  orderId: string,
  actor: string,
  at: string,
  simulatedFen: bigint,
): Promise<'not_presale' | 'applied' | 'late'> {
  const tag = await trx
    .selectFrom('presale_payments')
    .select('part')
    .where('payment_id', '=', paymentId)
    .executeTakeFirst();
  if (tag === undefined) return 'not_presale';
  if (tag.part === 'deposit') {
    const moved = await trx
      .updateTable('presale_orders')
      .set({
        status: 'deposit_paid',
        deposit_payment_id: paymentId,
        deposit_paid_at: at,
        deposit_simulated_fen: simulatedFen,
      })
      .where('order_id', '=', orderId)
      .where('status', '=', 'awaiting_deposit')
      .executeTakeFirst();
    if (moved.numUpdatedRows !== 1n) return 'late';
    const row = await presaleOrderOf(trx, orderId);
    await trx
      .updateTable('orders')
      .set({ expires_at: row!.balance_ends_at })
      .where('id', '=', orderId)
      .where('status', '=', 'created')
      .execute();
    return 'applied';
  }
  const moved = await trx
    .updateTable('presale_orders')
    .set({ status: 'balance_paid', balance_payment_id: paymentId, balance_paid_at: at })
    .where('order_id', '=', orderId)
    .where('status', '=', 'deposit_paid')
    .executeTakeFirst();
  if (moved.numUpdatedRows !== 1n) return 'late';
  const row = await presaleOrderOf(trx, orderId);
  await markOrderPaid(trx, orderId, paymentId, actor, at, row!.deposit_simulated_fen + simulatedFen);
  await commitOrderStock(trx, orderId);
  return 'applied';
}
