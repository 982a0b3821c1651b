import { AlipaySdk, type AlipaySdkCommonResult } from 'alipay-sdk';
import { ALIPAY_MAX_TOTAL_FEN, fenToYuan, yuanToFen } from './amounts';
import type { AlipayConfig } from './config';
import {
  failure,
  success,
  type Acknowledgement,
  type AckVerdict,
  type CreatedPayment,
  type GatewayFailure,
  type GatewayProvider,
  type GatewayResult,
  type PaymentState,
  type RefundState,
  type TransferState,
} from './gateway';
import { parseAlipayNotification } from './alipay-notify';
import { readZip } from './zip';

/** Alipay (openapi gateway, RSA2) on the official alipay-sdk. */
export interface AlipayProvider extends GatewayProvider {
  readonly gateway: 'alipay';
  /** alipay.data.dataservice.bill.downloadurl.query: where the day's trade bill can be fetched (valid 30 s). */
  billDownloadUrl(billDate: string): Promise<GatewayResult<string>>;
  /** The day's trade detail bill (业务明细) as text: downloaded, unzipped and decoded from GBK. */
  downloadTradeBill(billDate: string): Promise<GatewayResult<string>>;
}

type Json = Record<string, unknown>;

const TRADE_STATES: Readonly<Record<string, PaymentState['status']>> = {
  WAIT_BUYER_PAY: 'pending',
  TRADE_SUCCESS: 'succeeded',
  TRADE_FINISHED: 'succeeded',
  TRADE_CLOSED: 'closed',
};

const TRANSFER_STATES: Readonly<Record<string, TransferState['status']>> = {
  SUCCESS: 'succeeded',
  FAIL: 'failed',
  REFUND: 'failed',
  DEALING: 'processing',
  WAIT_PAY: 'processing',
  INIT: 'processing',
};

