import { yuanToFen } from './amounts';
import type { AlipayConfig } from './config';
import type { NotificationEvent, NotificationResult, RawNotification } from './gateway';

type Refusal = Exclude<NotificationResult, { ok: true }>;

function refuse(reason: Refusal['reason'], message: string): Refusal {
  return { ok: false, reason, message };
}

/** The form body as Alipay posted it, URL-decoded; a repeated field makes the whole notification malformed. */
export function parseForm(rawBody: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawBody)) {
    if (Object.hasOwn(out, key)) return undefined;
    out[key] = value;
  }
  return out;
}

function eventOf(config: AlipayConfig, p: Record<string, string>): NotificationEvent | Refusal {
  const outTradeNo = p.out_trade_no;
  const tradeNo = p.trade_no;
  if (outTradeNo === undefined || outTradeNo === '' || tradeNo === undefined || tradeNo === '') {
    return refuse('malformed', 'out_trade_no and trade_no are required');
  }
  const status = p.trade_status;
  // A refund shows as the trade's own notification carrying refund_fee and gmt_refund (TRADE_SUCCESS for a partial
  // refund, TRADE_CLOSED for a full one); out_biz_no is the refund's out_request_no.
  if (p.refund_fee !== undefined && p.gmt_refund !== undefined) {
    const refundFen = yuanToFen(p.refund_fee);
    if (refundFen === undefined) return refuse('malformed', 'refund_fee is not a yuan amount');
    return {
      kind: 'refund_succeeded',
      outTradeNo,
      outRefundNo: p.out_biz_no ?? tradeNo,
      gatewayRefundId: tradeNo,
      refundFen,
      refundFenIsCumulative: true,
      merchantId: config.sellerId,
    };
  }
  if (status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED') {
    const amountFen = yuanToFen(p.total_amount ?? '');
    if (amountFen === undefined) return refuse('malformed', 'total_amount is not a yuan amount');
    return {
      kind: 'payment_succeeded',
      outTradeNo,
      gatewayTxnId: tradeNo,
      amountFen,
      merchantId: config.sellerId,
      appId: config.appId,
      paidAt: p.gmt_payment ?? '',
    };
  }
  if (status === 'TRADE_CLOSED') {
    return {
      kind: 'payment_closed',
      outTradeNo,
      gatewayTxnId: tradeNo,
      merchantId: config.sellerId,
      appId: config.appId,
    };
  }
  if (status === 'WAIT_BUYER_PAY') return { kind: 'ignored', reason: 'WAIT_BUYER_PAY' };
  return refuse('unsupported_event', `trade_status ${status ?? '(none)'}`);
}

/**
 * Verifies an Alipay asynchronous notification: RSA2 only, the signature over the sorted parameters without
 * sign and sign_type checked with the Alipay public key (by the SDK), then app_id and seller_id must be ours.
 * Amount and order are the caller's check against its database (checkAgainstPayment).
 */
export function parseAlipayNotification(
  config: AlipayConfig,
  request: RawNotification,
  verify: (params: Record<string, string>) => boolean,
): NotificationResult {
  const params = parseForm(request.rawBody);
  if (params === undefined) return refuse('malformed', 'a parameter appears twice');
  if (params.sign === undefined || params.sign === '') return refuse('missing_headers', 'no sign parameter');
  if (params.sign_type !== 'RSA2') return refuse('invalid_signature', 'only RSA2 notifications are accepted');
  let valid: boolean;
  try {
    valid = verify(params);
  } catch {
    valid = false;
  }
  if (!valid) return refuse('invalid_signature', 'sign does not verify with the Alipay public key');
  if (params.app_id !== config.appId) return refuse('app_mismatch', 'app_id is not ours');
  if (params.seller_id !== config.sellerId) return refuse('merchant_mismatch', 'seller_id is not ours');
  if (params.notify_type !== undefined && params.notify_type !== 'trade_status_sync') {
    return refuse('unsupported_event', `notify_type ${params.notify_type}`);
  }
  const notifyId = params.notify_id;
  if (notifyId === undefined || notifyId === '') return refuse('malformed', 'no notify_id');
  const event = eventOf(config, params);
  return 'ok' in event ? event : { ok: true, notificationId: notifyId, event };
}
