import type { BillRow } from './payments/bills';

/**
 * Reconciliation (对账) as a pure comparison of a gateway's daily bill with our records. Rows are matched by our own
 * numbers (out_trade_no for payments, out_refund_no for refunds), never by position or time, so a payment the gateway
 * booked just before midnight and we just after is not a difference.
 */
export interface OurRecord {
  kind: 'payment' | 'refund';
  /** Our payment id (= out_trade_no) or refund id (= out_refund_no). */
  id: string;
  outTradeNo: string;
  amountFen: bigint;
  /** Booked on the bill's date on our side (these must all appear in the bill). */
  onDay: boolean;
  /** We know the money moved (a payment succeeded; a refund not failed). A pending payment is not known to be paid. */
  known: boolean;
}

export type DifferenceKind = 'missing_ours' | 'missing_theirs' | 'amount_mismatch';

export interface Difference {
  kind: DifferenceKind;
  record: 'payment' | 'refund';
  outTradeNo: string;
  outRefundNo: string | null;
  oursFen: bigint | null;
  theirsFen: bigint | null;
}

export interface Comparison {
  differences: Difference[];
  matched: number;
  bill: { payments: number; paidFen: bigint; refunds: number; refundFen: bigint };
  ours: { payments: number; paidFen: bigint; refunds: number; refundFen: bigint };
}

function keyOf(kind: 'payment' | 'refund', id: string): string {
  return `${kind}:${id}`;
}

export function compareBill(bill: readonly BillRow[], ours: readonly OurRecord[]): Comparison {
  const byKey = new Map(ours.map((r) => [keyOf(r.kind, r.id), r]));
  const seen = new Set<string>();
  const differences: Difference[] = [];
  let matched = 0;
  const billTotals = { payments: 0, paidFen: 0n, refunds: 0, refundFen: 0n };
  for (const row of bill) {
    const id = row.kind === 'payment' ? row.outTradeNo : (row.outRefundNo ?? '');
    const key = keyOf(row.kind, id);
    if (row.kind === 'payment') {
      billTotals.payments += 1;
      billTotals.paidFen += row.amountFen;
    } else {
      billTotals.refunds += 1;
      billTotals.refundFen += row.amountFen;
    }
    seen.add(key);
    const mine = byKey.get(key);
    const base = { record: row.kind, outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo ?? null };
    if (mine === undefined || !mine.known) {
      differences.push({ ...base, kind: 'missing_ours', oursFen: null, theirsFen: row.amountFen });
    } else if (mine.amountFen !== row.amountFen) {
      differences.push({ ...base, kind: 'amount_mismatch', oursFen: mine.amountFen, theirsFen: row.amountFen });
    } else matched += 1;
  }
  const ourTotals = { payments: 0, paidFen: 0n, refunds: 0, refundFen: 0n };
  for (const r of ours) {
    if (!r.onDay || !r.known) continue;
    if (r.kind === 'payment') {
      ourTotals.payments += 1;
      ourTotals.paidFen += r.amountFen;
    } else {
      ourTotals.refunds += 1;
      ourTotals.refundFen += r.amountFen;
    }
    if (seen.has(keyOf(r.kind, r.id))) continue;
    differences.push({
      kind: 'missing_theirs',
      record: r.kind,
      outTradeNo: r.outTradeNo,
      outRefundNo: r.kind === 'refund' ? r.id : null,
      oursFen: r.amountFen,
      theirsFen: null,
    });
  }
  return { differences, matched, bill: billTotals, ours: ourTotals };
}

/** Beijing calendar day `date` (YYYY-MM-DD) as the UTC instants [from, to) our ISO times are compared with. */
export function beijingDay(date: string): { from: string; to: string } {
  const start = Date.parse(`${date}T00:00:00+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(start)) throw new RangeError(`not a date: ${date}`);
  return { from: new Date(start).toISOString(), to: new Date(start + 86_400_000).toISOString() };
}

const CSV_HEAD = 'kind,record,out_trade_no,out_refund_no,ours_fen,theirs_fen';

function cell(text: string): string {
  // Spreadsheets run cells starting with = + - @ as formulas; ours are ids and integers, quoted all the same.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function differencesCsv(differences: readonly Difference[]): string {
  const rows = differences.map((d) =>
    [d.kind, d.record, d.outTradeNo, d.outRefundNo ?? '', d.oursFen?.toString() ?? '', d.theirsFen?.toString() ?? '']
      .map(cell)
      .join(','),
  );
  return `${[CSV_HEAD, ...rows].join('\r\n')}\r\n`;
}
