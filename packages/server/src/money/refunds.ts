import type { Selectable } from 'kysely';
import type { AccountAddress } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import type { RefundsTable } from '../platform/db/schema';
import { newId } from '../platform/ids';
import { nowIso } from '../platform/clock';
import { fail } from '../platform/errors';
import { ACCOUNTS, postTransfer } from './ledger';
import { walletAddress } from './wallet';
import { gatewayOf, isGatewayChannel } from './payments/gateways';

/**
 * Refunds as money movements: one row per refund (its id is the gateway's out_refund_no, so asking twice is one
 * refund there), and one ledger transfer when the money has really gone back. Where the money comes from says why:
 * `escrow` before settlement (the order's own money), `goodwill` after settlement (a platform expense, no clawback
 * from anyone), `late_payment` for money that arrived for an order that could no longer be paid.
 */
export type RefundRow = Selectable<RefundsTable>;
/** `presale_deposit`: a presale deposit given back when the shopper cancels before the balance window opens. */
export type RefundSource = 'escrow' | 'goodwill' | 'late_payment' | 'presale_deposit';
export type RefundDestination = 'original' | 'wallet';

/**
 * The simulated part of the first `refundedFen` refunded of an order that was paid `amountFen`, `simulatedFen` of it
 * simulated: ceil(simulated x refunded / amount). Cumulative, so refunds in any steps carry exactly the order's
 * simulated money once everything is refunded, each step carries at most its own amount, and what settlement
 * recognises (the rest) is never counted more simulated than it is.
 */
export function simulatedRefunded(amountFen: bigint, simulatedFen: bigint, refundedFen: bigint): bigint {
  if (amountFen <= 0n || simulatedFen <= 0n || refundedFen <= 0n) return 0n;
  if (refundedFen >= amountFen) return simulatedFen;
  return (simulatedFen * refundedFen + amountFen - 1n) / amountFen;
}

/**
 * The simulated money the orders' escrow refunds carried back, per order: what settlement or closing leaves out of
 * the simulated part of what stays in escrow. For an order paid once it equals `simulatedRefunded` of its refunded
 * total (the steps telescope); for an order paid several times (a presale) each refund carried its own payment's
 * share, so only the sum is exact.
 */
export async function escrowSimulatedRefunded(db: Db | Tx, orderIds: readonly string[]): Promise<Map<string, bigint>> {
  const sums = new Map<string, bigint>();
  for (let i = 0; i < orderIds.length; i += 500) {
    const rows = await db
      .selectFrom('refunds')
      .select((eb) => ['order_id', eb.fn.sum<bigint>('simulated_fen').as('fen')])
      .where('order_id', 'in', orderIds.slice(i, i + 500))
      .where('source', '=', 'escrow')
      .where('status', '=', 'succeeded')
      .groupBy('order_id')
      .execute();
    for (const r of rows) sums.set(r.order_id, BigInt(r.fen));
  }
  return sums;
}

/** The simulated share of one stand-alone amount out of an order (goodwill): rounded up, never above the amount. */
export function simulatedShare(amountFen: bigint, orderFen: bigint, orderSimulatedFen: bigint): bigint {
  const part = simulatedRefunded(orderFen, orderSimulatedFen, amountFen);
  return part < amountFen ? part : amountFen;
}

/**
 * Where a refund's money goes: the wallet when asked (or when the order was paid from it), the sandbox gateway's
 * account (ledger only), or a real gateway, which must confirm before the ledger moves.
 */
export function refundTarget(
  paymentChannel: string,
  destination: RefundDestination,
  userId: string,
): { account: AccountAddress; gateway: 'wechat' | 'alipay' | undefined } {
  if (destination === 'wallet' || paymentChannel === 'wallet')
    return { account: walletAddress(userId), gateway: undefined };
  if (!isGatewayChannel(paymentChannel)) return { account: ACCOUNTS.gateway(paymentChannel), gateway: undefined };
  const gateway = gatewayOf(paymentChannel) as 'wechat' | 'alipay';
  return { account: ACCOUNTS.gateway(gateway), gateway };
}

function sourceAccount(source: RefundSource): AccountAddress {
  return source === 'goodwill' ? ACCOUNTS.goodwillExpense : ACCOUNTS.escrow;
}

