import type { Db } from '../../platform/db/database';
import { inTx } from '../../platform/db/database';
import { applyPaymentSuccess } from './payments';
import { checkAgainstPayment, type GatewayName, type NotificationEvent, type PaymentChannel } from './gateway';
import { isGatewayChannel, type GatewayRegistry } from './gateways';
import { submitRefund } from './gateway-refunds';
import { sendRefundsOfPaymentGroup } from '../group-buy/group-jobs';

export type PaymentOutcome = 'applied' | 'duplicate' | 'refunded_late' | 'payment_not_found' | 'amount_mismatch';

type PaymentSucceeded = Extract<NotificationEvent, { kind: 'payment_succeeded' }>;

/**
 * The one path by which WeChat Pay or Alipay money enters the ledger, for a verified notification and for the query
 * job alike: the payment must be ours, of this gateway, with exactly our amount (checkAgainstPayment); then the
 * apply-once claim (a conditional UPDATE plus the unique `payment:{id}` transfer) pays the order, or, when the order
 * can no longer be paid, sends the money straight back through the gateway.
 */
export async function applyGatewayPayment(
  db: Db,
  gateways: GatewayRegistry,
  gateway: GatewayName,
  event: PaymentSucceeded,
): Promise<PaymentOutcome> {
  const outcome = await inTx(db, async (trx): Promise<PaymentOutcome> => {
    const payment = await trx
      .selectFrom('payments')
      .select(['id', 'channel', 'amount_fen'])
      .where('id', '=', event.outTradeNo)
      .executeTakeFirst();
    const expected =
      payment === undefined || !isGatewayChannel(payment.channel)
        ? undefined
        : { outTradeNo: payment.id, amountFen: payment.amount_fen, channel: payment.channel as PaymentChannel };
    const check = checkAgainstPayment(gateway, event, expected);
    if (check !== 'ok' || payment === undefined) return check === 'ok' ? 'payment_not_found' : check;
    return applyPaymentSuccess(trx, payment.channel, payment.id, event.amountFen, event.gatewayTxnId);
  });
  if (outcome === 'refunded_late') {
    const refunds = await db
      .selectFrom('refunds')
      .select('id')
      .where('payment_id', '=', event.outTradeNo)
      .where('source', '=', 'late_payment')
      .where('status', '=', 'processing')
      .execute();
    for (const r of refunds) await submitRefund(db, gateways, r.id);
  }
  if (outcome === 'applied') await sendRefundsOfPaymentGroup(db, gateways, event.outTradeNo);
  return outcome;
}

/** The gateway closed an unpaid payment: so do we (a later verified payment is still claimable, see payments.ts). */
export async function closePendingPayment(db: Db, paymentId: string): Promise<boolean> {
  const result = await db
    .updateTable('payments')
    .set({ status: 'closed' })
    .where('id', '=', paymentId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Something finance must look at (an amount that is not ours): kept on the payment, shown on the finance pages. */
export async function flagPayment(db: Db, paymentId: string, problem: string): Promise<void> {
  await db
    .updateTable('payments')
    .set({ problem: problem.slice(0, 500) })
    .where('id', '=', paymentId)
    .execute();
}
