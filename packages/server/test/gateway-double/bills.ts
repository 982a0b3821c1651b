import { fenToYuan } from '../../src/money/payments/amounts';
import { beijing } from './http';

/** One successful payment as the gateway recorded it. */
export interface BillPayment {
  atMs: number;
  appid: string;
  mchid: string;
  gatewayTxnId: string;
  outTradeNo: string;
  payer: string;
  tradeType: string;
  amountFen: bigint;
  subject: string;
}

export interface BillRefund {
  atMs: number;
  outTradeNo: string;
  outRefundNo: string;
  gatewayRefundId: string;
  refundFen: bigint;
  status: 'SUCCESS' | 'PROCESSING';
}

/** Differences a reconciliation must find: a payment missing, an amount changed, a payment we never saw. */
export interface BillDifferences {
  omit?: string[];
  amountFen?: Record<string, bigint>;
  extra?: { outTradeNo: string; amountFen: bigint }[];
}

/** A 0.6% fee rounded half up to the fen, as the gateways charge it (the double's stand-in rate). */
function fee(amountFen: bigint): bigint {
  return (amountFen * 60n + 5_000n) / 10_000n;
}

function applyDifferences(
  payments: BillPayment[],
  d: BillDifferences,
  template: Omit<BillPayment, 'outTradeNo' | 'amountFen'>,
) {
  const kept = payments
    .filter((p) => !(d.omit ?? []).includes(p.outTradeNo))
    .map((p) => ({ ...p, amountFen: d.amountFen?.[p.outTradeNo] ?? p.amountFen }));
  for (const e of d.extra ?? []) {
    kept.push({ ...template, gatewayTxnId: `X${e.outTradeNo}`, outTradeNo: e.outTradeNo, amountFen: e.amountFen });
  }
  return kept;
}

const WECHAT_HEAD =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const WECHAT_SUMMARY_HEAD =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

/** Every cell starts with a backtick, as WeChat writes them so spreadsheets keep long numbers intact. */
function ticks(cells: string[]): string {
  return cells.map((c) => `\`${c}`).join(',');
}

/** Fee cells carry five decimals in WeChat's bill ("0.01000"). */
function fiveDecimals(fen: bigint): string {
  return `${fenToYuan(fen)}000`;
}

/**
 * The WeChat Pay trade bill (bill_type ALL) for one Beijing date: BOM, header, one row per payment and per refund
 * with back-ticked cells, then the summary header and row.
 */
export function wechatTradeBill(
  date: string,
  rows: { payments: BillPayment[]; refunds: BillRefund[] },
  differences: BillDifferences = {},
): string {
  const onDay = <T extends { atMs: number }>(xs: T[]) => xs.filter((x) => beijing(x.atMs).date === date);
  const first = rows.payments[0];
  const template = {
    atMs: Date.parse(`${date}T04:00:00Z`),
    appid: first?.appid ?? '',
    mchid: first?.mchid ?? '',
    gatewayTxnId: '',
    payer: 'o_extra',
    tradeType: 'NATIVE',
    subject: '对账差异',
  };
  const payments = applyDifferences(onDay(rows.payments), differences, template);
  const byTrade = new Map(rows.payments.map((p) => [p.outTradeNo, p]));
  const refunds = onDay(rows.refunds);
  const lines = [`\uFEFF${WECHAT_HEAD}`];
  let paidFen = 0n;
  let refundFen = 0n;
  let feeFen = 0n;
  for (const p of payments) {
    paidFen += p.amountFen;
    feeFen += fee(p.amountFen);
    const amount = fenToYuan(p.amountFen);
    lines.push(
      ticks([
        beijing(p.atMs).plain,
        p.appid,
        p.mchid,
        '0',
        '',
        p.gatewayTxnId,
        p.outTradeNo,
        p.payer,
        p.tradeType,
        'SUCCESS',
        'OTHERS',
        'CNY',
        amount,
        '0.00',
        '0',
        '0',
        '0.00',
        '0.00',
        '',
        '',
        p.subject,
        '',
        fiveDecimals(fee(p.amountFen)),
        '0.60%',
        amount,
        '0.00',
        '',
      ]),
    );
  }
  for (const r of refunds) {
    const p = byTrade.get(r.outTradeNo);
    refundFen += r.refundFen;
    feeFen -= fee(r.refundFen);
    const amount = fenToYuan(r.refundFen);
    lines.push(
      ticks([
        beijing(r.atMs).plain,
        p?.appid ?? '',
        p?.mchid ?? '',
        '0',
        '',
        p?.gatewayTxnId ?? '',
        r.outTradeNo,
        p?.payer ?? '',
        p?.tradeType ?? '',
        'REFUND',
        'OTHERS',
        'CNY',
        '0.00',
        '0.00',
        r.gatewayRefundId,
        r.outRefundNo,
        amount,
        '0.00',
        'ORIGINAL',
        r.status,
        p?.subject ?? '',
        '',
        `-${fiveDecimals(fee(r.refundFen))}`,
        '0.60%',
        '0.00',
        amount,
        '',
      ]),
    );
  }
  lines.push(WECHAT_SUMMARY_HEAD);
  const feeText = feeFen < 0n ? `-${fiveDecimals(-feeFen)}` : fiveDecimals(feeFen);
  lines.push(
    ticks([
      String(payments.length + refunds.length),
      fenToYuan(paidFen),
      fenToYuan(refundFen),
      '0.00',
      feeText,
      fenToYuan(paidFen),
      fenToYuan(refundFen),
    ]),
  );
  return `${lines.join('\r\n')}\r\n`;
}

