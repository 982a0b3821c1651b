/**
 * The payment gateways as the order centre sees them: WeChat Pay API v3 and Alipay behind one async interface.
 * Every call answers a result, never throws for a gateway's answer: expected outcomes carry snake_case codes that
 * the server maps through its error table; a thrown error is a bug. Amounts are bigint fen on this side of the
 * interface; the providers convert at the wire (amounts.ts).
 */

export type GatewayName = 'wechat' | 'alipay';

/** The checkout channels. JSAPI needs the payer's openid (bound by snsapi_base inside WeChat). */
export type PaymentChannel = 'wechat_jsapi' | 'wechat_h5' | 'wechat_native' | 'alipay_wap' | 'alipay_page';

export const CHANNEL_GATEWAY: Readonly<Record<PaymentChannel, GatewayName>> = {
  wechat_jsapi: 'wechat',
  wechat_h5: 'wechat',
  wechat_native: 'wechat',
  alipay_wap: 'alipay',
  alipay_page: 'alipay',
};

/** Codes of expected gateway outcomes; the server's error table must know each (see docs/payments.md). */
export type GatewayErrorCode =
  | 'gateway_timeout'
  | 'gateway_unavailable'
  | 'gateway_rejected'
  | 'gateway_bad_response'
  | 'channel_unavailable'
  | 'openid_required'
  | 'client_ip_required'
  | 'amount_out_of_range'
  | 'invalid_oauth_code';

export interface GatewayFailure {
  ok: false;
  code: GatewayErrorCode;
  /** The gateway's own code (e.g. ORDER_NOT_EXIST, ACQ.TRADE_NOT_EXIST) when it answered one. */
  gatewayCode?: string;
  message: string;
}

export type GatewayResult<T> = { ok: true; value: T } | GatewayFailure;

export function success<T>(value: T): GatewayResult<T> {
  return { ok: true, value };
}

export function failure(code: GatewayErrorCode, message: string, gatewayCode?: string): GatewayFailure {
  return gatewayCode === undefined ? { ok: false, code, message } : { ok: false, code, message, gatewayCode };
}

export interface CreatePaymentInput {
  channel: PaymentChannel;
  /** Our payment id; the gateway's out_trade_no (6-32 letters, digits, _-|* for WeChat; up to 64 for Alipay). */
  outTradeNo: string;
  amountFen: bigint;
  description: string;
  /** ISO-8601 time after which the gateway closes the unpaid order (our unpaid timeout). */
  expiresAt: string;
  /** wechat_jsapi: the payer's openid under our appid. */
  openid?: string;
  /** wechat_h5: the shopper's IP as seen by our server (scene_info.payer_client_ip). */
  clientIp?: string;
  /** alipay_wap / alipay_page: where the shopper's browser returns after paying. */
  returnUrl?: string;
}

/** The parameters `WeixinJSBridge.invoke('getBrandWCPayRequest', ...)` / `wx.requestPayment` take, signed. */
export interface JsapiPayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export type CreatedPayment =
  | { kind: 'jsapi'; params: JsapiPayParams }
  | { kind: 'h5'; h5Url: string }
  | { kind: 'native'; codeUrl: string }
  | { kind: 'redirect'; url: string };

/** The state of one payment at the gateway, as a query answers it. */
export interface PaymentState {
  outTradeNo: string;
  status: 'pending' | 'succeeded' | 'closed' | 'refunded' | 'not_found';
  gatewayTxnId?: string;
  amountFen?: bigint;
  paidAt?: string;
  merchantId?: string;
  appId?: string;
}

export interface RefundInput {
  outTradeNo: string;
  /** Our refund id; the same out_refund_no twice is one refund at both gateways (idempotent retries). */
  outRefundNo: string;
  refundFen: bigint;
  /** The payment's full amount (WeChat needs it to accept partial refunds). */
  totalFen: bigint;
  reason: string;
}

export interface RefundState {
  outTradeNo: string;
  outRefundNo: string;
  status: 'processing' | 'succeeded' | 'failed' | 'not_found';
  gatewayRefundId?: string;
  refundFen?: bigint;
}

export interface TransferInput {
  /** Our withdrawal id; idempotent at the gateway. */
  outBillNo: string;
  amountFen: bigint;
  /** WeChat: the payee's openid under our appid. Alipay: the payee's Alipay user id (2088...) or login id. */
  payee: string;
  /** Alipay requires the real name for a login id payee; WeChat encrypts it (not sent below 2000 yuan). */
  payeeName?: string;
  remark: string;
}

