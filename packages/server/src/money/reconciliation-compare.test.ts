import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BillRow } from './payments/bills';
import { beijingDay, compareBill, differencesCsv, type OurRecord } from './reconciliation-compare';

const pay = (outTradeNo: string, amountFen: bigint): BillRow => ({
  kind: 'payment',
  outTradeNo,
  gatewayTxnId: `T${outTradeNo}`,
  amountFen,
  at: '2026-03-01 10:00:00',
});
const refund = (outTradeNo: string, outRefundNo: string, amountFen: bigint): BillRow => ({
  ...pay(outTradeNo, amountFen),
  kind: 'refund',
  outRefundNo,
});
const ours = (
  kind: 'payment' | 'refund',
  id: string,
  amountFen: bigint,
  extra: Partial<OurRecord> = {},
): OurRecord => ({
  kind,
  id,
  outTradeNo: kind === 'payment' ? id : 'p1',
  amountFen,
  onDay: true,
  known: true,
  ...extra,
});

describe('comparing a bill with our records', () => {
  it('reports exactly one missing, one extra and one wrong amount', () => {
    const result = compareBill(
      [pay('p2', 1000n), pay('p3', 999n), pay('x9', 500n), refund('p2', 'r1', 300n)],
      [
        ours('payment', 'p1', 1000n),
        ours('payment', 'p2', 1000n),
        ours('payment', 'p3', 1000n),
        ours('refund', 'r1', 300n),
      ],
    );
    expect(result.differences).toEqual([
      {
        kind: 'amount_mismatch',
        record: 'payment',
        outTradeNo: 'p3',
        outRefundNo: null,
        oursFen: 1000n,
        theirsFen: 999n,
      },
      { kind: 'missing_ours', record: 'payment', outTradeNo: 'x9', outRefundNo: null, oursFen: null, theirsFen: 500n },
      {
        kind: 'missing_theirs',
        record: 'payment',
        outTradeNo: 'p1',
        outRefundNo: null,
        oursFen: 1000n,
        theirsFen: null,
      },
    ]);
    expect(result.matched).toBe(2);
    expect(result.bill).toEqual({ payments: 3, paidFen: 2499n, refunds: 1, refundFen: 300n });
    expect(result.ours).toEqual({ payments: 3, paidFen: 3000n, refunds: 1, refundFen: 300n });
  });

  it('matches a row we booked on another day, and counts money we never saw arrive as missing on our side', () => {
    const result = compareBill(
      [pay('late', 100n), pay('pending', 200n)],
      [ours('payment', 'late', 100n, { onDay: false }), ours('payment', 'pending', 200n, { known: false })],
    );
    expect(result.differences.map((d) => [d.kind, d.outTradeNo])).toEqual([['missing_ours', 'pending']]);
  });

  it('finds no difference between a bill and the records it was made from, whatever they are', () => {
    const records = fc.uniqueArray(
      fc.record({ id: fc.stringMatching(/^[a-z0-9]{1,8}$/), fen: fc.bigInt(1n, 10n ** 10n) }),
      {
        selector: (r) => r.id,
        maxLength: 30,
      },
    );
    fc.assert(
      fc.property(records, (rs) => {
        const result = compareBill(
          rs.map((r) => pay(r.id, r.fen)),
          rs.map((r) => ours('payment', r.id, r.fen)),
        );
        expect(result.differences).toEqual([]);
        expect(result.matched).toBe(rs.length);
      }),
    );
  });

  it('cuts a Beijing day at 16:00 UTC and refuses what is not a date', () => {
    expect(beijingDay('2026-03-01')).toEqual({ from: '2026-02-28T16:00:00.000Z', to: '2026-03-01T16:00:00.000Z' });
    expect(() => beijingDay('2026-3-1')).toThrow(RangeError);
  });

  it('writes CSV cells a spreadsheet will not run as formulas', () => {
    const csv = differencesCsv([
      {
        kind: 'missing_ours',
        record: 'payment',
        outTradeNo: '=HYPERLINK("x")',
        outRefundNo: null,
        oursFen: null,
        theirsFen: 5n,
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe(`missing_ours,payment,"'=HYPERLINK(""x"")",,,5`);
  });
});
