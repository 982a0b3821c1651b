import type { KeyObject } from 'node:crypto';
import { intDiv } from '@mall/core';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import { wechatTotalToFen } from './amounts';
import type { WechatPayConfig } from './config';
import { header, type NotificationEvent, type NotificationResult, type RawNotification } from './gateway';

/** WeChat Pay refuses to talk to a clock more than 5 minutes off; we refuse its notifications the same way. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** WeChat's probe notifications carry a signature with this prefix: a merchant that accepts one does not verify. */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';

type Json = Record<string, unknown>;

function refuse(reason: Exclude<NotificationResult, { ok: true }>['reason'], message: string): NotificationResult {
  return { ok: false, reason, message };
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function parseJson(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The key named by Wechatpay-Serial: a platform certificate serial (hex, any case) or a PUB_KEY_ID_... id. */
export function verifierFor(verifiers: ReadonlyMap<string, KeyObject>, serial: string): KeyObject | undefined {
  return verifiers.get(serial) ?? verifiers.get(serial.toUpperCase());
}

/** SHA256withRSA over "timestamp\nnonce\nbody\n" with the raw body bytes, never re-serialised JSON. */
export function wechatSignatureValid(
  verifiers: ReadonlyMap<string, KeyObject>,
  serial: string,
  timestamp: string,
  nonce: string,
  rawBody: string,
  signature: string,
): boolean {
  const key = verifierFor(verifiers, serial);
  if (key === undefined) return false;
  try {
    return Rsa.verify(Formatter.response(timestamp, nonce, rawBody), signature, key);
  } catch {
    return false;
  }
}

function decryptResource(config: WechatPayConfig, resource: unknown): Json | 'malformed' | 'decrypt_failed' {
  if (!isObject(resource) || resource.algorithm !== 'AEAD_AES_256_GCM') return 'malformed';
  const ciphertext = str(resource.ciphertext);
  const nonce = str(resource.nonce);
  const aad = typeof resource.associated_data === 'string' ? resource.associated_data : '';
  if (ciphertext === undefined || nonce === undefined) return 'malformed';
  let plaintext: string;
  try {
    plaintext = Aes.AesGcm.decrypt(ciphertext, config.apiV3Key.reveal(), nonce, aad);
  } catch {
    return 'decrypt_failed';
  }
  return parseJson(plaintext) ?? 'malformed';
}

function transactionEvent(config: WechatPayConfig, tx: Json): NotificationEvent | NotificationResult {
  if (tx.mchid !== config.mchid) return refuse('merchant_mismatch', 'mchid is not ours');
  if (tx.appid !== config.appid) return refuse('app_mismatch', 'appid is not ours');
  const amount = isObject(tx.amount) ? tx.amount : {};
  const amountFen = wechatTotalToFen(amount.total);
  const outTradeNo = str(tx.out_trade_no);
  const txnId = str(tx.transaction_id);
  if (amountFen === undefined || outTradeNo === undefined || txnId === undefined) {
    return refuse('malformed', 'transaction lacks amount, out_trade_no or transaction_id');
  }
  if (amount.currency !== undefined && amount.currency !== 'CNY') return refuse('malformed', 'currency is not CNY');
  if (tx.trade_state !== 'SUCCESS') return refuse('unsupported_event', `trade_state ${String(tx.trade_state)}`);
  return {
    kind: 'payment_succeeded',
    outTradeNo,
    gatewayTxnId: txnId,
    amountFen,
    merchantId: config.mchid,
    appId: config.appid,
    paidAt: str(tx.success_time) ?? '',
  };
}

function refundEvent(config: WechatPayConfig, eventType: string, r: Json): NotificationEvent | NotificationResult {
  if (r.mchid !== config.mchid) return refuse('merchant_mismatch', 'mchid is not ours');
  const outTradeNo = str(r.out_trade_no);
  const outRefundNo = str(r.out_refund_no);
  const refundId = str(r.refund_id);
  const refundFen = wechatTotalToFen(isObject(r.amount) ? r.amount.refund : undefined);
  if (outTradeNo === undefined || outRefundNo === undefined || refundId === undefined || refundFen === undefined) {
    return refuse('malformed', 'refund lacks out_trade_no, out_refund_no, refund_id or amount');
  }
  const expected = { 'REFUND.SUCCESS': 'SUCCESS', 'REFUND.ABNORMAL': 'ABNORMAL', 'REFUND.CLOSED': 'CLOSED' }[eventType];
  if (r.refund_status !== expected) return refuse('malformed', 'refund_status does not match event_type');
  if (eventType === 'REFUND.SUCCESS') {
    return {
      kind: 'refund_succeeded',
      outTradeNo,
      outRefundNo,
      gatewayRefundId: refundId,
      refundFen,
      refundFenIsCumulative: false,
      merchantId: config.mchid,
    };
  }
  // ABNORMAL (the payer's card or account cannot take the money back) is not final: it is retried or handled by hand.
  return {
    kind: 'refund_failed',
    outTradeNo,
    outRefundNo,
    gatewayRefundId: refundId,
    final: eventType === 'REFUND.CLOSED',
  };
}

function transferEvent(config: WechatPayConfig, t: Json): NotificationEvent | NotificationResult {
  if (t.mch_id !== config.mchid) return refuse('merchant_mismatch', 'mch_id is not ours');
  const outBillNo = str(t.out_bill_no);
  const billNo = str(t.transfer_bill_no);
  const amountFen = wechatTotalToFen(t.transfer_amount);
  const status = ({ SUCCESS: 'succeeded', FAIL: 'failed', CANCELLED: 'cancelled' } as const)[String(t.state)];
  if (outBillNo === undefined || billNo === undefined || amountFen === undefined || status === undefined) {
    return refuse('malformed', 'transfer bill lacks out_bill_no, transfer_bill_no, amount or a final state');
  }
  return { kind: 'transfer_finished', outBillNo, gatewayTransferId: billNo, status, amountFen };
}

/**
 * Verifies a WeChat Pay API v3 notification (payment, refund, merchant transfer) exactly as WeChat specifies:
 * headers present, not the SIGNTEST probe, timestamp within 5 minutes, the key named by Wechatpay-Serial known
 * (platform certificate or public key id: both during a switch), SHA256withRSA over the raw body, then the
 * AES-256-GCM resource decrypted with the APIv3 key and its mchid/appid checked against ours.
 */
export function parseWechatNotification(
  config: WechatPayConfig,
  request: RawNotification,
  nowMs: number,
): NotificationResult {
  const timestamp = header(request.headers, 'Wechatpay-Timestamp');
  const nonce = header(request.headers, 'Wechatpay-Nonce');
  const signature = header(request.headers, 'Wechatpay-Signature');
  const serial = header(request.headers, 'Wechatpay-Serial');
  if (timestamp === undefined || nonce === undefined || signature === undefined || serial === undefined) {
    return refuse('missing_headers', 'Wechatpay-Timestamp, -Nonce, -Signature and -Serial are required');
  }
  if (signature.startsWith(SIGNTEST_PREFIX)) return refuse('signature_probe', 'WeChat Pay signature probe');
  if (!/^[0-9]{1,12}$/.test(timestamp)) return refuse('malformed', 'Wechatpay-Timestamp is not a Unix time');
  const skew = Number(timestamp) - intDiv(nowMs, 1000);
  if (skew > MAX_CLOCK_SKEW_SECONDS || skew < -MAX_CLOCK_SKEW_SECONDS) {
    return refuse('stale_timestamp', `timestamp ${timestamp} is more than 5 minutes off`);
  }
  if (verifierFor(config.verifiers, serial) === undefined) return refuse('unknown_serial', `unknown serial ${serial}`);
  if (!wechatSignatureValid(config.verifiers, serial, timestamp, nonce, request.rawBody, signature)) {
    return refuse('invalid_signature', 'Wechatpay-Signature does not verify');
  }
  const body = parseJson(request.rawBody);
  const id = str(body?.id);
  const eventType = str(body?.event_type);
  if (body === undefined || id === undefined || eventType === undefined || body.resource_type !== 'encrypt-resource') {
    return refuse('malformed', 'not a WeChat Pay notification body');
  }
  const resource = decryptResource(config, body.resource);
  if (resource === 'malformed') return refuse('malformed', 'resource is not AEAD_AES_256_GCM JSON');
  if (resource === 'decrypt_failed') return refuse('decrypt_failed', 'resource does not decrypt with the APIv3 key');
  let event: NotificationEvent | NotificationResult;
  if (eventType === 'TRANSACTION.SUCCESS') event = transactionEvent(config, resource);
  else if (eventType.startsWith('REFUND.') && ['SUCCESS', 'ABNORMAL', 'CLOSED'].includes(eventType.slice(7))) {
    event = refundEvent(config, eventType, resource);
  } else if (eventType === 'MCHTRANSFER.BILL.FINISHED') event = transferEvent(config, resource);
  else return refuse('unsupported_event', `event_type ${eventType}`);
  return 'ok' in event ? event : { ok: true, notificationId: id, event };
}