const TRANSFER_PRODUCT = { product_code: 'TRANS_ACCOUNT_NO_PWD', biz_scene: 'DIRECT_TRANSFER' } as const;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Alipay's time format, Beijing time: "2024-01-01 12:00:00". */
export function alipayTime(iso: string): string {
  const shifted = new Date(new Date(iso).getTime() + 8 * 3600 * 1000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

function mapThrown(err: unknown): GatewayFailure {
  const e = err as { message?: string; cause?: { name?: string }; responseHttpStatus?: number };
  const message = e.message ?? 'Alipay call failed';
  if (message.includes('验签失败')) return failure('gateway_bad_response', 'the answer signature does not verify');
  if ((e.cause?.name ?? '').includes('Timeout')) return failure('gateway_timeout', 'Alipay did not answer in time');
  if (message.startsWith('Response 格式错误')) return failure('gateway_bad_response', 'the answer is not Alipay JSON');
  return failure('gateway_unavailable', message.slice(0, 200));
}

export function alipayProvider(config: AlipayConfig): AlipayProvider {
  const privateKey = config.privateKey.reveal();
  const sdk = new AlipaySdk({
    appId: config.appId,
    privateKey,
    keyType: privateKey.includes('BEGIN RSA PRIVATE KEY') ? 'PKCS1' : 'PKCS8',
    alipayPublicKey: config.alipayPublicKey,
    gateway: config.gatewayUrl,
    timeout: config.timeoutMs,
    camelcase: false,
  });

  /** One signed gateway call, its answer's signature checked; a business refusal keeps Alipay's sub_code. */
  const exec = async (method: string, bizContent: Json): Promise<GatewayResult<AlipaySdkCommonResult>> => {
    let res: AlipaySdkCommonResult;
    try {
      res = await sdk.exec(method, { bizContent }, { validateSign: true });
    } catch (err) {
      return mapThrown(err);
    }
    if (res.code === '10000') return success(res);
    const code = res.code === '20000' ? 'gateway_unavailable' : 'gateway_rejected';
    return failure(code, res.sub_msg ?? res.msg, res.sub_code ?? res.code);
  };

  const billDownloadUrl = async (billDate: string): Promise<GatewayResult<string>> => {
    const r = await exec('alipay.data.dataservice.bill.downloadurl.query', { bill_type: 'trade', bill_date: billDate });
    if (!r.ok) return r;
    const url = str(r.value.bill_download_url);
    return url === undefined ? failure('gateway_bad_response', 'no bill_download_url') : success(url);
  };

  const notFound = (r: GatewayFailure, codes: string[]) => r.gatewayCode !== undefined && codes.includes(r.gatewayCode);

  return {
    gateway: 'alipay',
    channels: config.channels,
    notifyUrl: config.notifyUrl,

    async createPayment(input): Promise<GatewayResult<CreatedPayment>> {
      if (!config.channels.includes(input.channel)) return failure('channel_unavailable', input.channel);
      if (input.amountFen < 1n || input.amountFen > ALIPAY_MAX_TOTAL_FEN) {
        return failure('amount_out_of_range', `Alipay takes 0.01..${fenToYuan(ALIPAY_MAX_TOTAL_FEN)} yuan`);
      }
      const wap = input.channel === 'alipay_wap';
      if (!wap && input.channel !== 'alipay_page') return failure('channel_unavailable', input.channel);
      const returnUrl = input.returnUrl ?? config.returnUrl;
      const url = sdk.pageExecute(wap ? 'alipay.trade.wap.pay' : 'alipay.trade.page.pay', 'GET', {
        bizContent: {
          out_trade_no: input.outTradeNo,
          total_amount: fenToYuan(input.amountFen),
          subject: input.description.slice(0, 256),
          product_code: wap ? 'QUICK_WAP_WAY' : 'FAST_INSTANT_TRADE_PAY',
          time_expire: alipayTime(input.expiresAt),
        },
        notifyUrl: config.notifyUrl,
        ...(returnUrl === undefined ? {} : { returnUrl }),
      });
      return success({ kind: 'redirect', url });
    },

    async parseNotification(request) {
      return parseAlipayNotification(config, request, (params) => sdk.checkNotifySignV2(params));
    },

    acknowledgement(verdict: AckVerdict): Acknowledgement {
      // Alipay reads the body only: the 7 characters "success" stop the retries, anything else asks for more.
      if (verdict === 'accepted') return { status: 200, contentType: 'text/plain', body: 'success' };
      return { status: verdict === 'refused' ? 400 : 503, contentType: 'text/plain', body: 'fail' };
    },

    async queryPayment(outTradeNo) {
      const r = await exec('alipay.trade.query', { out_trade_no: outTradeNo });
      if (!r.ok) return notFound(r, ['ACQ.TRADE_NOT_EXIST']) ? success({ outTradeNo, status: 'not_found' }) : r;
      const d = r.value;
      const amountFen = yuanToFen(String(d.total_amount ?? ''));
      const txn = str(d.trade_no);
      const paidAt = str(d.send_pay_date);
      return success({
        outTradeNo,
        status: TRADE_STATES[String(d.trade_status)] ?? 'pending',
        ...(txn === undefined ? {} : { gatewayTxnId: txn }),
        ...(amountFen === undefined ? {} : { amountFen }),
        ...(paidAt === undefined ? {} : { paidAt }),
        appId: config.appId,
      });
    },

    async closePayment(outTradeNo) {
      const r = await exec('alipay.trade.close', { out_trade_no: outTradeNo });
      return r.ok ? success({ closed: true as const }) : r;
    },

    async refund(input) {
      if (input.refundFen < 1n || input.refundFen > input.totalFen) {
        return failure('amount_out_of_range', 'a refund is 0.01 yuan up to the payment amount');
      }
      const r = await exec('alipay.trade.refund', {
        out_trade_no: input.outTradeNo,
        out_request_no: input.outRefundNo,
        refund_amount: fenToYuan(input.refundFen),
        refund_reason: input.reason.slice(0, 256),
      });
      if (!r.ok) return r;
      const txn = str(r.value.trade_no);
      // fund_change "Y" is a refund that moved money now; "N" (or absent) means ask the refund query later.
      const state: RefundState = {
        outTradeNo: input.outTradeNo,
        outRefundNo: input.outRefundNo,
        status: r.value.fund_change === 'Y' ? 'succeeded' : 'processing',
        refundFen: input.refundFen,
        ...(txn === undefined ? {} : { gatewayRefundId: txn }),
      };
      return success(state);
    },

    async queryRefund(outTradeNo, outRefundNo) {
      const r = await exec('alipay.trade.fastpay.refund.query', {
        out_trade_no: outTradeNo,
        out_request_no: outRefundNo,
      });
      if (!r.ok) return r;
      const d = r.value;
      const refundFen = yuanToFen(String(d.refund_amount ?? ''));
      // No refund data in a 10000 answer means Alipay never accepted this out_request_no.
      if (refundFen === undefined) return success({ outTradeNo, outRefundNo, status: 'not_found' });
      const txn = str(d.trade_no);
      const ok = d.refund_status === undefined || d.refund_status === 'REFUND_SUCCESS';
      return success({
        outTradeNo,
        outRefundNo,
        status: ok ? 'succeeded' : 'processing',
        refundFen,
        ...(txn === undefined ? {} : { gatewayRefundId: txn }),
      });
    },

    async transfer(input) {
      if (input.amountFen < 10n) return failure('amount_out_of_range', 'an Alipay transfer is at least 0.10 yuan');
      const userId = /^2088[0-9]{12}$/.test(input.payee);
      if (!userId && input.payeeName === undefined) return failure('gateway_rejected', 'a login id payee needs a name');
      const r = await exec('alipay.fund.trans.uni.transfer', {
        out_biz_no: input.outBillNo,
        trans_amount: fenToYuan(input.amountFen),
        ...TRANSFER_PRODUCT,
        order_title: input.remark.slice(0, 128),
        payee_info: {
          identity: input.payee,
          identity_type: userId ? 'ALIPAY_USER_ID' : 'ALIPAY_LOGON_ID',
          ...(input.payeeName === undefined ? {} : { name: input.payeeName }),
        },
        remark: input.remark.slice(0, 200),
      });
      if (!r.ok) return r;
      const id = str(r.value.order_id);
      return success({
        outBillNo: input.outBillNo,
        status: TRANSFER_STATES[String(r.value.status)] ?? 'processing',
        amountFen: input.amountFen,
        ...(id === undefined ? {} : { gatewayTransferId: id }),
      });
    },

    async queryTransfer(outBillNo) {
      const r = await exec('alipay.fund.trans.common.query', { out_biz_no: outBillNo, ...TRANSFER_PRODUCT });
      if (!r.ok) return notFound(r, ['ORDER_NOT_EXIST']) ? success({ outBillNo, status: 'not_found' }) : r;
      const d = r.value;
      const id = str(d.order_id);
      const amountFen = yuanToFen(String(d.trans_amount ?? ''));
      const reason = str(d.fail_reason);
      return success({
        outBillNo,
        status: TRANSFER_STATES[String(d.status)] ?? 'processing',
        ...(id === undefined ? {} : { gatewayTransferId: id }),
        ...(amountFen === undefined ? {} : { amountFen }),
        ...(reason === undefined ? {} : { failReason: reason }),
      });
    },

    billDownloadUrl,

    async downloadTradeBill(billDate) {
      const url = await billDownloadUrl(billDate);
      if (!url.ok) return url;
      let zip: Buffer;
      try {
        const res = await fetch(url.value, { signal: AbortSignal.timeout(config.timeoutMs) });
        if (res.status !== 200) return failure('gateway_unavailable', `bill download answered ${res.status}`);
        zip = Buffer.from(await res.arrayBuffer());
      } catch (err) {
        const timedOut = err instanceof Error && err.name === 'TimeoutError';
        return failure(timedOut ? 'gateway_timeout' : 'gateway_unavailable', 'bill download failed');
      }
      const gbk = new TextDecoder('gbk');
      const detail = readZip(zip)?.find((e) => gbk.decode(e.nameBytes).endsWith('_业务明细.csv'));
      if (detail === undefined) return failure('gateway_bad_response', 'no 业务明细 file in the bill archive');
      return success(gbk.decode(detail.data));
    },
  };
}
