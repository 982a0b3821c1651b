import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { beijing, json, text, type DoubleRequest, type DoubleResponse, type Handler } from './http';
import { Notifier, WECHAT_RETRY_SECONDS, type Delivery, type DeliveryOptions, type OutgoingRequest } from './notifier';
import { checkMerchantSignature, encryptResource, nonce, signedHeaders, type WechatSigner } from './wechat-wire';
import { wechatTradeBill, type BillDifferences } from './bills';
import {
  refundJson,
  transactionJson,
  transferJson,
  wechatBillRows,
  type WechatOrder,
  type WechatRefund,
  type WechatTransfer,
} from './wechat-records';

type Json = Record<string, unknown>;

export interface WechatDoubleSetup {
  mchid: string;
  appid: string;
  appSecret: string;
  merchantSerial: string;
  merchantPublicKey: KeyObject;
  apiV3Key: Buffer;
  /** Keys WeChat signs with, by id; `signWith` picks the one in use (a switch changes it mid-test). */
  signers: WechatSigner[];
  timeFactor: number;
  baseUrl: () => string;
}

function fail(status: number, code: string, message: string): DoubleResponse {
  return json(status, { code, message });
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

export function wechatDouble(setup: WechatDoubleSetup) {
  const orders = new Map<string, WechatOrder>();
  const refunds = new Map<string, WechatRefund>();
  const transfers = new Map<string, WechatTransfer>();
  const oauthCodes = new Map<string, string>();
  const billTokens = new Map<string, string>();
  const prepays = new Map<string, string>();
  const requests: { method: string; path: string; refused?: string }[] = [];
  const notifier = new Notifier(setup.timeFactor, WECHAT_RETRY_SECONDS, (status) => status === 200 || status === 204);
  let signer: WechatSigner = setup.signers[0] as WechatSigner;
  let txnSeq = 0;

  /** Signs an answer with the key in use, as WeChat Pay signs every API answer. */
  const answer = (status: number, value?: Json): DoubleResponse => {
    const body = value === undefined ? '' : JSON.stringify(value);
    const headers = signedHeaders(signer, body, Math.floor(Date.now() / 1000));
    return { status, headers: { 'content-type': 'application/json', ...headers }, body };
  };

  /** A notification as WeChat Pay builds it: encrypted resource, signed headers, fresh timestamp per attempt. */
  const notification = (eventType: string, resource: Json, opts: NotificationOptions = {}): OutgoingRequest => {
    const id = opts.id ?? randomBytes(16).toString('hex');
    const originalType = eventType.startsWith('REFUND')
      ? 'refund'
      : eventType.startsWith('MCH')
        ? 'mch_payment'
        : 'transaction';
    const body = JSON.stringify({
      id,
      create_time: beijing(Date.now()).rfc3339,
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: eventType === 'TRANSACTION.SUCCESS' ? '支付成功' : '通知',
      resource: encryptResource(opts.apiV3Key ?? setup.apiV3Key, JSON.stringify(resource), originalType),
    });
    const ts = Math.floor(Date.now() / 1000) + (opts.timestampOffsetSeconds ?? 0);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...signedHeaders(opts.signer ?? signer, body, ts),
    };
    if (opts.signtest === true) headers['Wechatpay-Signature'] = `WECHATPAY/SIGNTEST/${nonce()}`;
    return { headers, body };
  };

  const send = (url: string, eventType: string, resource: Json, delivery: DeliveryOptions = {}): Delivery => {
    const id = randomBytes(16).toString('hex');
    // Retries carry the same notification id and body content, newly signed each time.
    return notifier.send(url, () => notification(eventType, resource, { id }), delivery);
  };

  const createOrder = (tradeType: WechatOrder['tradeType'], body: Json): DoubleResponse => {
    if (body.appid !== setup.appid || body.mchid !== setup.mchid) return fail(400, 'INVALID_REQUEST', 'appid/mchid');
    const amount = (body.amount ?? {}) as Json;
    const outTradeNo = body.out_trade_no;
    if (typeof outTradeNo !== 'string' || !/^[0-9A-Za-z_\-|*]{6,32}$/.test(outTradeNo)) {
      return fail(400, 'PARAM_ERROR', 'out_trade_no');
    }
    if (!isInt(amount.total) || typeof body.notify_url !== 'string' || typeof body.description !== 'string') {
      return fail(400, 'PARAM_ERROR', 'amount.total, notify_url and description are required');
    }
    const payer = (body.payer ?? {}) as Json;
    if (tradeType === 'JSAPI' && typeof payer.openid !== 'string') return fail(400, 'PARAM_ERROR', 'payer.openid');
    if (tradeType === 'MWEB' && typeof (body.scene_info as Json | undefined)?.payer_client_ip !== 'string') {
      return fail(400, 'PARAM_ERROR', 'scene_info.payer_client_ip');
    }
    const existing = orders.get(outTradeNo);
    if (existing !== undefined && existing.state !== 'NOTPAY') return fail(400, 'ORDERPAID', '该订单已支付');
    if (existing !== undefined && existing.totalFen !== amount.total) return fail(400, 'INVALID_REQUEST', '订单号重复');
    orders.set(outTradeNo, {
      outTradeNo,
      appid: setup.appid,
      tradeType,
      description: body.description,
      totalFen: amount.total,
      notifyUrl: body.notify_url,
      ...(typeof payer.openid === 'string' ? { openid: payer.openid } : {}),
      state: 'NOTPAY',
      refundedFen: 0,
    });
    const prepay = `wx${randomBytes(14).toString('hex')}`;
    prepays.set(prepay, outTradeNo);
    if (tradeType === 'JSAPI') return answer(200, { prepay_id: prepay });
    if (tradeType === 'MWEB') return answer(200, { h5_url: `${setup.baseUrl()}wechat/h5/${prepay}` });
    return answer(200, { code_url: `weixin://wxpay/bizpayurl?pr=${prepay.slice(2, 12)}` });
  };

  const refund = (body: Json): DoubleResponse => {
    const o = orders.get(String(body.out_trade_no));
    const amount = (body.amount ?? {}) as Json;
    const outRefundNo = body.out_refund_no;
    if (o === undefined) return fail(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    if (typeof outRefundNo !== 'string' || !isInt(amount.refund) || amount.total !== o.totalFen) {
      return fail(400, 'PARAM_ERROR', 'out_refund_no, amount.refund and amount.total (= order total) are required');
    }
    const existing = refunds.get(outRefundNo);
    if (existing !== undefined) {
      return existing.refundFen === amount.refund
        ? answer(200, refundJson(existing, o))
        : fail(400, 'INVALID_REQUEST', '退款单号重复');
    }
    if (o.state !== 'SUCCESS' && o.state !== 'REFUND') return fail(400, 'INVALID_REQUEST', '订单未支付');
    if (o.refundedFen + amount.refund > o.totalFen) return fail(403, 'NOT_ENOUGH', '可退金额不足');
    o.refundedFen += amount.refund;
    const r: WechatRefund = {
      outRefundNo,
      outTradeNo: o.outTradeNo,
      refundId: `50${Date.now()}${String((txnSeq += 1)).padStart(6, '0')}`,
      refundFen: amount.refund,
      status: 'PROCESSING',
      ...(typeof body.notify_url === 'string' ? { notifyUrl: body.notify_url } : {}),
      createdAtMs: Date.now(),
    };
    refunds.set(outRefundNo, r);
    return answer(200, refundJson(r, orders.get(r.outTradeNo)));
  };

  const transfer = (body: Json): DoubleResponse => {
    const outBillNo = body.out_bill_no;
    if (body.appid !== setup.appid || typeof outBillNo !== 'string' || typeof body.openid !== 'string') {
      return fail(400, 'PARAM_ERROR', 'appid, out_bill_no and openid are required');
    }
    if (!isInt(body.transfer_amount) || typeof body.transfer_scene_id !== 'string') {
      return fail(400, 'PARAM_ERROR', 'transfer_amount and transfer_scene_id are required');
    }
    const existing = transfers.get(outBillNo);
    if (existing !== undefined) return answer(200, transferJson(setup.mchid, setup.appid, existing));
    const t: WechatTransfer = {
      outBillNo,
      transferBillNo: `1330${Date.now()}${String((txnSeq += 1)).padStart(6, '0')}`,
      openid: body.openid,
      amountFen: body.transfer_amount,
      state: 'WAIT_USER_CONFIRM',
      ...(typeof body.notify_url === 'string' ? { notifyUrl: body.notify_url } : {}),
      ...(typeof body.user_name === 'string' ? { userName: body.user_name } : {}),
    };
    transfers.set(outBillNo, t);
    const { out_bill_no, transfer_bill_no, create_time, state, package_info } = transferJson(
      setup.mchid,
      setup.appid,
      t,
    );
    return answer(200, { out_bill_no, transfer_bill_no, create_time, state, package_info });
  };

  let differences: BillDifferences = {};
  const billRows = () => wechatBillRows(setup.mchid, orders.values(), refunds.values());

  const routes = async (req: DoubleRequest): Promise<DoubleResponse | undefined> => {
    const p = req.url.pathname;
    if (p === '/sns/oauth2/access_token') return oauth(req.url.searchParams);
    if (!p.startsWith('/v3/')) return undefined;
    const refused = checkMerchantSignature(
      { mchid: setup.mchid, serial: setup.merchantSerial, publicKey: setup.merchantPublicKey },
      req.method,
      `${p}${req.url.search}`,
      req.headers,
      req.rawBody,
      Date.now(),
    );
    requests.push({ method: req.method, path: p, ...(refused === undefined ? {} : { refused }) });
    if (refused !== undefined) return fail(401, 'SIGN_ERROR', refused);
    if (p === '/v3/billdownload/file') {
      const bill = billTokens.get(req.url.searchParams.get('token') ?? '');
      return bill === undefined
        ? fail(404, 'NO_STATEMENT_EXIST', '账单不存在')
        : text(200, bill, 'text/csv; charset=utf-8');
    }
    let body: Json = {};
    if (req.rawBody !== '') {
      try {
        body = JSON.parse(req.rawBody) as Json;
      } catch {
        return fail(400, 'PARAM_ERROR', 'body is not JSON');
      }
    }
    const tail = (prefix: string) => decodeURIComponent(p.slice(prefix.length));
    if (req.method === 'POST' && p === '/v3/pay/transactions/jsapi') return createOrder('JSAPI', body);
    if (req.method === 'POST' && p === '/v3/pay/transactions/h5') return createOrder('MWEB', body);
    if (req.method === 'POST' && p === '/v3/pay/transactions/native') return createOrder('NATIVE', body);
    if (req.method === 'POST' && p.startsWith('/v3/pay/transactions/out-trade-no/') && p.endsWith('/close')) {
      const o = orders.get(decodeURIComponent(p.slice(34, -6)));
      if (o === undefined) return fail(404, 'ORDER_NOT_EXIST', '订单不存在');
      if (o.state !== 'NOTPAY') return fail(400, 'ORDERPAID', '订单已支付');
      o.state = 'CLOSED';
      return answer(204);
    }
    if (req.method === 'GET' && p.startsWith('/v3/pay/transactions/out-trade-no/')) {
      if (req.url.searchParams.get('mchid') !== setup.mchid) return fail(400, 'PARAM_ERROR', 'mchid');
      const o = orders.get(tail('/v3/pay/transactions/out-trade-no/'));
      return o === undefined
        ? fail(404, 'ORDER_NOT_EXIST', '订单不存在')
        : answer(200, transactionJson(setup.mchid, o));
    }
    if (req.method === 'POST' && p === '/v3/refund/domestic/refunds') return refund(body);
    if (req.method === 'GET' && p.startsWith('/v3/refund/domestic/refunds/')) {
      const r = refunds.get(tail('/v3/refund/domestic/refunds/'));
      return r === undefined
        ? fail(404, 'RESOURCE_NOT_EXISTS', '退款单不存在')
        : answer(200, refundJson(r, orders.get(r.outTradeNo)));
    }
    if (req.method === 'POST' && p === '/v3/fund-app/mch-transfer/transfer-bills') return transfer(body);
    if (req.method === 'GET' && p.startsWith('/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/')) {
      const t = transfers.get(tail('/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/'));
      return t === undefined
        ? fail(404, 'NOT_FOUND', '转账单不存在')
        : answer(200, transferJson(setup.mchid, setup.appid, t));
    }
    if (req.method === 'GET' && p === '/v3/bill/tradebill') {
      const date = req.url.searchParams.get('bill_date') ?? '';
      const csv = wechatTradeBill(date, billRows(), differences);
      const token = randomBytes(12).toString('hex');
      billTokens.set(token, csv);
      return answer(200, {
        hash_type: 'SHA1',
        hash_value: createHash('sha1').update(csv, 'utf8').digest('hex'),
        download_url: `${setup.baseUrl()}v3/billdownload/file?token=${token}`,
      });
    }
    return fail(404, 'NOT_FOUND', `no route ${req.method} ${p}`);
  };

  const oauth = (q: URLSearchParams): DoubleResponse => {
    if (q.get('appid') !== setup.appid || q.get('secret') !== setup.appSecret) {
      return json(200, { errcode: 40125, errmsg: 'invalid appsecret' });
    }
    if (q.get('grant_type') !== 'authorization_code')
      return json(200, { errcode: 40002, errmsg: 'invalid grant_type' });
    const openid = oauthCodes.get(q.get('code') ?? '');
    if (openid === undefined) return json(200, { errcode: 40029, errmsg: 'invalid code' });
    oauthCodes.delete(q.get('code') ?? '');
    return json(200, { access_token: nonce(), expires_in: 7200, refresh_token: nonce(), openid, scope: 'snsapi_base' });
  };

  return {
    handler: routes satisfies Handler,
    orders,
    /** prepay id -> out_trade_no, for the H5 cashier page. */
    prepays,
    refunds,
    transfers,
    requests,
    notifier,
    /** Switches the key WeChat signs with (platform certificate <-> public key id), as during a migration. */
    signWith(id: string): void {
      const next = setup.signers.find((s) => s.id === id);
      if (next === undefined) throw new Error(`no signer ${id}`);
      signer = next;
    },
    /** The shopper opened WeChat's authorisation page and WeChat redirects back with this code. */
    issueOauthCode(openid: string): string {
      const code = randomBytes(12).toString('hex');
      oauthCodes.set(code, openid);
      return code;
    },
    /** The shopper pays: the order succeeds and (unless notify is false) the notification goes out. */
    pay(
      outTradeNo: string,
      options: DeliveryOptions & { notify?: boolean; openid?: string } = {},
    ): Delivery | undefined {
      const o = orders.get(outTradeNo);
      if (o === undefined || o.state !== 'NOTPAY') throw new Error(`order ${outTradeNo} is not payable`);
      o.state = 'SUCCESS';
      o.paidAtMs = Date.now();
      o.successTime = beijing(o.paidAtMs).rfc3339;
      o.transactionId = `42000${Date.now()}${String((txnSeq += 1)).padStart(6, '0')}`;
      o.openid = o.openid ?? options.openid ?? `o_${randomBytes(8).toString('hex')}`;
      return options.notify === false ? undefined : this.notifyPayment(outTradeNo, options);
    },
    notifyPayment(outTradeNo: string, options: DeliveryOptions = {}): Delivery {
      const o = orders.get(outTradeNo);
      if (o === undefined) throw new Error(`no order ${outTradeNo}`);
      // The resource is the transaction as it was when paid, whatever happened to it since (a refund, say).
      const paid = { ...transactionJson(setup.mchid, o), trade_state: 'SUCCESS', trade_state_desc: '支付成功' };
      return send(o.notifyUrl, 'TRANSACTION.SUCCESS', paid, options);
    },
    /** The refund reaches its end state at WeChat; its notification goes to the refund's notify_url. */
    completeRefund(
      outRefundNo: string,
      status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' = 'SUCCESS',
      options: DeliveryOptions = {},
    ) {
      const r = refunds.get(outRefundNo);
      if (r === undefined) throw new Error(`no refund ${outRefundNo}`);
      const o = orders.get(r.outTradeNo);
      // A closed refund moved no money: its amount is refundable again (an ABNORMAL one stays held for manual handling).
      if (o !== undefined && status === 'CLOSED' && r.status !== 'CLOSED') o.refundedFen -= r.refundFen;
      r.status = status;
      if (o !== undefined && status === 'SUCCESS') o.state = 'REFUND';
      const resource = {
        mchid: setup.mchid,
        ...refundJson(r, orders.get(r.outTradeNo)),
        refund_status: status,
        success_time: beijing(Date.now()).rfc3339,
      };
      return r.notifyUrl === undefined ? undefined : send(r.notifyUrl, `REFUND.${status}`, resource, options);
    },
    /** The payee accepted the transfer in WeChat (or it failed); the bill's notification goes out. */
    finishTransfer(outBillNo: string, state: 'SUCCESS' | 'FAIL' | 'CANCELLED' = 'SUCCESS', failReason?: string) {
      const t = transfers.get(outBillNo);
      if (t === undefined) throw new Error(`no transfer ${outBillNo}`);
      t.state = state;
      if (failReason !== undefined) t.failReason = failReason;
      return t.notifyUrl === undefined
        ? undefined
        : send(t.notifyUrl, 'MCHTRANSFER.BILL.FINISHED', transferJson(setup.mchid, setup.appid, t));
    },
    /** A notification built by hand, for negative tests (other keys, other merchants, stale or probe). */
    notification,
    transactionJson: (o: WechatOrder) => transactionJson(setup.mchid, o),
    setBillDifferences(d: BillDifferences): void {
      differences = d;
    },
    billRows,
  };
}

export interface NotificationOptions {
  id?: string;
  signer?: WechatSigner;
  apiV3Key?: Buffer;
  timestampOffsetSeconds?: number;
  signtest?: boolean;
}

export type WechatDouble = ReturnType<typeof wechatDouble>;
