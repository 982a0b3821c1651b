import type { BillPayment, BillRefund } from './bills';
import { beijing } from './http';

type Json = Record<string, unknown>;

/** What the WeChat double records, and the JSON shapes WeChat Pay answers them in. */
export interface WechatOrder {
  outTradeNo: string;
  appid: string;
  tradeType: 'JSAPI' | 'MWEB' | 'NATIVE';
  description: string;
  totalFen: number;
  notifyUrl: string;
  openid?: string;
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
  transactionId?: string;
  successTime?: string;
  paidAtMs?: number;
  refundedFen: number;
}

export interface WechatRefund {
  outRefundNo: string;
  outTradeNo: string;
  refundId: string;
  refundFen: number;
  status: 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
  notifyUrl?: string;
  createdAtMs: number;
}

export interface WechatTransfer {
  outBillNo: string;
  transferBillNo: string;
  openid: string;
  amountFen: number;
  state: 'WAIT_USER_CONFIRM' | 'SUCCESS' | 'FAIL' | 'CANCELLED';
  notifyUrl?: string;
  userName?: string;
  /** WeChat's reason for a FAIL (e.g. PAYEE_ACCOUNT_ABNORMAL), answered by the transfer query. */
  failReason?: string;
}

export const transactionJson = (mchid: string, o: WechatOrder): Json => ({
  appid: o.appid,
  mchid,
  out_trade_no: o.outTradeNo,
  ...(o.transactionId === undefined ? {} : { transaction_id: o.transactionId }),
  trade_type: o.tradeType,
  trade_state: o.state,
  trade_state_desc: o.state === 'SUCCESS' ? '支付成功' : o.state,
  ...(o.successTime === undefined ? {} : { success_time: o.successTime, bank_type: 'OTHERS' }),
  attach: '',
  payer: o.openid === undefined ? {} : { openid: o.openid },
  amount: { total: o.totalFen, payer_total: o.totalFen, currency: 'CNY', payer_currency: 'CNY' },
});

export const refundJson = (r: WechatRefund, o: WechatOrder | undefined): Json => {
  return {
    refund_id: r.refundId,
    out_refund_no: r.outRefundNo,
    transaction_id: o?.transactionId ?? '',
    out_trade_no: r.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    create_time: beijing(r.createdAtMs).rfc3339,
    status: r.status,
    amount: {
      total: o?.totalFen ?? 0,
      refund: r.refundFen,
      payer_total: o?.totalFen ?? 0,
      payer_refund: r.refundFen,
      currency: 'CNY',
    },
  };
};

export const transferJson = (mchid: string, appid: string, t: WechatTransfer): Json => ({
  mch_id: mchid,
  out_bill_no: t.outBillNo,
  transfer_bill_no: t.transferBillNo,
  appid,
  state: t.state,
  transfer_amount: t.amountFen,
  openid: t.openid,
  ...(t.state === 'WAIT_USER_CONFIRM' ? { package_info: `pkg_${t.transferBillNo}` } : {}),
  ...(t.state === 'FAIL' && t.failReason !== undefined ? { fail_reason: t.failReason } : {}),
  create_time: beijing(Date.now()).rfc3339,
  update_time: beijing(Date.now()).rfc3339,
});

export const wechatBillRows = (
  mchid: string,
  orders: Iterable<WechatOrder>,
  refunds: Iterable<WechatRefund>,
): { payments: BillPayment[]; refunds: BillRefund[] } => ({
  payments: [...orders]
    .filter((o) => o.paidAtMs !== undefined)
    .map((o) => ({
      atMs: o.paidAtMs ?? 0,
      appid: o.appid,
      mchid,
      gatewayTxnId: o.transactionId ?? '',
      outTradeNo: o.outTradeNo,
      payer: o.openid ?? '',
      tradeType: o.tradeType,
      amountFen: BigInt(o.totalFen),
      subject: o.description,
    })),
  refunds: [...refunds].map((r) => ({
    atMs: r.createdAtMs,
    outTradeNo: r.outTradeNo,
    outRefundNo: r.outRefundNo,
    gatewayRefundId: r.refundId,
    refundFen: BigInt(r.refundFen),
    status: r.status === 'SUCCESS' ? 'SUCCESS' : 'PROCESSING',
  })),
});
