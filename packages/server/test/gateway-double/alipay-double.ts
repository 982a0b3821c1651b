import { randomBytes, type KeyObject } from 'node:crypto';
import { fenToYuan, yuanToFen } from '../../src/money/payments/amounts';
import { alipayTradeBill, type BillDifferences, type BillPayment, type BillRefund } from './bills';
import { beijing, cashierPage, text, type DoubleRequest, type DoubleResponse, type Handler } from './http';
import { encodeGbk, writeZip } from './zip-gbk';
import { ALIPAY_RETRY_SECONDS, Notifier, type Delivery, type DeliveryOptions, type OutgoingRequest } from './notifier';
import { rsaSign, rsaVerify } from './wechat-wire';

type Json = Record<string, unknown>;

export interface AlipayTrade {
  outTradeNo: string;
  tradeNo: string;
  totalFen: bigint;
  subject: string;
  notifyUrl?: string;
  status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_FINISHED' | 'TRADE_CLOSED';
  paidAtMs?: number;
  createdAtMs: number;
  refundedFen: bigint;
  refunds: Map<string, { refundFen: bigint; atMs: number }>;
}

export interface AlipayTransfer {
  outBizNo: string;
  orderId: string;
  amountFen: bigint;
  payee: string;
  status: 'SUCCESS' | 'FAIL';
}

export interface AlipayDoubleSetup {
  appId: string;
  sellerId: string;
  appPublicKey: KeyObject;
  alipayPrivateKey: KeyObject;
  timeFactor: number;
  baseUrl: () => string;
}

/** "k=v&k=v" over the sorted parameters, values as they are (not URL-encoded): Alipay's RSA2 content. */
export function alipaySignContent(params: Record<string, string>, exclude: readonly string[]): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k))
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** Alipay's bill download: a zip of GBK CSVs named "{PID}0156_{yyyymmdd}_业务明细.csv" and its (汇总) summary. */
function alipayBillZip(sellerId: string, date: string, detail: string): Buffer {
  const day = date.replaceAll('-', '');
  const summary = `#支付宝业务汇总查询\r\n#账号：[${sellerId}]\r\n`;
  return writeZip([
    { nameBytes: encodeGbk(`${sellerId}0156_${day}_业务明细.csv`), data: encodeGbk(detail) },
    { nameBytes: encodeGbk(`${sellerId}0156_${day}_业务明细(汇总).csv`), data: encodeGbk(summary) },
  ]);
}

