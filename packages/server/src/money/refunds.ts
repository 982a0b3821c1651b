import { userWallet } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { nowIso } from '../platform/clock';
import { canTransition, transition, type OrderStatus } from '../commerce/order-machine';
import { orderItems } from '../commerce/orders';
import * as inventory from '../commerce/inventory';
import { ACCOUNTS, postTransfer } from './ledger';

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
 */
async function approveRefund(trx: Tx, orderId: string, actor: string, note: string | null): Promise<void> {
  const order = await trx.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!order) fail('order_not_found');
  if (order.status !== 'refunding') fail('refund_not_open');
  await transition(trx, orderId, 'refunded', actor, { refund_status: 'approved' }, 'refunding', note);
  const payment =
    order.payment_id === null
      ? undefined
      : await trx.selectFrom('payments').selectAll().where('id', '=', order.payment_id).executeTakeFirst();
  if (!payment) throw new Error(`refunding order ${orderId} has no payment`);
  const to = payment.channel === 'wallet' ? userWallet(order.user_id) : ACCOUNTS.gateway(payment.channel);
  await postTransfer(
    trx,
    {
      id: `refund:${orderId}`,
      from: ACCOUNTS.escrow,
      to,
      amountFen: order.amount_fen,
      reason: 'refund',
      orderId,
      userId: order.user_id,
      // The refund returns money of the kind it came as: a sandbox-paid order's refund is simulated.
      simulated: order.simulated_fen,
    },
    nowIso(),
  );
  await trx.updateTable('payments').set({ status: 'refunded' }).where('id', '=', payment.id).execute();
  for (const item of await orderItems(trx, orderId)) await inventory.restock(trx, item.sku_id, item.quantity);
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
