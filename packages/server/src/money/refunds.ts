import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { nowIso } from '../platform/clock';
import { canTransition, transition, type OrderStatus } from '../commerce/order-machine';
import { orderItems } from '../commerce/orders';
import * as inventory from '../commerce/inventory';
import { ACCOUNTS, postTransfer } from './ledger';
import { returnCoupon } from '../commerce/checkout/coupons';
import { mulDiv } from '@mall/core';

/**
 * Refunds before settlement: the shopper asks (the order goes to refunding and remembers where it was), an operator
 * approves (money back through its channel, goods back on the shelf) or rejects (the order returns where it was).
 */
async function openRefund(trx: Tx, orderId: string, userId: string, reason: string): Promise<void> {
  const order = await trx
    .selectFrom('orders')
    .select(['status', 'user_id'])
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!order || order.user_id !== userId) fail('order_not_found');
  const from = order.status as OrderStatus;
  if (!canTransition(from, 'refunding')) fail('order_transition_not_allowed', `${from} -> refunding`);
  await transition(
    trx,
    orderId,
    'refunding',
    `user:${userId}`,
    { refund_status: 'requested', refund_reason: reason, refund_from: from },
    from,
    reason,
  );
}

/**
 * Approving a refund pays the money back through the channel it came from (the gateway or the wallet) with a
 * transfer whose id is derived from the order, so it happens once, and puts the goods back on the shelf.
 * Shipping: a refund asked for before shipment (from `paid`) returns everything, shipping included; once the parcel
 * has left, the shopper gets the goods paid back and the shipping moves from escrow to revenue (the carrier was
 * paid). The order's coupon goes back to the shopper while it is valid (a whole-order refund only).
 */
async function approveRefund(trx: Tx, orderId: string, actor: string, note: string | null): Promise<void> {
  const order = await trx.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!order) fail('order_not_found');
  if (order.status !== 'refunding') fail('refund_not_open');
  await transition(trx, orderId, 'refunded', actor, { refund_status: 'approved' }, 'refunding', note);
  const now = nowIso();
  const keepsShipping = order.refund_from !== 'paid' && order.shipping_fen > 0n;
  const refundFen = keepsShipping ? order.amount_fen - order.shipping_fen : order.amount_fen;
  // Simulated money splits in proportion (floored for the refund; the shipping keeps the rest).
  const refundSimulated = order.amount_fen === 0n ? 0n : mulDiv(order.simulated_fen, refundFen, order.amount_fen);
  if (order.amount_fen > 0n) {
    const payment =
      order.payment_id === null
        ? undefined
        : await trx.selectFrom('payments').selectAll().where('id', '=', order.payment_id).executeTakeFirst();
    if (!payment) throw new Error(`refunding order ${orderId} has no payment`);
    const to = payment.channel === 'wallet' ? `user:${order.user_id}:wallet` : ACCOUNTS.gateway(payment.channel);
    if (refundFen > 0n)
      await postTransfer(
        trx,
        {
          id: `refund:${orderId}`,
          from: ACCOUNTS.escrow,
          to,
          amountFen: refundFen,
          reason: 'refund',
          orderId,
          userId: order.user_id,
          // The refund returns money of the kind it came as: a sandbox-paid order's refund is simulated.
          simulated: refundSimulated,
        },
        now,
      );
    if (keepsShipping)
      await postTransfer(
        trx,
        {
          id: `shipping:${orderId}`,
          from: ACCOUNTS.escrow,
          to: ACCOUNTS.revenue,
          amountFen: order.shipping_fen,
          reason: 'shipping',
          orderId,
          userId: order.user_id,
          simulated: order.simulated_fen - refundSimulated,
        },
        now,
      );
    await trx.updateTable('payments').set({ status: 'refunded' }).where('id', '=', payment.id).execute();
  }
  for (const item of await orderItems(trx, orderId)) await inventory.restock(trx, item.sku_id, item.quantity);
  await returnCoupon(trx, orderId, now);
}

async function rejectRefund(trx: Tx, orderId: string, actor: string, note: string | null): Promise<void> {
  const order = await trx
    .selectFrom('orders')
    .select(['status', 'refund_from'])
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!order) fail('order_not_found');
  if (order.status !== 'refunding' || order.refund_from === null) fail('refund_not_open');
  await transition(
    trx,
    orderId,
    order.refund_from as OrderStatus,
    actor,
    { refund_status: 'rejected' },
    'refunding',
    note,
  );
}

export async function requestRefund(db: Db, orderId: string, userId: string, reason: string): Promise<void> {
  await inTx(db, (trx) => openRefund(trx, orderId, userId, reason));
}

export async function decideRefund(
  db: Db,
  orderId: string,
  decision: 'approve' | 'reject',
  actor: string,
  note: string | null,
): Promise<void> {
  await inTx(db, (trx) => (decision === 'approve' ? approveRefund : rejectRefund)(trx, orderId, actor, note));
}