export interface TransferState {
  outBillNo: string;
  status: 'processing' | 'wait_user_confirm' | 'succeeded' | 'failed' | 'cancelled' | 'not_found';
  gatewayTransferId?: string;
  amountFen?: bigint;
  /** WeChat in user-confirm mode: the package `wx.requestMerchantTransfer` needs to let the payee accept. */
  packageInfo?: string;
  failReason?: string;
}

/** A verified notification, in our terms. Identity fields are already checked against our configuration. */
export type NotificationEvent =
  | {
      kind: 'payment_succeeded';
      outTradeNo: string;
      gatewayTxnId: string;
      amountFen: bigint;
      merchantId: string;
      appId: string;
      paidAt: string;
    }
  | { kind: 'payment_closed'; outTradeNo: string; gatewayTxnId: string; merchantId: string; appId: string }
  | {
      kind: 'refund_succeeded';
      outTradeNo: string;
      outRefundNo: string;
      gatewayRefundId: string;
      /** WeChat: this refund's amount. Alipay: refund_fee, the trade's total refunded so far (query to split). */
      refundFen: bigint;
      refundFenIsCumulative: boolean;
      merchantId: string;
    }
  | { kind: 'refund_failed'; outTradeNo: string; outRefundNo: string; gatewayRefundId: string; final: boolean }
  | {
      kind: 'transfer_finished';
      outBillNo: string;
      gatewayTransferId: string;
      status: 'succeeded' | 'failed' | 'cancelled';
      amountFen: bigint;
    }
  /** A genuine notification that asks nothing of us (Alipay WAIT_BUYER_PAY). */
  | { kind: 'ignored'; reason: string };

export type NotificationRefusal =
  | 'missing_headers'
  | 'malformed'
  | 'stale_timestamp'
  | 'unknown_serial'
  | 'signature_probe'
  | 'invalid_signature'
  | 'decrypt_failed'
  | 'merchant_mismatch'
  | 'app_mismatch'
  | 'unsupported_event';

export type NotificationResult =
  | { ok: true; notificationId: string; event: NotificationEvent }
  | { ok: false; reason: NotificationRefusal; message: string };

/** What to write back to the gateway: status, content type and the exact body. */
export interface Acknowledgement {
  status: number;
  contentType: string;
  body: string;
}

/** accepted: done (or a duplicate), stop sending. refused: not ours or not valid. retry: our side failed. */
export type AckVerdict = 'accepted' | 'refused' | 'retry';

export interface RawNotification {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export interface GatewayProvider {
  readonly gateway: GatewayName;
  /** The channels this provider's configuration supports. */
  readonly channels: readonly PaymentChannel[];
  /** The notify URL the provider gives the gateway (the server must route it to parseNotification). */
  readonly notifyUrl: string;
  createPayment(input: CreatePaymentInput): Promise<GatewayResult<CreatedPayment>>;
  /** Verifies the raw request exactly as the gateway specifies, then decodes it. `nowMs` is the clock to check. */
  parseNotification(request: RawNotification, nowMs: number): Promise<NotificationResult>;
  acknowledgement(verdict: AckVerdict): Acknowledgement;
  queryPayment(outTradeNo: string): Promise<GatewayResult<PaymentState>>;
  closePayment(outTradeNo: string): Promise<GatewayResult<{ closed: true }>>;
  refund(input: RefundInput): Promise<GatewayResult<RefundState>>;
  queryRefund(outTradeNo: string, outRefundNo: string): Promise<GatewayResult<RefundState>>;
  transfer(input: TransferInput): Promise<GatewayResult<TransferState>>;
  queryTransfer(outBillNo: string): Promise<GatewayResult<TransferState>>;
}

/** The order a notification claims to be about, as our database has it. */
export interface ExpectedPayment {
  outTradeNo: string;
  amountFen: bigint;
  channel: PaymentChannel;
}

/**
 * The last check before a payment notification moves money: the gateway's signature says who sent it, this says
 * it is about an order of ours with exactly our amount, paid through the gateway we sent it to ("fake
 * notifications" re-sign real ones from another merchant or change the amount).
 */
export function checkAgainstPayment(
  gateway: GatewayName,
  event: { outTradeNo: string; amountFen: bigint },
  expected: ExpectedPayment | undefined,
): 'ok' | 'payment_not_found' | 'amount_mismatch' {
  if (expected === undefined || expected.outTradeNo !== event.outTradeNo) return 'payment_not_found';
  if (CHANNEL_GATEWAY[expected.channel] !== gateway) return 'payment_not_found';
  return expected.amountFen === event.amountFen ? 'ok' : 'amount_mismatch';
}

/** Header lookup that tolerates Node's lower-casing and repeated headers (the first value counts). */
export function header(headers: RawNotification['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()] ?? headers[name];
  return Array.isArray(value) ? value[0] : value;
}
