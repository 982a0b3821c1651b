import { yuanToFen } from './amounts';

/**
 * The gateways' daily trade bills read into rows a reconciliation can compare with our payments and refunds.
 * Amounts go through the same strict yuan parser as notifications; a bill that does not read cleanly is refused
 * whole, naming the line, rather than reconciled in part.
 */
export interface BillRow {
  kind: 'payment' | 'refund';
  outTradeNo: string;
  gatewayTxnId: string;
  /** payment: the order amount; refund: the refunded amount (positive). */
  amountFen: bigint;
  outRefundNo?: string;
  at: string;
}

export interface Bill {
  rows: BillRow[];
  /** The bill's own totals line, to check the rows against. */
  totals: { count: number; paidFen: bigint; refundFen: bigint };
}

export type BillResult = { ok: true; bill: Bill } | { ok: false; line: number; message: string };

function fen(text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  return text.startsWith('-') ? yuanToFen(text.slice(1)) : yuanToFen(text);
}

const WECHAT_COLUMNS = {
  at: '交易时间',
  txn: '微信订单号',
  outTradeNo: '商户订单号',
  state: '交易状态',
  settled: '应结订单金额',
  outRefundNo: '商户退款单号',
  refund: '退款金额',
} as const;

/** WeChat Pay's ALL trade bill: header, back-ticked rows, then the totals header and row. */
export function parseWechatTradeBill(text: string): BillResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  const head = (lines[0] ?? '').split(',');
  const col = Object.fromEntries(Object.entries(WECHAT_COLUMNS).map(([k, name]) => [k, head.indexOf(name)])) as Record<
    keyof typeof WECHAT_COLUMNS,
    number
  >;
  if (Object.values(col).some((i) => i < 0))
    return { ok: false, line: 1, message: 'not a WeChat Pay trade bill header' };
  const totalsAt = lines.findIndex((l) => l.startsWith('总交易单数'));
  if (totalsAt < 1 || totalsAt !== lines.length - 2) return { ok: false, line: lines.length, message: 'no totals' };
  const rows: BillRow[] = [];
  for (let i = 1; i < totalsAt; i += 1) {
    // Every cell starts with a backtick, so ",`" separates cells even when a product name holds a comma.
    const line = lines[i] ?? '';
    if (!line.startsWith('`')) return { ok: false, line: i + 1, message: 'a bill row starts with a backtick' };
    const cells = line.slice(1).split(',`');
    const cell = (k: keyof typeof WECHAT_COLUMNS) => cells[col[k]];
    const refund = cell('state') === 'REFUND';
    const amountFen = fen(refund ? cell('refund') : cell('settled'));
    const outTradeNo = cell('outTradeNo');
    if (amountFen === undefined || outTradeNo === undefined || outTradeNo === '') {
      return { ok: false, line: i + 1, message: 'amount or out_trade_no unreadable' };
    }
    const outRefundNo = cell('outRefundNo');
    rows.push({
      kind: refund ? 'refund' : 'payment',
      outTradeNo,
      gatewayTxnId: cell('txn') ?? '',
      amountFen,
      ...(refund && outRefundNo !== undefined ? { outRefundNo } : {}),
      at: cell('at') ?? '',
    });
  }
  const t = (lines[totalsAt + 1] ?? '').slice(1).split(',`');
  const paidFen = fen(t[1]);
  const refundFen = fen(t[2]);
  if (!/^[0-9]+$/.test(t[0] ?? '') || paidFen === undefined || refundFen === undefined) {
    return { ok: false, line: totalsAt + 2, message: 'totals unreadable' };
  }
  return { ok: true, bill: { rows, totals: { count: Number(t[0]), paidFen, refundFen } } };
}

/** Alipay's 业务明细 CSV (decoded from GBK): '#' lines around a header and one row per 交易 / 退款. */
export function parseAlipayTradeBill(text: string): BillResult {
  const lines = text.split(/\r?\n/);
  const headAt = lines.findIndex((l) => l.startsWith('支付宝交易号,'));
  if (headAt < 0) return { ok: false, line: 1, message: 'not an Alipay trade detail bill' };
  const head = (lines[headAt] ?? '').split(',').map((h) => h.trim());
  const col = {
    txn: head.indexOf('支付宝交易号'),
    outTradeNo: head.indexOf('商户订单号'),
    kind: head.indexOf('业务类型'),
    subject: head.indexOf('商品名称'),
    done: head.indexOf('完成时间'),
    amount: head.indexOf('订单金额（元）'),
    refundNo: head.indexOf('退款批次号/请求号'),
  };
  if (Object.values(col).some((i) => i < 0)) return { ok: false, line: headAt + 1, message: 'columns missing' };
  const rows: BillRow[] = [];
  let paidFen = 0n;
  let refundFen = 0n;
  let count = 0;
  for (let i = headAt + 1; i < lines.length && !(lines[i] ?? '').startsWith('#'); i += 1) {
    const raw = (lines[i] ?? '').split(',').map((c) => c.trim());
    if (raw.length === 1 && raw[0] === '') continue;
    // The file is not quoted: a product name with commas spreads over extra cells, which go back into its column.
    const extra = raw.length - head.length;
    if (extra < 0) return { ok: false, line: i + 1, message: 'too few cells' };
    const cells = [
      ...raw.slice(0, col.subject),
      raw.slice(col.subject, col.subject + extra + 1).join(','),
      ...raw.slice(col.subject + extra + 1),
    ];
    const kind = cells[col.kind];
    const amountFen = fen(cells[col.amount]);
    const outTradeNo = cells[col.outTradeNo];
    if ((kind !== '交易' && kind !== '退款') || amountFen === undefined || !outTradeNo) {
      return { ok: false, line: i + 1, message: 'kind, amount or out_trade_no unreadable' };
    }
    count += 1;
    if (kind === '交易') paidFen += amountFen;
    else refundFen += amountFen;
    const outRefundNo = cells[col.refundNo];
    rows.push({
      kind: kind === '交易' ? 'payment' : 'refund',
      outTradeNo,
      gatewayTxnId: cells[col.txn] ?? '',
      amountFen,
      ...(kind === '退款' && outRefundNo ? { outRefundNo } : {}),
      at: cells[col.done] ?? '',
    });
  }
  // Alipay's totals are prose ("#交易合计：3笔，商家实收：30.00元"): the rows' sums are the totals to check.
  return { ok: true, bill: { rows, totals: { count, paidFen, refundFen } } };
}
