import { userWallet } from '@mall/core';
import type { Db, Tx } from '../../platform/db/database';
import { inTx } from '../../platform/db/database';
import { Failure, fail } from '../../platform/errors';
import { countPayment } from '../../platform/metrics';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';
import { ACCOUNTS, postTransfer } from '../ledger';
import { commitOrderStock } from '../../commerce/checkout/place-order';
import { markOrderPaid, markPlainOrderPaid } from '../../commerce/order-machine';
import type { PaymentProvider } from './provider';
import { prepared } from '../../platform/db/prepared';
import { insertRefund } from '../refunds';
import { refundSucceeded } from '../after-sales/refund-outcome';
import type { JsapiPayParams } from './gateway';
import { gatewayOf, isGatewayChannel } from './gateways';
import { presaleAmountDue, presalePaymentLanded } from './presale-payments';
import {
  claimGroupSeat,
  completeFilledGroup,
  droppedFromFullGroup,
  type SeatOutcome,
} from '../group-buy/group-payments';
import { isTrue } from '../../platform/db/sql-truth';

const paymentByIdQuery = prepared((db, id: string) => db.selectFrom('payments').selectAll().where('id', '=', id));

/** The order to pay, and whether it is a presale (most are not: they skip the presale read). */
const orderByIdQuery = prepared((db, id: string) =>
  db
    .selectFrom('orders')
    .selectAll('orders')
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('presale_orders')
            .select('presale_orders.order_id')
            .whereRef('presale_orders.order_id', '=', 'orders.id'),
        )
        .as('presale'),
    )
    .where('orders.id', '=', id),
);

/**
 * What a landed payment does to its order, in one read: the order's status, whether the payment is a presale part,
 * whether the order is a group order. Ordinary orders (most) then skip the presale and group seat steps.
 */
const orderFactsQuery = prepared((db, id: string, paymentId: string) =>
  db
    .selectFrom('orders')
    .select((eb) => [
      'orders.status',
      eb
        .exists(
          eb
            .selectFrom('presale_payments')
            .select('presale_payments.payment_id')
            .where('presale_payments.payment_id', '=', paymentId),
        )
        .as('presale'),
      eb
        .exists(
          eb
            .selectFrom('group_buy_members')
            .select('group_buy_members.order_id')
            .whereRef('group_buy_members.order_id', '=', 'orders.id'),
        )
        .as('group_member'),
    ])
    .where('orders.id', '=', id),
);

const insertPaymentQuery = prepared(
  (
    trx,
    id: string,
    orderId: string,
    userId: string,
    channel: string,
    amountFen: bigint,
    status: string,
    at: string,
    paidAt: string | null,
  ) =>
    trx.insertInto('payments').values({
      id,
      order_id: orderId,
      user_id: userId,
      channel,
      amount_fen: amountFen,
      status,
      created_at: at,
      paid_at: paidAt,
      provider_txn: null,
    }),
);

// A payment the job closed (or that failed to start) can still be paid at the gateway in the last second: money
// that verifiably arrived is never ignored, so those states are claimable too.
// The claim is one statement: it matches only the payment's own channel and amount, and answers what the rest needs.
const claimPaymentQuery = prepared(
  (trx, id: string, channel: string, amountFen: bigint, at: string, providerTxn: string) =>
    trx
      .updateTable('payments')
      .set({ status: 'succeeded', paid_at: at, provider_txn: providerTxn })
      .where('id', '=', id)
      .where('channel', '=', channel)
      .where('amount_fen', '=', amountFen)
      .where('status', 'in', ['pending', 'closed', 'failed'])
      .returning(['order_id', 'user_id']),
);

export type Channel = 'sandbox' | 'wechat' | 'alipay' | 'wallet';

export interface PaymentView {
  id: string;
  orderId: string;
  channel: string;
  amountFen: bigint;
  status: string;
  /** Where the shopper goes to pay: the sandbox page, WeChat's H5 cashier, Alipay's cashier. */
  payUrl?: string;
  /** WeChat Native: the weixin:// link to show as a QR code. */
  codeUrl?: string;
  /** WeChat JSAPI: the signed parameters for WeixinJSBridge getBrandWCPayRequest. */
  jsapiParams?: JsapiPayParams;
}