export async function insertRefund(
  trx: Tx,
  input: {
    orderId: string;
    paymentId: string;
    afterSaleId: string | null;
    channel: string;
    amountFen: bigint;
    source: RefundSource;
    destination: RefundDestination;
  },
): Promise<RefundRow> {
  if (input.amountFen <= 0n) throw new Error('a refund moves a positive amount');
  const now = nowIso();
  const row: RefundRow = {
    id: newId('rfd'),
    order_id: input.orderId,
    payment_id: input.paymentId,
    after_sale_id: input.afterSaleId,
    channel: input.channel,
    amount_fen: input.amountFen,
    simulated_fen: 0n,
    source: input.source,
    destination: input.destination,
    status: 'processing',
    gateway_refund_id: null,
    failure_reason: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
  await trx.insertInto('refunds').values(row).execute();
  return row;
}

export async function getRefund(db: Db | Tx, id: string): Promise<RefundRow | undefined> {
  return db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Marks a processing refund succeeded and posts its one ledger transfer (`refund:{refundId}`): from escrow or the
 * goodwill expense account to the gateway's account or the wallet, carrying `simulatedFen`. The conditional UPDATE is
 * the claim: a second confirmation (notification and query job at once) finds nothing to claim and returns false.
 */
export async function claimRefundSucceeded(
  trx: Tx,
  refund: RefundRow,
  userId: string,
  simulatedFen: bigint,
  gatewayRefundId: string | null,
): Promise<boolean> {
  const now = nowIso();
  const claimed = await trx
    .updateTable('refunds')
    .set({
      status: 'succeeded',
      simulated_fen: simulatedFen,
      gateway_refund_id: gatewayRefundId ?? refund.gateway_refund_id,
      failure_reason: null,
      updated_at: now,
      completed_at: now,
    })
    .where('id', '=', refund.id)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  if (claimed.numUpdatedRows !== 1n) return false;
  const target = refundTarget(refund.channel, refund.destination as RefundDestination, userId);
  await postTransfer(
    trx,
    {
      id: `refund:${refund.id}`,
      from: sourceAccount(refund.source as RefundSource),
      to: target.account,
      amountFen: refund.amount_fen,
      reason:
        refund.source === 'goodwill'
          ? 'goodwill_refund'
          : refund.source === 'late_payment'
            ? 'late_payment_refund'
            : refund.source === 'presale_deposit'
              ? 'presale_deposit_refund'
              : 'refund',
      orderId: refund.order_id,
      userId,
      simulated: simulatedFen,
    },
    now,
  );
  const payment = await trx
    .selectFrom('payments')
    .select(['amount_fen', 'refunded_fen'])
    .where('id', '=', refund.payment_id)
    .executeTakeFirst();
  if (payment === undefined) throw new Error(`refund ${refund.id} has no payment ${refund.payment_id}`);
  const refunded = payment.refunded_fen + refund.amount_fen;
  if (refunded > payment.amount_fen) fail('refund_exceeds_paid');
  await trx
    .updateTable('payments')
    .set({ refunded_fen: refunded, ...(refunded === payment.amount_fen ? { status: 'refunded' } : {}) })
    .where('id', '=', refund.payment_id)
    .execute();
  return true;
}

/** A refund the gateway refused for good (or closed): nothing moved; the request can be retried or paid elsewhere. */
export async function claimRefundFailed(trx: Tx, refundId: string, reason: string): Promise<boolean> {
  const result = await trx
    .updateTable('refunds')
    .set({ status: 'failed', failure_reason: reason.slice(0, 500), updated_at: nowIso() })
    .where('id', '=', refundId)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** A note on a refund still processing (WeChat's ABNORMAL: the payer's account cannot take it; handled by hand). */
export async function noteRefund(db: Db | Tx, refundId: string, note: string): Promise<void> {
  await db
    .updateTable('refunds')
    .set({ failure_reason: note.slice(0, 500), updated_at: nowIso() })
    .where('id', '=', refundId)
    .where('status', '=', 'processing')
    .execute();
}

export async function processingRefunds(db: Db, limit: number, olderThan: string): Promise<RefundRow[]> {
  return db
    .selectFrom('refunds')
    .selectAll()
    .where('status', '=', 'processing')
    .where('created_at', '<=', olderThan)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

export function refundJson(r: RefundRow) {
  return {
    id: r.id,
    orderId: r.order_id,
    paymentId: r.payment_id,
    afterSaleId: r.after_sale_id,
    channel: r.channel,
    amountFen: r.amount_fen,
    source: r.source,
    destination: r.destination,
    status: r.status,
    failureReason: r.failure_reason,
    createdAt: r.created_at,
    completedAt: r.completed_at,
  };
}
