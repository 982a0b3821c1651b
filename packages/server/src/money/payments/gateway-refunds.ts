import type { Db } from '../../platform/db/database';
import { inTx } from '../../platform/db/database';
import { getRefund, noteRefund } from '../refunds';
import { refundFailed, refundSucceeded } from '../after-sales/refund-outcome';
import type { GatewayErrorCode, GatewayResult, RefundState } from './gateway';
import { gatewayOf, type GatewayRegistry } from './gateways';

/** Gateway answers that settle a refund attempt for good: anything else (timeouts, outages) is asked again later. */
const DEFINITE: readonly GatewayErrorCode[] = ['gateway_rejected', 'amount_out_of_range', 'channel_unavailable'];

export type RefundProgress = 'succeeded' | 'failed' | 'processing' | 'unknown';

const ACTOR = (gateway: string) => `gateway:${gateway}`;

/** Applies what a gateway said about a refund (its answer to the refund call, or to a refund query). */
async function applyRefundAnswer(
  db: Db,
  refundId: string,
  amountFen: bigint,
  gateway: string,
  answer: GatewayResult<RefundState>,
): Promise<RefundProgress> {
  if (!answer.ok) {
    if (!DEFINITE.includes(answer.code)) return 'unknown';
    const reason = `${answer.code}${answer.gatewayCode === undefined ? '' : ` ${answer.gatewayCode}`}: ${answer.message}`;
    await inTx(db, (trx) => refundFailed(trx, refundId, reason, ACTOR(gateway)));
    return 'failed';
  }
  const state = answer.value;
  if (state.status === 'succeeded') {
    // A gateway that reports another amount for our refund number is not confirming our refund.
    if (state.refundFen !== undefined && state.refundFen !== amountFen) return 'unknown';
    await inTx(db, (trx) => refundSucceeded(trx, refundId, state.gatewayRefundId ?? null, ACTOR(gateway)));
    return 'succeeded';
  }
  if (state.status === 'failed') {
    await inTx(db, (trx) => refundFailed(trx, refundId, 'closed by the gateway', ACTOR(gateway)));
    return 'failed';
  }
  return state.status === 'processing' ? 'processing' : 'unknown';
}

/**
 * Sends a processing refund to its gateway (after the transaction that recorded it has committed). The refund's id is
 * the out_refund_no, so sending it again (a retry after a timeout, the job) is the same refund at the gateway.
 */
export async function submitRefund(db: Db, gateways: GatewayRegistry, refundId: string): Promise<RefundProgress> {
  const refund = await getRefund(db, refundId);
  if (refund === undefined || refund.status !== 'processing') return 'unknown';
  const payment = await db.selectFrom('payments').selectAll().where('id', '=', refund.payment_id).executeTakeFirst();
  const gateway = gatewayOf(refund.channel);
  const provider = gateways.provider(gateway);
  if (payment === undefined || provider === undefined) return 'unknown';
  const answer = await provider.refund({
    outTradeNo: payment.id,
    outRefundNo: refund.id,
    refundFen: refund.amount_fen,
    totalFen: payment.amount_fen,
    reason: refund.source === 'goodwill' ? '商家补偿退款' : '售后退款',
  });
  return applyRefundAnswer(db, refund.id, refund.amount_fen, gateway, answer);
}

/** The query job's step for one refund no notification has settled: ask, and send it again if it never arrived. */
export async function checkRefund(db: Db, gateways: GatewayRegistry, refundId: string): Promise<RefundProgress> {
  const refund = await getRefund(db, refundId);
  if (refund === undefined || refund.status !== 'processing') return 'unknown';
  const gateway = gatewayOf(refund.channel);
  const provider = gateways.provider(gateway);
  if (provider === undefined) return 'unknown';
  const answer = await provider.queryRefund(refund.payment_id, refund.id);
  if (answer.ok && answer.value.status === 'not_found') return submitRefund(db, gateways, refundId);
  return applyRefundAnswer(db, refund.id, refund.amount_fen, gateway, answer);
}

/** WeChat's REFUND.ABNORMAL: not final, the money is stuck on the payer's side; staff see the note. */
export async function noteAbnormalRefund(db: Db, refundId: string): Promise<void> {
  await noteRefund(db, refundId, 'ABNORMAL: 退款异常，需在商户平台人工处理 / the payer account cannot take the refund');
}
