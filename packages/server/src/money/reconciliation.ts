import type { Db } from '../platform/db/database';
import { fail, type ErrorCode } from '../platform/errors';
import { newId } from '../platform/ids';
import { nowIso } from '../platform/clock';
import { parseAlipayTradeBill, parseWechatTradeBill, type BillResult } from './payments/bills';
import { readZip } from './payments/zip';
import type { GatewayName } from './payments/gateway';
import { GATEWAY_CHANNELS, gatewayOf, type GatewayRegistry } from './payments/gateways';
import { beijingDay, compareBill, differencesCsv, type Comparison, type OurRecord } from './reconciliation-compare';

/**
 * Reconciliation (对账): a gateway's daily trade bill, uploaded by finance or downloaded from the gateway, compared with
 * our payments and refunds through that gateway for the same Beijing date. The result is kept, listed on the finance
 * page and exported as CSV.
 */
export interface ReconciliationView extends Comparison {
  id: string;
  gateway: string;
  billDate: string;
  source: string;
  createdBy: string;
  createdAt: string;
}

/** An uploaded bill file: WeChat's CSV (UTF-8), Alipay's zip (GBK inside) or its 业务明细 CSV in GBK or UTF-8. */
export function billText(gateway: GatewayName, bytes: Buffer): string {
  if (gateway === 'wechat') return bytes.toString('utf8');
  const gbk = new TextDecoder('gbk');
  if (bytes.subarray(0, 2).toString('latin1') === 'PK') {
    const detail = readZip(bytes)?.find((e) => gbk.decode(e.nameBytes).endsWith('_业务明细.csv'));
    if (detail === undefined) fail('bill_unreadable', 'no 业务明细 file in the archive');
    return gbk.decode(detail.data);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return gbk.decode(bytes);
  }
}

function parse(gateway: GatewayName, text: string): BillResult {
  return gateway === 'wechat' ? parseWechatTradeBill(text) : parseAlipayTradeBill(text);
}

/**
 * Our side: every record through this gateway booked on the day, plus the records the bill names (in chunks of 500
 * ids), so a row the gateway booked on the day and we on the day before still matches.
 */
async function ourRecords(db: Db, gateway: GatewayName, date: string, billIds: string[]): Promise<OurRecord[]> {
  const { from, to } = beijingDay(date);
  const channels = GATEWAY_CHANNELS.filter((c) => gatewayOf(c) === gateway);
  const inDay = (at: string | null) => at !== null && at >= from && at < to;
  const out = new Map<string, OurRecord>();
  const chunks: (string[] | undefined)[] = [undefined];
  for (let i = 0; i < billIds.length; i += 500) chunks.push(billIds.slice(i, i + 500));
  for (const ids of chunks) {
    let payments = db
      .selectFrom('payments')
      .select(['id', 'amount_fen', 'status', 'paid_at'])
      .where('channel', 'in', channels);
    let refunds = db
      .selectFrom('refunds')
      .select(['id', 'payment_id', 'amount_fen', 'status', 'created_at'])
      .where('channel', 'in', channels);
    if (ids === undefined) {
      payments = payments.where('paid_at', '>=', from).where('paid_at', '<', to);
      refunds = refunds.where('created_at', '>=', from).where('created_at', '<', to);
    } else {
      payments = payments.where('id', 'in', ids);
      refunds = refunds.where('id', 'in', ids);
    }
    for (const p of await payments.execute()) {
      out.set(`payment:${p.id}`, {
        kind: 'payment',
        id: p.id,
        outTradeNo: p.id,
        amountFen: p.amount_fen,
        onDay: inDay(p.paid_at),
        known: p.status === 'succeeded' || p.status === 'refunded',
      });
    }
    for (const r of await refunds.execute()) {
      out.set(`refund:${r.id}`, {
        kind: 'refund',
        id: r.id,
        outTradeNo: r.payment_id,
        amountFen: r.amount_fen,
        onDay: inDay(r.created_at),
        known: r.status !== 'failed',
      });
    }
  }
  return [...out.values()];
}

