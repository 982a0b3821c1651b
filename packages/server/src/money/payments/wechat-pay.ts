import { createHash } from 'node:crypto';
import { Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { WECHAT_MAX_TOTAL_FEN, fenToWechatTotal, wechatTotalToFen } from './amounts';
import type { WechatPayConfig } from './config';
import {
  failure,
  success,
  type Acknowledgement,
  type AckVerdict,
  type CreatePaymentInput,
  type CreatedPayment,
  type GatewayProvider,
  type GatewayResult,
  type PaymentState,
  type RefundInput,
  type RefundState,
  type TransferInput,
  type TransferState,
} from './gateway';
import { parseWechatNotification } from './wechat-notify';
import { callWechat, type WechatCall } from './wechat-call';

/** WeChat Pay API v3 (direct merchant) on wechatpay-axios-plugin, plus the snsapi_base openid exchange. */
export interface WechatPayProvider extends GatewayProvider {
  readonly gateway: 'wechat';
  /** Where to send a shopper inside WeChat so that WeChat redirects back with a code for their openid. */
  oauthAuthorizeUrl(redirectUri: string, state: string): string;
  exchangeOauthCode(code: string): Promise<GatewayResult<{ openid: string }>>;
  /** The day's trade bill (ALL) as the CSV text WeChat serves, its SHA1 checked against the gateway's. */
  downloadTradeBill(billDate: string): Promise<GatewayResult<string>>;
}

type Json = Record<string, unknown>;

const TRADE_STATES: Readonly<Record<string, PaymentState['status']>> = {
  SUCCESS: 'succeeded',
  REFUND: 'refunded',
  NOTPAY: 'pending',
  USERPAYING: 'pending',
  CLOSED: 'closed',
  REVOKED: 'closed',
  // PAYERROR is one failed attempt (a bank refusal); the order expires on our timeout rather than closing here.
  PAYERROR: 'pending',
};

const REFUND_STATES: Readonly<Record<string, RefundState['status']>> = {
  SUCCESS: 'succeeded',
  PROCESSING: 'processing',
  ABNORMAL: 'processing',
  CLOSED: 'failed',
};

const TRANSFER_STATES: Readonly<Record<string, TransferState['status']>> = {
  ACCEPTED: 'processing',
  PROCESSING: 'processing',
  TRANSFERING: 'processing',
  WAIT_USER_CONFIRM: 'wait_user_confirm',
  SUCCESS: 'succeeded',
  FAIL: 'failed',
  CANCELING: 'processing',
  CANCELLED: 'cancelled',
};

/** Above this a WeChat transfer must name the payee (user_name, encrypted with WeChat's public key). */
const TRANSFER_NAME_REQUIRED_FEN = 200_000n;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function obj(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function rfc3339(iso: string): string {
  // WeChat wants RFC 3339 with an offset and without milliseconds: 2024-01-01T12:00:00+08:00.
  const d = new Date(iso);
  const shifted = new Date(d.getTime() + 8 * 3600 * 1000).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}

export function wechatPayProvider(config: WechatPayConfig): WechatPayProvider {
  const sdk = new Wechatpay({
    mchid: config.mchid,
    serial: config.merchantSerial,
    // The typings ask for PEM text (the runtime takes KeyObjects too); it is turned back into a KeyObject inside.
    privateKey: config.merchantKey.reveal().export({ type: 'pkcs8', format: 'pem' }).toString(),
    certs: Object.fromEntries(config.verifiers),
    baseURL: config.apiBaseUrl,
    timeout: config.timeoutMs,
  });
  const call: WechatCall = (method, path, body, extra) => callWechat(sdk.client, method, path, body, extra);
  const path = (p: string) => encodeURIComponent(p);

  const paymentState = (outTradeNo: string, d: Json): PaymentState => {
    const amountFen = wechatTotalToFen(obj(d.amount).total);
    const txn = str(d.transaction_id);
    const paidAt = str(d.success_time);
    return {
      outTradeNo,
      status: TRADE_STATES[String(d.trade_state)] ?? 'pending',
      ...(txn === undefined ? {} : { gatewayTxnId: txn }),
      ...(amountFen === undefined ? {} : { amountFen }),
      ...(paidAt === undefined ? {} : { paidAt }),
      ...(str(d.mchid) === undefined ? {} : { merchantId: String(d.mchid) }),
      ...(str(d.appid) === undefined ? {} : { appId: String(d.appid) }),
    };
  };

  const refundState = (outTradeNo: string, outRefundNo: string, d: Json): RefundState => {
    const refundFen = wechatTotalToFen(obj(d.amount).refund);
    const id = str(d.refund_id);
    return {
      outTradeNo: str(d.out_trade_no) ?? outTradeNo,
      outRefundNo,
      status: REFUND_STATES[String(d.status)] ?? 'processing',
      ...(id === undefined ? {} : { gatewayRefundId: id }),
      ...(refundFen === undefined ? {} : { refundFen }),
    };
  };

  const transferState = (outBillNo: string, d: Json): TransferState => {
    const amountFen = wechatTotalToFen(d.transfer_amount);
    const id = str(d.transfer_bill_no);
    const pkg = str(d.package_info);
    const reason = str(d.fail_reason);
    return {
      outBillNo,
      status: TRANSFER_STATES[String(d.state)] ?? 'processing',
      ...(id === undefined ? {} : { gatewayTransferId: id }),
      ...(amountFen === undefined ? {} : { amountFen }),
      ...(pkg === undefined ? {} : { packageInfo: pkg }),
      ...(reason === undefined ? {} : { failReason: reason }),
    };
  };

  const jsapiParams = (prepayId: string) => {
    const timeStamp = String(Formatter.timestamp());
    const nonceStr = Formatter.nonce();
    const pkg = `prepay_id=${prepayId}`;
    const paySign = Rsa.sign(
      Formatter.joinedByLineFeed(config.appid, timeStamp, nonceStr, pkg),
      config.merchantKey.reveal(),
    );
    return { appId: config.appid, timeStamp, nonceStr, package: pkg, signType: 'RSA' as const, paySign };
  };

  return {
    gateway: 'wechat',
    channels: config.channels,
    notifyUrl: config.notifyUrl,

    async createPayment(input: CreatePaymentInput): Promise<GatewayResult<CreatedPayment>> {
      if (!config.channels.includes(input.channel)) return failure('channel_unavailable', input.channel);
      if (input.amountFen < 1n || input.amountFen > WECHAT_MAX_TOTAL_FEN) {
        return failure('amount_out_of_range', `WeChat Pay takes 1..${WECHAT_MAX_TOTAL_FEN} fen`);
      }
      const body: Json = {
        appid: config.appid,
        mchid: config.mchid,
        description: input.description.slice(0, 127),
        out_trade_no: input.outTradeNo,
        time_expire: rfc3339(input.expiresAt),
        notify_url: config.notifyUrl,
        amount: { total: fenToWechatTotal(input.amountFen), currency: 'CNY' },
      };
      if (input.channel === 'wechat_jsapi') {
        if (input.openid === undefined || input.openid === '') return failure('openid_required', 'JSAPI needs openid');
        const r = await call('post', 'v3/pay/transactions/jsapi', { ...body, payer: { openid: input.openid } });
        if (!r.ok) return r;
        const prepayId = str(r.value.prepay_id);
        if (prepayId === undefined) return failure('gateway_bad_response', 'no prepay_id');
        return success({ kind: 'jsapi', params: jsapiParams(prepayId) });
      }
      if (input.channel === 'wechat_h5') {
        if (input.clientIp === undefined || input.clientIp === '')
          return failure('client_ip_required', 'H5 needs the payer IP');
        const sceneInfo = { payer_client_ip: input.clientIp, h5_info: { type: 'Wap' } };
        const r = await call('post', 'v3/pay/transactions/h5', { ...body, scene_info: sceneInfo });
        if (!r.ok) return r;
        const h5Url = str(r.value.h5_url);
        return h5Url === undefined ? failure('gateway_bad_response', 'no h5_url') : success({ kind: 'h5', h5Url });
      }
      if (input.channel !== 'wechat_native') return failure('channel_unavailable', input.channel);
      const r = await call('post', 'v3/pay/transactions/native', body);
      if (!r.ok) return r;
      const codeUrl = str(r.value.code_url);
      return codeUrl === undefined
        ? failure('gateway_bad_response', 'no code_url')
        : success({ kind: 'native', codeUrl });
    },

    async parseNotification(request, nowMs) {
      return parseWechatNotification(config, request, nowMs);
    },

    acknowledgement(verdict: AckVerdict): Acknowledgement {
      // 204 without a body acknowledges; any 4xx/5xx with {"code":"FAIL"} asks WeChat to send again later.
      if (verdict === 'accepted') return { status: 204, contentType: 'application/json', body: '' };
      const message = verdict === 'refused' ? '验签或订单校验失败' : '处理失败，请重试';
      return {
        status: verdict === 'refused' ? 400 : 503,
        contentType: 'application/json',
        body: JSON.stringify({ code: 'FAIL', message }),
      };
    },

    async queryPayment(outTradeNo) {
      const r = await call('get', `v3/pay/transactions/out-trade-no/${path(outTradeNo)}`, undefined, {
        params: { mchid: config.mchid },
      });
      if (!r.ok) return r.gatewayCode === 'ORDER_NOT_EXIST' ? success({ outTradeNo, status: 'not_found' }) : r;
      return success(paymentState(outTradeNo, r.value));
    },

    async closePayment(outTradeNo) {
      const r = await call('post', `v3/pay/transactions/out-trade-no/${path(outTradeNo)}/close`, {
        mchid: config.mchid,
      });
      return r.ok ? success({ closed: true as const }) : r;
    },

    async refund(input: RefundInput) {
      if (input.refundFen < 1n || input.refundFen > input.totalFen) {
        return failure('amount_out_of_range', 'a refund is 1 fen up to the payment amount');
      }
      const r = await call('post', 'v3/refund/domestic/refunds', {
        out_trade_no: input.outTradeNo,
        out_refund_no: input.outRefundNo,
        reason: input.reason.slice(0, 80),
        notify_url: config.notifyUrl,
        amount: {
          refund: fenToWechatTotal(input.refundFen),
          total: fenToWechatTotal(input.totalFen),
          currency: 'CNY',
        },
      });
      return r.ok ? success(refundState(input.outTradeNo, input.outRefundNo, r.value)) : r;
    },

    async queryRefund(outTradeNo, outRefundNo) {
      const r = await call('get', `v3/refund/domestic/refunds/${path(outRefundNo)}`);
      if (!r.ok) {
        return r.gatewayCode === 'RESOURCE_NOT_EXISTS' ? success({ outTradeNo, outRefundNo, status: 'not_found' }) : r;
      }
      return success(refundState(outTradeNo, outRefundNo, r.value));
    },

    async transfer(input: TransferInput) {
      if (config.transferSceneId === undefined) return failure('channel_unavailable', 'MALL_WECHAT_TRANSFER_SCENE_ID');
      if (input.amountFen < 1n) return failure('amount_out_of_range', 'a transfer is at least 1 fen');
      const body: Json = {
        appid: config.appid,
        out_bill_no: input.outBillNo,
        transfer_scene_id: config.transferSceneId,
        openid: input.payee,
        transfer_amount: fenToWechatTotal(input.amountFen),
        transfer_remark: input.remark.slice(0, 32),
        notify_url: config.notifyUrl,
        transfer_scene_report_infos: sceneReport(config.transferSceneId, input.remark),
      };
      const extra: { headers?: Record<string, string> } = {};
      if (input.payeeName !== undefined && input.amountFen >= TRANSFER_NAME_REQUIRED_FEN) {
        // Sensitive fields go encrypted (RSA-OAEP) with the WeChat Pay key, named in Wechatpay-Serial.
        const entries = [...config.verifiers];
        const [serial, key] = entries.find(([id]) => id.startsWith('PUB_KEY_ID_')) ?? entries[0] ?? [];
        if (serial === undefined || key === undefined)
          return failure('channel_unavailable', 'no WeChat Pay public key');
        body.user_name = Rsa.encrypt(input.payeeName, key);
        extra.headers = { 'Wechatpay-Serial': serial };
      }
      const r = await call('post', 'v3/fund-app/mch-transfer/transfer-bills', body, extra);
      // The creation answer names no amount; it is the one we asked for.
      return r.ok ? success({ amountFen: input.amountFen, ...transferState(input.outBillNo, r.value) }) : r;
    },

    async queryTransfer(outBillNo) {
      const r = await call('get', `v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${path(outBillNo)}`);
      if (!r.ok) return r.gatewayCode === 'NOT_FOUND' ? success({ outBillNo, status: 'not_found' }) : r;
      return success(transferState(outBillNo, r.value));
    },

    oauthAuthorizeUrl(redirectUri, state) {
      const q = new URLSearchParams({
        appid: config.appid,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'snsapi_base',
        state,
      });
      return `https://open.weixin.qq.com/connect/oauth2/authorize?${q.toString()}#wechat_redirect`;
    },

    async exchangeOauthCode(code) {
      if (config.appSecret === undefined) return failure('channel_unavailable', 'MALL_WECHAT_APP_SECRET');
      const url = new URL('sns/oauth2/access_token', config.oauthBaseUrl);
      url.search = new URLSearchParams({
        appid: config.appid,
        secret: config.appSecret.reveal(),
        code,
        grant_type: 'authorization_code',
      }).toString();
      let data: Json;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(config.timeoutMs) });
        if (res.status >= 500) return failure('gateway_unavailable', `oauth answered ${res.status}`);
        data = obj(await res.json());
      } catch (err) {
        const timedOut = err instanceof Error && err.name === 'TimeoutError';
        return failure(timedOut ? 'gateway_timeout' : 'gateway_unavailable', 'oauth2/access_token failed');
      }
      const openid = str(data.openid);
      if (openid !== undefined) return success({ openid });
      // 40029 invalid code, 40163 code been used: the shopper has to go through the redirect again.
      return failure('invalid_oauth_code', String(data.errmsg ?? 'no openid'), String(data.errcode ?? ''));
    },

    async downloadTradeBill(billDate) {
      const r = await call('get', 'v3/bill/tradebill', undefined, {
        params: { bill_date: billDate, bill_type: 'ALL' },
      });
      if (!r.ok) return r;
      const downloadUrl = str(r.value.download_url);
      if (downloadUrl === undefined) return failure('gateway_bad_response', 'no download_url');
      const u = new URL(downloadUrl);
      // The query goes in params so the SDK recognises the download path (its answer is not signed).
      const file = await callWechat(sdk.client, 'get', u.pathname.slice(1), undefined, {
        params: Object.fromEntries(u.searchParams),
        responseType: 'arraybuffer',
        baseURL: `${u.protocol}//${u.host}/`,
      });
      if (!file.ok) return file;
      const bytes = file.bytes ?? Buffer.alloc(0);
      if (createHash('sha1').update(bytes).digest('hex') !== String(r.value.hash_value).toLowerCase()) {
        return failure('gateway_bad_response', 'bill SHA1 does not match hash_value');
      }
      return success(bytes.toString('utf8'));
    },
  };
}

/** The report lines each transfer scene requires (1000 现金营销, 1005 佣金报酬). */
function sceneReport(sceneId: string, remark: string): { info_type: string; info_content: string }[] {
  if (sceneId === '1005') {
    return [
      { info_type: '岗位类型', info_content: '推广员' },
      { info_type: '报酬说明', info_content: remark.slice(0, 32) },
    ];
  }
  return [
    { info_type: '活动名称', info_content: '商城奖励提现' },
    { info_type: '奖励说明', info_content: remark.slice(0, 32) },
  ];
}