const ALIPAY_HEAD =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';

function chineseDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${y}年${m}月${d}日`;
}

/**
 * Alipay's trade detail bill (业务明细) for one date, as the CSV inside the downloaded archive: '#' header
 * lines, the column header, one row per payment (交易) and refund (退款), the totals. The real download is a zip of
 * GBK files; the double serves this CSV as UTF-8 text.
 */
export function alipayTradeBill(
  date: string,
  sellerId: string,
  rows: { payments: BillPayment[]; refunds: BillRefund[] },
  differences: BillDifferences = {},
): string {
  const onDay = <T extends { atMs: number }>(xs: T[]) => xs.filter((x) => beijing(x.atMs).date === date);
  const template = {
    atMs: Date.parse(`${date}T04:00:00Z`),
    appid: '',
    mchid: sellerId,
    gatewayTxnId: '',
    payer: 'extra@example.com',
    tradeType: '交易',
    subject: '对账差异',
  };
  const payments = applyDifferences(onDay(rows.payments), differences, template);
  const byTrade = new Map(rows.payments.map((p) => [p.outTradeNo, p]));
  const refunds = onDay(rows.refunds);
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const lines = [
    '#支付宝业务明细查询',
    `#账号：[${sellerId}]`,
    `#起始日期：[${chineseDate(date)} 00:00:00]   终止日期：[${chineseDate(next)} 00:00:00]`,
    '#-----------------------------------------业务明细列表----------------------------------------',
    ALIPAY_HEAD,
  ];
  let paidFen = 0n;
  let refundFen = 0n;
  for (const p of payments) {
    paidFen += p.amountFen;
    const t = beijing(p.atMs).plain;
    const amount = fenToYuan(p.amountFen);
    lines.push(
      [
        p.gatewayTxnId,
        p.outTradeNo,
        '交易',
        p.subject,
        t,
        t,
        '',
        '',
        '',
        '',
        p.payer,
        amount,
        amount,
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '',
        '0.00',
        '0.00',
        '',
        `-${fenToYuan(fee(p.amountFen))}`,
        '0.00',
        '',
      ].join(','),
    );
  }
  for (const r of refunds) {
    refundFen += r.refundFen;
    const p = byTrade.get(r.outTradeNo);
    const t = beijing(r.atMs).plain;
    const amount = `-${fenToYuan(r.refundFen)}`;
    lines.push(
      [
        r.gatewayRefundId,
        r.outTradeNo,
        '退款',
        p?.subject ?? '',
        t,
        t,
        '',
        '',
        '',
        '',
        p?.payer ?? '',
        amount,
        amount,
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '',
        '0.00',
        '0.00',
        r.outRefundNo,
        fenToYuan(fee(r.refundFen)),
        '0.00',
        '',
      ].join(','),
    );
  }
  lines.push(
    '#-----------------------------------------业务明细列表结束------------------------------------',
    `#交易合计：${payments.length}笔，商家实收：${fenToYuan(paidFen)}元，商家优惠：0.00元`,
    `#退款合计：${refunds.length}笔，商家实收：-${fenToYuan(refundFen)}元，商家优惠：0.00元`,
    `#导出时间：[${beijing(Date.now()).plain}]`,
  );
  return `${lines.join('\r\n')}\r\n`;
}