export async function reconcile(
  db: Db,
  gateways: GatewayRegistry,
  input: { gateway: GatewayName; billDate: string; file?: Buffer | undefined },
  actor: string,
): Promise<ReconciliationView> {
  beijingDay(input.billDate);
  let text: string;
  let source: string;
  if (input.file !== undefined) {
    text = billText(input.gateway, input.file);
    source = 'upload';
  } else {
    const provider = input.gateway === 'wechat' ? gateways.wechat : gateways.alipay;
    if (provider === undefined) fail('channel_unavailable', input.gateway);
    const bill = await provider.downloadTradeBill(input.billDate);
    if (!bill.ok) fail(bill.code as ErrorCode, bill.gatewayCode ?? bill.message);
    text = bill.value;
    source = 'gateway';
  }
  const parsed = parse(input.gateway, text);
  if (!parsed.ok) fail('bill_unreadable', `line ${parsed.line}: ${parsed.message}`);
  const ids = [
    ...new Set(parsed.bill.rows.map((r) => (r.kind === 'payment' ? r.outTradeNo : (r.outRefundNo ?? '')))),
  ].filter((id) => id !== '');
  const comparison = compareBill(parsed.bill.rows, await ourRecords(db, input.gateway, input.billDate, ids));
  const view: ReconciliationView = {
    id: newId('rcn'),
    gateway: input.gateway,
    billDate: input.billDate,
    source,
    createdBy: actor,
    createdAt: nowIso(),
    ...comparison,
  };
  await db
    .insertInto('reconciliations')
    .values({
      id: view.id,
      gateway: view.gateway,
      bill_date: view.billDate,
      source,
      created_by: actor,
      created_at: view.createdAt,
      differences: BigInt(comparison.differences.length),
      result: JSON.stringify(comparison, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    })
    .execute();
  return view;
}

type Stored = {
  id: string;
  gateway: string;
  bill_date: string;
  source: string;
  created_by: string;
  created_at: string;
  result: string;
};

function fromRow(r: Stored): ReconciliationView {
  const raw = JSON.parse(r.result) as {
    differences: {
      kind: string;
      record: string;
      outTradeNo: string;
      outRefundNo: string | null;
      oursFen: string | null;
      theirsFen: string | null;
    }[];
    matched: number;
    bill: { payments: number; paidFen: string; refunds: number; refundFen: string };
    ours: { payments: number; paidFen: string; refunds: number; refundFen: string };
  };
  const totals = (t: typeof raw.bill) => ({ ...t, paidFen: BigInt(t.paidFen), refundFen: BigInt(t.refundFen) });
  return {
    id: r.id,
    gateway: r.gateway,
    billDate: r.bill_date,
    source: r.source,
    createdBy: r.created_by,
    createdAt: r.created_at,
    matched: raw.matched,
    bill: totals(raw.bill),
    ours: totals(raw.ours),
    differences: raw.differences.map((d) => ({
      kind: d.kind as Comparison['differences'][number]['kind'],
      record: d.record as 'payment' | 'refund',
      outTradeNo: d.outTradeNo,
      outRefundNo: d.outRefundNo,
      oursFen: d.oursFen === null ? null : BigInt(d.oursFen),
      theirsFen: d.theirsFen === null ? null : BigInt(d.theirsFen),
    })),
  };
}

export async function getReconciliation(db: Db, id: string): Promise<ReconciliationView> {
  const row = await db.selectFrom('reconciliations').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) fail('reconciliation_not_found');
  return fromRow(row);
}

export async function listReconciliations(
  db: Db,
  filter: { gateway?: string | undefined; page: number; pageSize: number },
): Promise<{ items: ReconciliationView[]; total: number }> {
  let query = db.selectFrom('reconciliations');
  if (filter.gateway !== undefined && filter.gateway !== '') query = query.where('gateway', '=', filter.gateway);
  const total = await query.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { items: rows.map(fromRow), total: Number(total.n) };
}

export async function reconciliationCsv(db: Db, id: string): Promise<string> {
  return differencesCsv((await getReconciliation(db, id)).differences);
}