/** The order to pay with `amount_fen` set to what is due now: all of it, or a presale's deposit or balance. */
export async function payableOrder(trx: Tx, orderId: string, userId: string, paymentId: string) {
  const order = (await orderByIdQuery(trx, orderId)).rows[0];
  if (!order || order.user_id !== userId) fail('order_not_found');
  if (order.status !== 'created') {
    if (order.status === 'cancelled' && (await droppedFromFullGroup(trx, orderId)))
      fail('group_full', 'the group filled before this payment');
    fail('order_transition_not_allowed', `${order.status} -> paid`);
  }
  if (order.expires_at <= nowIso()) fail('order_expired');
  const { presale, ...row } = order;
  const presaleDue = isTrue(presale) ? await presaleAmountDue(trx, orderId, paymentId) : undefined;
  return presaleDue === undefined ? row : { ...row, amount_fen: presaleDue };
}

/**
 * Marks the order paid (through the order machine) and turns its reservation into a sale. `simulatedFen` is how much
 * of it was paid with simulated money: everything the order later pays out (revenue, rebates, refunds) carries that
 * share.
 */
async function markPaid(
  trx: Tx,
  orderId: string,
  paymentId: string,
  actor: string,
  at: string,
  simulatedFen: bigint,
): Promise<void> {
  await markOrderPaid(trx, orderId, paymentId, actor, at, simulatedFen);
  await commitOrderStock(trx, orderId);
}

export async function insertPendingPayment(
  trx: Tx,
  id: string,
  orderId: string,
  userId: string,
  channel: string,
  amountFen: bigint,
): Promise<void> {
  await insertPaymentQuery(trx, id, orderId, userId, channel, amountFen, 'pending', nowIso(), null);
}

export async function createPayment(
  trx: Tx,
  providers: ReadonlyMap<string, PaymentProvider>,
  orderId: string,
  userId: string,
  channel: Channel,
): Promise<PaymentView> {
  const id = newId('pay');
  const order = await payableOrder(trx, orderId, userId, id);
  const now = nowIso();
  if (channel === 'wallet') {
    // A group order takes its seat before any money moves: no seat, no payment (and nothing changes).
    const seat = await claimGroupSeat(trx, orderId, now);
    if (seat.kind === 'refused') fail('group_full', seat.reason);
    await insertPaymentQuery(trx, id, orderId, userId, channel, order.amount_fen, 'succeeded', now, now);
    let simulated = 0n;
    if (order.amount_fen > 0n) {
      // The conditional wallet debit inside postTransfer refuses (and rolls all of this back) if the balance is short.
      // Shopping spends the wallet's simulated money first, so real money stays withdrawable.
      simulated =
        (await postTransfer(
          trx,
          {
            id: `payment:${id}`,
            from: userWallet(userId),
            to: ACCOUNTS.escrow,
            amountFen: order.amount_fen,
            reason: 'payment',
            orderId,
            userId,
            simulated: 'simulated_first',
          },
          now,
        )) ?? 0n;
    }
    const actor = `user:${userId}`;
    const presale = await presalePaymentLanded(trx, id, orderId, actor, now, simulated);
    if (presale === 'late') throw new Error(`presale payment ${id} is not due right after it was found due`);
    if (presale === 'not_presale') {
      await markPaid(trx, orderId, id, actor, now, simulated);
      if (seat.kind === 'seated' && seat.fills) await completeFilledGroup(trx, seat.groupId);
    }
    return { id, orderId, channel, amountFen: order.amount_fen, status: 'succeeded' };
  }
  const provider = providers.get(channel);
  if (provider === undefined) fail('channel_unavailable', channel);
  await insertPaymentQuery(trx, id, orderId, userId, channel, order.amount_fen, 'pending', now, null);
  const payUrl = provider.payUrl({ paymentId: id, orderId, amountFen: order.amount_fen });
  return {
    id,
    orderId,
    channel,
    amountFen: order.amount_fen,
    status: 'pending',
    ...(payUrl === undefined ? {} : { payUrl }),
  };
}

export async function getPayment(db: Db | Tx, id: string) {
  const row = (await paymentByIdQuery(db, id)).rows[0];
  if (!row) fail('payment_not_found');
  return row;
}

/**
 * Applies a verified success notification exactly once: the pending -> succeeded UPDATE is conditional and the
 * ledger transfer id is unique per payment, so ten identical (or concurrent) notifications pay once. Money that
 * arrives for an order that can no longer be paid (cancelled by the timeout, or paid another way) goes straight
 * back to the gateway.
 */