export function alipayDouble(setup: AlipayDoubleSetup) {
  const trades = new Map<string, AlipayTrade>();
  const transfers = new Map<string, AlipayTransfer>();
  const bills = new Map<string, Buffer>();
  const requests: { method: string; refused?: string }[] = [];
  const notifier = new Notifier(setup.timeFactor, ALIPAY_RETRY_SECONDS, (_status, body) => body === 'success');
  let seq = 0;
  let differences: BillDifferences = {};

  /** Alipay's answer: the method's response object and the RSA2 signature over exactly its JSON text. */
  const answer = (method: string, value: Json): DoubleResponse => {
    const inner = JSON.stringify(value);
    const key = `${method.replaceAll('.', '_')}_response`;
    const body = `{"${key}":${inner},"sign":"${rsaSign(inner, setup.alipayPrivateKey)}"}`;
    return { status: 200, headers: { 'content-type': 'application/json;charset=utf-8' }, body };
  };
  const ok = (method: string, value: Json) => answer(method, { code: '10000', msg: 'Success', ...value });
  const biz = (method: string, subCode: string, subMsg: string) =>
    answer(method, { code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg });

  const notificationParams = (t: AlipayTrade, extra: Record<string, string> = {}): Record<string, string> => {
    const amount = fenToYuan(t.totalFen);
    const now = beijing(Date.now()).plain;
    return {
      gmt_create: beijing(t.createdAtMs).plain,
      charset: 'utf-8',
      ...(t.paidAtMs === undefined ? {} : { gmt_payment: beijing(t.paidAtMs).plain }),
      notify_time: now,
      subject: t.subject,
      buyer_id: '2088102177846880',
      invoice_amount: amount,
      version: '1.0',
      notify_id: randomBytes(16).toString('hex'),
      fund_bill_list: JSON.stringify([{ amount, fundChannel: 'ALIPAYACCOUNT' }]),
      notify_type: 'trade_status_sync',
      out_trade_no: t.outTradeNo,
      total_amount: amount,
      trade_status: t.status,
      trade_no: t.tradeNo,
      auth_app_id: setup.appId,
      receipt_amount: amount,
      point_amount: '0.00',
      buyer_pay_amount: amount,
      app_id: setup.appId,
      seller_id: setup.sellerId,
      ...extra,
    };
  };

  /** Signs notification parameters like Alipay (sign and sign_type left out of the content) and form-encodes. */
  const notification = (params: Record<string, string>, key: KeyObject = setup.alipayPrivateKey): OutgoingRequest => {
    const signed = { ...params, sign_type: 'RSA2' };
    const sign = rsaSign(alipaySignContent(signed, ['sign', 'sign_type']), key);
    return {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams({ ...signed, sign }).toString(),
    };
  };

  const send = (t: AlipayTrade, extra: Record<string, string>, options: DeliveryOptions = {}): Delivery => {
    if (t.notifyUrl === undefined) throw new Error(`trade ${t.outTradeNo} has no notify_url`);
    const params = notificationParams(t, extra); // one notify_id for every retry of this notification
    return notifier.send(t.notifyUrl, () => notification(params), options);
  };

  const verifyOurs = (params: Record<string, string>): string | undefined => {
    if (params.app_id !== setup.appId) return 'app_id';
    if (params.sign_type !== 'RSA2') return 'sign_type';
    const content = alipaySignContent(params, ['sign']);
    return rsaVerify(content, params.sign ?? '', setup.appPublicKey) ? undefined : 'sign';
  };

  const pagePay = (params: Record<string, string>, content: Json): DoubleResponse => {
    const outTradeNo = String(content.out_trade_no ?? '');
    const totalFen = yuanToFen(String(content.total_amount ?? ''));
    if (outTradeNo === '' || totalFen === undefined) return text(400, 'ILLEGAL_ARGUMENT out_trade_no/total_amount');
    const existing = trades.get(outTradeNo);
    if (existing === undefined) {
      trades.set(outTradeNo, {
        outTradeNo,
        tradeNo: `2026${Date.now()}${String((seq += 1)).padStart(6, '0')}`,
        totalFen,
        subject: String(content.subject ?? ''),
        ...(params.notify_url === undefined ? {} : { notifyUrl: params.notify_url }),
        status: 'WAIT_BUYER_PAY',
        createdAtMs: Date.now(),
        refundedFen: 0n,
        refunds: new Map(),
      });
    } else if (existing.totalFen !== totalFen) return text(400, 'TRADE_HAS_CHANGE 交易信息被篡改');
    return text(200, cashierPage('支付宝收银台', `alipay/pay/${outTradeNo}`, totalFen, params.return_url), 'text/html');
  };

  const exec = (method: string, c: Json): DoubleResponse => {
    const t = trades.get(String(c.out_trade_no ?? ''));
    if (method === 'alipay.trade.query') {
      if (t === undefined) return biz(method, 'ACQ.TRADE_NOT_EXIST', '交易不存在');
      return ok(method, {
        trade_no: t.tradeNo,
        out_trade_no: t.outTradeNo,
        trade_status: t.status,
        total_amount: fenToYuan(t.totalFen),
        ...(t.paidAtMs === undefined ? {} : { send_pay_date: beijing(t.paidAtMs).plain }),
      });
    }
    if (method === 'alipay.trade.close') {
      if (t === undefined) return biz(method, 'ACQ.TRADE_NOT_EXIST', '交易不存在');
      if (t.status !== 'WAIT_BUYER_PAY') return biz(method, 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
      t.status = 'TRADE_CLOSED';
      return ok(method, { trade_no: t.tradeNo, out_trade_no: t.outTradeNo });
    }
    if (method === 'alipay.trade.refund') return refund(method, t, c);
    if (method === 'alipay.trade.fastpay.refund.query') {
      const r = t?.refunds.get(String(c.out_request_no ?? ''));
      if (t === undefined || r === undefined) return ok(method, {});
      return ok(method, {
        trade_no: t.tradeNo,
        out_trade_no: t.outTradeNo,
        out_request_no: c.out_request_no,
        total_amount: fenToYuan(t.totalFen),
        refund_amount: fenToYuan(r.refundFen),
        refund_status: 'REFUND_SUCCESS',
      });
    }
    if (method === 'alipay.fund.trans.uni.transfer') return transfer(method, c);
    if (method === 'alipay.fund.trans.common.query') {
      const x = transfers.get(String(c.out_biz_no ?? ''));
      if (x === undefined) return biz(method, 'ORDER_NOT_EXIST', '转账订单不存在');
      return ok(method, {
        order_id: x.orderId,
        out_biz_no: x.outBizNo,
        status: x.status,
        trans_amount: fenToYuan(x.amountFen),
      });
    }
    if (method === 'alipay.data.dataservice.bill.downloadurl.query') {
      const token = randomBytes(12).toString('hex');
      const date = String(c.bill_date ?? '');
      bills.set(
        token,
        alipayBillZip(setup.sellerId, date, alipayTradeBill(date, setup.sellerId, billRows(), differences)),
      );
      return ok(method, { bill_download_url: `${setup.baseUrl()}alipay/bill?token=${token}` });
    }
    return answer(method, { code: '40004', msg: 'Business Failed', sub_code: 'isv.invalid-method', sub_msg: method });
  };

  const refund = (method: string, t: AlipayTrade | undefined, c: Json): DoubleResponse => {
    if (t === undefined) return biz(method, 'ACQ.TRADE_NOT_EXIST', '交易不存在');
    const amount = yuanToFen(String(c.refund_amount ?? ''));
    const requestNo = String(c.out_request_no ?? t.tradeNo);
    if (amount === undefined || amount < 1n) return biz(method, 'ACQ.INVALID_PARAMETER', 'refund_amount');
    const previous = t.refunds.get(requestNo);
    // The same out_request_no again is the same refund: answered, not repeated (fund_change N).
    if (previous !== undefined) {
      return ok(method, {
        trade_no: t.tradeNo,
        out_trade_no: t.outTradeNo,
        refund_fee: fenToYuan(t.refundedFen),
        fund_change: 'N',
      });
    }
    if (t.status !== 'TRADE_SUCCESS') return biz(method, 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
    if (t.refundedFen + amount > t.totalFen) return biz(method, 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
    const atMs = Date.now();
    t.refundedFen += amount;
    t.refunds.set(requestNo, { refundFen: amount, atMs });
    if (t.refundedFen === t.totalFen) t.status = 'TRADE_CLOSED';
    if (t.notifyUrl !== undefined) {
      send(t, {
        refund_fee: fenToYuan(t.refundedFen),
        gmt_refund: `${beijing(atMs).plain}.000`,
        out_biz_no: requestNo,
        ...(t.status === 'TRADE_CLOSED' ? { gmt_close: beijing(atMs).plain } : {}),
      });
    }
    return ok(method, {
      trade_no: t.tradeNo,
      out_trade_no: t.outTradeNo,
      refund_fee: fenToYuan(t.refundedFen),
      fund_change: 'Y',
    });
  };

  const transfer = (method: string, c: Json): DoubleResponse => {
    const outBizNo = String(c.out_biz_no ?? '');
    const amountFen = yuanToFen(String(c.trans_amount ?? ''));
    const payee = (c.payee_info ?? {}) as Json;
    if (c.product_code !== 'TRANS_ACCOUNT_NO_PWD' || c.biz_scene !== 'DIRECT_TRANSFER') {
      return biz(method, 'INVALID_PARAMETER', 'product_code/biz_scene');
    }
    if (outBizNo === '' || amountFen === undefined || amountFen < 10n)
      return biz(method, 'INVALID_PARAMETER', 'trans_amount');
    if (payee.identity_type === 'ALIPAY_LOGON_ID' && typeof payee.name !== 'string') {
      return biz(method, 'PAYEE_USER_INFO_ERROR', '收款方姓名必填');
    }
    const existing = transfers.get(outBizNo);
    const x = existing ?? {
      outBizNo,
      orderId: `2026${Date.now()}${String((seq += 1)).padStart(6, '0')}`,
      amountFen,
      payee: String(payee.identity ?? ''),
      status: 'SUCCESS' as const,
    };
    transfers.set(outBizNo, x);
    return ok(method, {
      out_biz_no: outBizNo,
      order_id: x.orderId,
      pay_fund_order_id: `P${x.orderId}`,
      status: x.status,
      trans_date: beijing(Date.now()).plain,
    });
  };

  const billRows = (): { payments: BillPayment[]; refunds: BillRefund[] } => ({
    payments: [...trades.values()]
      .filter((t) => t.paidAtMs !== undefined)
      .map((t) => ({
        atMs: t.paidAtMs ?? 0,
        appid: setup.appId,
        mchid: setup.sellerId,
        gatewayTxnId: t.tradeNo,
        outTradeNo: t.outTradeNo,
        payer: 'buyer@example.com',
        tradeType: '交易',
        amountFen: t.totalFen,
        subject: t.subject,
      })),
    refunds: [...trades.values()].flatMap((t) =>
      [...t.refunds].map(([no, r]) => ({
        atMs: r.atMs,
        outTradeNo: t.outTradeNo,
        outRefundNo: no,
        gatewayRefundId: t.tradeNo,
        refundFen: r.refundFen,
        status: 'SUCCESS' as const,
      })),
    ),
  });

  const handler: Handler = async (req: DoubleRequest) => {
    const p = req.url.pathname;
    if (p === '/alipay/bill') {
      const bill = bills.get(req.url.searchParams.get('token') ?? '');
      if (bill === undefined) return text(404, 'not found');
      return { status: 200, headers: { 'content-type': 'application/zip' }, body: bill };
    }
    if (p !== '/gateway.do') return undefined;
    const params: Record<string, string> = Object.fromEntries(req.url.searchParams);
    for (const [k, v] of new URLSearchParams(req.rawBody)) params[k] = v;
    const method = params.method ?? '';
    const refused = verifyOurs(params);
    requests.push({ method, ...(refused === undefined ? {} : { refused }) });
    if (refused !== undefined) {
      if (req.method === 'GET') return text(400, `invalid-signature (${refused})`);
      return answer(method, {
        code: '40002',
        msg: 'Invalid Arguments',
        sub_code: 'isv.invalid-signature',
        sub_msg: `验签出错 ${refused}`,
      });
    }
    let content: Json = {};
    try {
      content = JSON.parse(params.biz_content ?? '{}') as Json;
    } catch {
      return answer(method, { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-biz-content' });
    }
    if (req.method === 'GET' && (method === 'alipay.trade.wap.pay' || method === 'alipay.trade.page.pay')) {
      return pagePay(params, content);
    }
    return exec(method, content);
  };

  return {
    handler,
    trades,
    transfers,
    requests,
    notifier,
    /** The buyer paid in the cashier: TRADE_SUCCESS, and the notification unless notify is false. */
    pay(outTradeNo: string, options: DeliveryOptions & { notify?: boolean } = {}): Delivery | undefined {
      const t = trades.get(outTradeNo);
      if (t === undefined || t.status !== 'WAIT_BUYER_PAY') throw new Error(`trade ${outTradeNo} is not payable`);
      t.status = 'TRADE_SUCCESS';
      t.paidAtMs = Date.now();
      return options.notify === false ? undefined : send(t, {}, options);
    },
    notifyPayment(outTradeNo: string, options: DeliveryOptions = {}): Delivery {
      const t = trades.get(outTradeNo);
      if (t === undefined) throw new Error(`no trade ${outTradeNo}`);
      return send(t, {}, options);
    },
    /** The refund window ended: TRADE_FINISHED, notified again (one trade, several notifications). */
    finish(outTradeNo: string): Delivery {
      const t = trades.get(outTradeNo);
      if (t === undefined) throw new Error(`no trade ${outTradeNo}`);
      t.status = 'TRADE_FINISHED';
      return send(t, {});
    },
    notificationParams,
    notification,
    setBillDifferences(d: BillDifferences): void {
      differences = d;
    },
    billRows,
  };
}

export type AlipayDouble = ReturnType<typeof alipayDouble>;
