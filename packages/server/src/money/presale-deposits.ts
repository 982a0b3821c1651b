import { depositFate } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { fail, Failure } from '../platform/errors';
import { nowIso } from '../platform/clock';
import { cancelOrder } from '../commerce/orders';
import { presaleOrderOf } from '../commerce/checkout/presale-orders';
import { termsOf } from '../commerce/checkout/presales';
import { ACCOUNTS, postTransfer } from './ledger';
import { insertRefund } from './refunds';
import { refundSucceeded } from './after-sales/refund-outcome';
import { lockOrder } from './after-sales/records';
import { isGatewayChannel } from './payments/gateways';

/**
 * What happens to a paid deposit whose balance is not paid, as core's `depositFate` and the product page say:
 * before the balance window opens the shopper may cancel and the deposit goes back where it came from (a refund
 * from escrow, like any refund); once the balance window has ended unpaid the deposit is forfeited: it moves from
 * escrow to the platform's revenue, the order is cancelled and its goods go back on the shelf. Each is claimed by a
 * conditional UPDATE of the presale row, so a balance landing at the same moment and the forfeit cannot both win.
 */
async function lockedPresale(trx: Tx, orderId: string, userId: string | null) {
  const order = await lockOrder(trx, orderId);
  const row = await presaleOrderOf(trx, orderId);
  if (!order || row === undefined || (userId !== null && order.user_id !== userId)) fail('order_not_found');
  return row;
}

async function closeDeposit(trx: Tx, orderId: string, status: 'deposit_refunded' | 'forfeited'): Promise<boolean> {
  const moved = await trx
    .updateTable('presale_orders')
    .set({ status, closed_at: nowIso() })
    .where('order_id', '=', orderId)
    .where('status', '=', 'deposit_paid')
    .executeTakeFirst();
  return moved.numUpdatedRows === 1n;
}

/**
 * The shopper cancels a presale order. Unpaid: an ordinary cancellation. Deposit paid, balance window not open yet:
 * the deposit is refunded through the channel it came by, and the order is cancelled. Later: refused.
 * Returns the refund a real gateway still has to be asked for (the caller sends it after the commit).
 */
export async function cancelPresaleOrder(
  db: Db,
  orderId: string,
  userId: string,
): Promise<{ refundId: string | null }> {
  return inTx(db, async (trx) => {
    const row = await lockedPresale(trx, orderId, userId);
    const actor = `user:${userId}`;
    if (row.status === 'awaiting_deposit') {
      await cancelOrder(trx, orderId, actor, null);
      return { refundId: null };
    }
    if (row.status !== 'deposit_paid') fail('order_transition_not_allowed', `presale ${row.status}`);
    const presale = await trx
      .selectFrom('presales')
      .selectAll()
      .where('id', '=', row.presale_id)
      .executeTakeFirstOrThrow();
    if (depositFate(termsOf(presale), Date.parse(nowIso())) !== 'refundable') fail('presale_deposit_not_refundable');
    if (!(await closeDeposit(trx, orderId, 'deposit_refunded'))) fail('order_transition_not_allowed');
    const payment = await trx
      .selectFrom('payments')
      .select(['id', 'channel'])
      .where('id', '=', row.deposit_payment_id!)
      .executeTakeFirstOrThrow();
    const refund = await insertRefund(trx, {
      orderId,
      paymentId: payment.id,
      afterSaleId: null,
      channel: payment.channel,
      amountFen: row.deposit_fen,
      source: 'presale_deposit',
      destination: 'original',
    });
    await cancelOrder(trx, orderId, actor, 'presale deposit refunded');
    if (isGatewayChannel(payment.channel)) return { refundId: refund.id };
    await refundSucceeded(trx, refund.id, null, actor);
    return { refundId: null };
  });
}

/** Forfeits one unpaid balance after its window: escrow -> revenue, the order cancelled, its stock released. */
async function forfeit(trx: Tx, orderId: string, actor: string): Promise<boolean> {
  const row = await lockedPresale(trx, orderId, null);
  if (row.status !== 'deposit_paid' || row.balance_ends_at > nowIso()) return false;
  if (!(await closeDeposit(trx, orderId, 'forfeited'))) return false;
  const at = nowIso();
  await postTransfer(
    trx,
    {
      id: `presale-forfeit:${orderId}`,
      from: ACCOUNTS.escrow,
      to: ACCOUNTS.revenue,
      amountFen: row.deposit_fen,
      reason: 'presale_forfeit',
      orderId,
      userId: row.user_id,
      simulated: row.deposit_simulated_fen,
    },
    at,
  );
  await cancelOrder(trx, orderId, actor, 'presale balance unpaid: deposit forfeited');
  return true;
}

/** The sweep (leader-only timer, or staff's action): every deposit whose balance window ended unpaid is forfeited. */
export async function forfeitUnpaidBalances(db: Db, actor = 'system', limit = 500): Promise<number> {
  const due = await db
    .selectFrom('presale_orders')
    .select('order_id')
    .where('status', '=', 'deposit_paid')
    .where('balance_ends_at', '<=', nowIso())
    .orderBy('balance_ends_at')
    .limit(limit)
    .execute();
  let forfeited = 0;
  for (const { order_id } of due) {
    try {
      if (await inTx(db, (trx) => forfeit(trx, order_id, actor))) forfeited += 1;
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
    }
  }
  return forfeited;
}