export async function applyPaymentSuccess(
  trx: Tx,
  channel: string,
  paymentId: string,
  amountFen: bigint,
  providerTxn: string,
): Promise<'applied' | 'duplicate' | 'refunded_late'> {
  const now = nowIso();
  const payment = (await claimPaymentQuery(trx, paymentId, channel, amountFen, now, providerTxn)).rows[0];
  if (payment === undefined) {
    // Not claimed: say why, as before the claim was folded (unknown or other channel, wrong amount, else a repeat).
    const known = (await paymentByIdQuery(trx, paymentId)).rows[0];
    if (!known || known.channel !== channel) fail('payment_not_found');
    if (known.amount_fen !== amountFen) fail('amount_mismatch');
    return 'duplicate';
  }
  // Money from the sandbox gateway is simulated, every fen of it, wherever it goes next.
  const simulated = channel === 'sandbox' ? amountFen : 0n;
  if (amountFen > 0n) {
    await postTransfer(
      trx,
      {
        id: `payment:${paymentId}`,
        from: ACCOUNTS.gateway(gatewayOf(channel)),
        to: ACCOUNTS.escrow,
        amountFen,
        reason: 'payment',
        orderId: payment.order_id,
        userId: payment.user_id,
        simulated,
      },
      now,
    );
  }
  const actor = `gateway:${channel}`;
  // Most payments are for ordinary orders: paid in one conditional UPDATE; the others take the steps below.
  if (await markPlainOrderPaid(trx, payment.order_id, paymentId, actor, now, simulated)) {
    await commitOrderStock(trx, payment.order_id);
    return 'applied';
  }
  const order = (await orderFactsQuery(trx, payment.order_id, paymentId)).rows[0];
  if (order === undefined) throw new Error(`payment ${paymentId} has no order ${payment.order_id}`);
  const presale =
    order.status !== 'created'
      ? 'late'
      : isTrue(order.presale)
        ? await presalePaymentLanded(trx, paymentId, payment.order_id, actor, now, simulated)
        : 'not_presale';
  if (presale === 'applied') return 'applied';
  if (presale === 'not_presale') {
    // A group order's payment counts only with a seat; one that finds its group full or closed is refunded below.
    const seat: SeatOutcome = isTrue(order.group_member)
      ? await claimGroupSeat(trx, payment.order_id, now)
      : { kind: 'none' };
    if (seat.kind !== 'refused') {
      await markPaid(trx, payment.order_id, paymentId, actor, now, simulated);
      if (seat.kind === 'seated' && seat.fills) await completeFilledGroup(trx, seat.groupId);
      return 'applied';
    }
  }
  if (amountFen > 0n) {
    // The money goes back where it came from: at once for the sandbox, through the gateway's refund API for a real
    // one (the caller sends it after commit; the job retries it).
    const refund = await insertRefund(trx, {
      orderId: payment.order_id,
      paymentId,
      afterSaleId: null,
      channel,
      amountFen,
      source: 'late_payment',
      destination: 'original',
    });
    if (!isGatewayChannel(channel)) await refundSucceeded(trx, refund.id, null, actor);
  } else {
    await trx.updateTable('payments').set({ status: 'refunded' }).where('id', '=', paymentId).execute();
  }
  return 'refunded_late';
}

/** The shopper pays an order: a gateway page for the sandbox, at once from the wallet. */
export async function payOrder(
  db: Db,
  providers: ReadonlyMap<string, PaymentProvider>,
  orderId: string,
  userId: string,
  channel: Channel,
): Promise<PaymentView> {
  const view = await inTx(db, (trx) => createPayment(trx, providers, orderId, userId, channel));
  if (view.status === 'succeeded') countPayment(channel, 'applied');
  return view;
}

/**
 * A gateway's notification: the signature is verified over the raw bytes by the channel's provider, then the payment
 * is applied exactly once. An unverifiable notification changes nothing.
 */
export async function receivePaymentNotification(
  db: Db,
  providers: ReadonlyMap<string, PaymentProvider>,
  channel: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
): Promise<{ paymentId: string; outcome: Awaited<ReturnType<typeof applyPaymentSuccess>> }> {
  const provider = providers.get(channel);
  if (provider === undefined) fail('channel_unavailable');
  const verified = provider.verify(headers, rawBody);
  if (verified === undefined) {
    countPayment(channel, 'invalid_signature');
    fail('invalid_signature');
  }
  try {
    const outcome = await inTx(db, (trx) =>
      applyPaymentSuccess(trx, channel, verified.paymentId, verified.amountFen, verified.providerTxn),
    );
    // Counted after the commit: a rolled-back notification is counted by its refusal code, not as applied.
    countPayment(channel, outcome);
    return { paymentId: verified.paymentId, outcome };
  } catch (error) {
    countPayment(channel, error instanceof Failure ? error.code : 'error');
    throw error;
  }
}
