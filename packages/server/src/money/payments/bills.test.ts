import { describe, expect, it } from 'vitest';
import {
  alipayTradeBill,
  wechatTradeBill,
  type BillPayment,
  type BillRefund,
} from '../../../test/gateway-double/bills';
import { encodeGbk, writeZip } from '../../../test/gateway-double/zip-gbk';
import { parseAlipayTradeBill, parseWechatTradeBill } from './bills';
import { readZip } from './zip';

const at = Date.parse('2026-11-28T02:00:00Z'); // 10:00 Beijing time on 2026-11-28
const payment = (outTradeNo: string, amountFen: bigint): BillPayment => ({
  atMs: at,
  appid: 'wxd678efh567hg6787',
  mchid: '1900000109',
  gatewayTxnId: `T${outTradeNo}`,
  outTradeNo,
  payer: 'o_payer',
  tradeType: 'NATIVE',
  amountFen,
  subject: '礼包,大号',
});
const refund: BillRefund = {
  atMs: at + 60_000,
  outTradeNo: 'p1',
  outRefundNo: 'r1',
  gatewayRefundId: 'R1',
  refundFen: 1n,
  status: 'SUCCESS',
};
const rows = { payments: [payment('p1', 1n), payment('p2', 100_000n), payment('p3', 10n)], refunds: [refund] };

describe('trade bill parsing', () => {
  it('reads the WeChat bill the double writes: payments, refunds and the totals line, to the fen', () => {
    const r = parseWechatTradeBill(wechatTradeBill('2026-11-28', rows));
    if (!r.ok) throw new Error(r.message);
    expect(r.bill.rows.map((x) => [x.kind, x.outTradeNo, x.amountFen, x.outRefundNo])).toEqual([
      ['payment', 'p1', 1n, undefined],
      ['payment', 'p2', 100_000n, undefined],
      ['payment', 'p3', 10n, undefined],
      ['refund', 'p1', 1n, 'r1'],
    ]);
    expect(r.bill.totals).toEqual({ count: 4, paidFen: 100_011n, refundFen: 1n });
    expect(r.bill.rows[0]?.at).toBe('2026-11-28 10:00:00');
  });

  it('shows injected differences: a payment missing, an amount changed, a payment we never made', () => {
    const text = wechatTradeBill('2026-11-28', rows, {
      omit: ['p3'],
      amountFen: { p2: 99_999n },
      extra: [{ outTradeNo: 'px', amountFen: 5n }],
    });
    const r = parseWechatTradeBill(text);
    if (!r.ok) throw new Error(r.message);
    const payments = r.bill.rows.filter((x) => x.kind === 'payment').map((x) => [x.outTradeNo, x.amountFen]);
    expect(payments).toEqual([
      ['p1', 1n],
      ['p2', 99_999n],
      ['px', 5n],
    ]);
  });

  it('keeps only the bill date’s rows', () => {
    const r = parseWechatTradeBill(wechatTradeBill('2026-11-27', rows));
    expect(r.ok && r.bill.rows).toEqual([]);
  });

  it('refuses a WeChat bill with an unreadable amount, naming the line', () => {
    const text = wechatTradeBill('2026-11-28', rows).replace('`1000.00,', '`1000.0,');
    expect(parseWechatTradeBill(text)).toMatchObject({ ok: false, line: 3 });
    expect(parseWechatTradeBill('hello')).toMatchObject({ ok: false, line: 1 });
  });

  it('reads the Alipay detail bill with refunds as positive amounts and their request numbers', () => {
    const r = parseAlipayTradeBill(alipayTradeBill('2026-11-28', '2088000000000001', rows));
    if (!r.ok) throw new Error(r.message);
    expect(r.bill.rows.map((x) => [x.kind, x.outTradeNo, x.amountFen, x.outRefundNo])).toEqual([
      ['payment', 'p1', 1n, undefined],
      ['payment', 'p2', 100_000n, undefined],
      ['payment', 'p3', 10n, undefined],
      ['refund', 'p1', 1n, 'r1'],
    ]);
    expect(r.bill.totals).toEqual({ count: 4, paidFen: 100_011n, refundFen: 1n });
  });

  it('refuses an Alipay bill row with a malformed amount', () => {
    const text = alipayTradeBill('2026-11-28', '2088000000000001', rows).replace(',0.10,0.10,', ',0.1,0.1,');
    expect(parseAlipayTradeBill(text)).toMatchObject({ ok: false });
  });

  it('reads back a zip of GBK files as Alipay serves its bills, and refuses bytes that are no zip', () => {
    const zip = writeZip([{ nameBytes: encodeGbk('2088_业务明细.csv'), data: encodeGbk('支付宝交易号,商户订单号') }]);
    const entries = readZip(zip);
    const gbk = new TextDecoder('gbk');
    expect(entries?.map((e) => [gbk.decode(e.nameBytes), gbk.decode(e.data)])).toEqual([
      ['2088_业务明细.csv', '支付宝交易号,商户订单号'],
    ]);
    expect(readZip(Buffer.from('not a zip at all, just text'))).toBeUndefined();
    expect(readZip(zip.subarray(0, zip.length - 30))).toBeUndefined();
  });
});
