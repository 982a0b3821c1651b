import type { Tx } from '../../platform/db/database';
import {
  claimRefundFailed,
  claimRefundSucceeded,
  getRefund,
  simulatedRefunded,
  simulatedShare,
  type RefundRow,
  type RefundSource,
} from '../refunds';
import { paymentSimulatedFen, pendingForRequest } from './refund-split';
import {
  afterSaleLines,
  applyLineRefunds,
  findAfterSale,
  lockOrder,
  moveAfterSale,
  releaseOrder,
  restockLines,
  type OrderRow,
} from './records';
import { depositSimulatedFen } from '../../commerce/checkout/presale-orders';

/**
 * The simulated part of an escrow refund, cumulative so every step carries its share and the last carries the rest:
 * over the order for an order paid once, over the refund's own payment for an order paid several times (a wallet
 * deposit gives back real money, a sandbox balance simulated money, each as it came).
 */
async function escrowSimulated(trx: Tx, order: OrderRow, refund: RefundRow): Promise<bigint> {
  const own = await paymentSimulatedFen(trx, order, refund.payment_id);
  if (own === undefined) {
    const before = order.refunded_fen;
    return (
      simulatedRefunded(order.amount_fen, order.simulated_fen, before + refund.amount_fen) -
      simulatedRefunded(order.amount_fen, order.simulated_fen, before)
    );
  }
  const payment = await trx
    .selectFrom('payments')
    .select(['amount_fen', 'refunded_fen'])
    .where('id', '=', refund.payment_id)
    .executeTakeFirstOrThrow();
  const before = payment.refunded_fen;
  return (
    simulatedRefunded(payment.amount_fen, own, before + refund.amount_fen) -
    simulatedRefunded(payment.amount_fen, own, before)
  );
}

/**
 * What happens when a refund is known to have reached the shopper (at once for the wallet and the sandbox, on the
 * gateway's notification or the query job's answer for WeChat Pay and Alipay), or is known to have failed. Both are
 * claims on the refund row, so the notification, its retries and the job can all report it: it applies once.
 */
export async function refundSucceeded(
  trx: Tx,
  refundId: string,
  gatewayRefundId: string | null,
  actor: string,
): Promise<'applied' | 'duplicate' | 'not_found'> {
  const first = await getRefund(trx, refundId);
  if (first === undefined) return 'not_found';
  const order = await lockOrder(trx, first.order_id);
  if (order === undefined) throw new Error(`refund ${refundId} has no order`);
  const refund = await getRefund(trx, refundId);
  if (refund === undefined || refund.status !== 'processing') return 'duplicate';
  const source = refund.source as RefundSource;
  let simulated: bigint;
  if (source === 'escrow') {
    simulated = await escrowSimulated(trx, order, refund);
  } else if (source === 'goodwill') {
    simulated = simulatedShare(refund.amount_fen, order.amount_fen, order.simulated_fen);
  } else if (source === 'presale_deposit') {
    simulated = await depositSimulatedFen(trx, refund.order_id);
  } else {
    // Late money is simulated exactly when it came through the sandbox.
    simulated = refund.channel === 'sandbox' ? refund.amount_fen : 0n;
  }
  if (!(await claimRefundSucceeded(trx, refund, order.user_id, simulated, gatewayRefundId))) return 'duplicate';
  if (source === 'escrow') {
    await trx
      .updateTable('orders')
      .set({ refunded_fen: order.refunded_fen + refund.amount_fen })
      .where('id', '=', order.id)
      .execute();
  }
  if (refund.after_sale_id !== null) {
    const request = await findAfterSale(trx, refund.after_sale_id);
    // A request split over several payments is refunded with its last piece; one whose other piece failed waits in
    // refund_failed for the retry, which refunds only what is left.
    if (request.status !== 'refunding' || (await pendingForRequest(trx, request.id)) > 0) return 'applied';
    if (request.kind !== 'goodwill') {
      const lines = await afterSaleLines(trx, request.id);
      await applyLineRefunds(trx, order.id, lines);
      if (request.restock === 1n) await restockLines(trx, order.id, lines);
    }
    await moveAfterSale(trx, request, 'refunded', actor, {}, `refund ${refund.id}`);
    if (request.kind !== 'goodwill') await releaseOrder(trx, order.id, actor, `after-sales ${request.id} refunded`);
  }
  return 'applied';
}

/**
 * A refund the gateway refused or closed: nothing moved. Its request waits in `refund_failed` (still open, so the
 * order still cannot settle) until staff retry it, through the gateway or to the wallet.
 */
export async function refundFailed(
  trx: Tx,
  refundId: string,
  reason: string,
  actor: string,
): Promise<'applied' | 'duplicate' | 'not_found'> {
  const refund = await getRefund(trx, refundId);
  if (refund === undefined) return 'not_found';
  await lockOrder(trx, refund.order_id);
  if (!(await claimRefundFailed(trx, refundId, reason))) return 'duplicate';
  if (refund.after_sale_id !== null) {
    const request = await findAfterSale(trx, refund.after_sale_id);
    // The failed piece is the one the request shows; a second failed piece of one request finds it failed already.
    if (request.status === 'refunding') {
      await moveAfterSale(trx, request, 'refund_failed', actor, { refund_id: refundId }, reason.slice(0, 500));
    }
  }
  if (refund.source === 'late_payment') {
    await trx
      .updateTable('payments')
      .set({ problem: `late payment refund ${refundId} failed: ${reason}`.slice(0, 500) })
      .where('id', '=', refund.payment_id)
      .execute();
  }
  return 'applied';
}
