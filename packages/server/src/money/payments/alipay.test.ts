import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGatewayDouble, type GatewayDouble } from '../../../test/gateway-double';
import { alipayConfigFor } from '../../../test/gateway-double/configs';
import { testKeyPair } from '../../../test/gateway-double/keys';
import { newBook, startNotifyReceiver, type PaymentBook } from '../../../test/gateway-double/notify-receiver';
import type { OutgoingRequest } from '../../../test/gateway-double/notifier';
import { alipayProvider, type AlipayProvider } from './alipay';
import { parseAlipayTradeBill } from './bills';
import { Secret } from './secret';
import type { PaymentChannel } from './gateway';

let double: GatewayDouble;
let book: PaymentBook;
let receiver: Awaited<ReturnType<typeof startNotifyReceiver>>;
let provider: AlipayProvider;
let seq = 0;

beforeAll(async () => {
  double = await startGatewayDouble({ timeFactor: 100_000 });
  receiver = await startNotifyReceiver(() => provider, (book = newBook()));
  provider = alipayProvider(alipayConfigFor(double, receiver.url));
});

afterAll(async () => {
  await receiver.close();
  await double.close();
});

beforeEach(() => {
  receiver.received.length = 0;
});

/** Creates the payment and opens its URL as the shopper's browser would (Alipay creates the trade then). */
async function opened(amountFen: bigint, channel: PaymentChannel = 'alipay_wap') {
  const outTradeNo = `pay_ali_${Date.now()}_${(seq += 1)}`;
  book.expected.set(outTradeNo, { outTradeNo, amountFen, channel });
  const r = await provider.createPayment({
    channel,
    outTradeNo,
    amountFen,
    description: '消费商礼包',
    expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
  });
  if (!r.ok || r.value.kind !== 'redirect') throw new Error(JSON.stringify(r));
  const page = await fetch(r.value.url);
  expect(page.status).toBe(200);
  return { outTradeNo, url: new URL(r.value.url) };
}

async function post(req: OutgoingRequest) {
  const res = await fetch(receiver.url, { method: 'POST', headers: req.headers, body: req.body });
  return { status: res.status, body: await res.text() };
}

describe('Alipay provider against the gateway double', () => {
  it('pays through the wap and the page cashier: signed redirect, notification answered with the literal success', async () => {
    for (const channel of ['alipay_wap', 'alipay_page'] as const) {
      const { outTradeNo, url } = await opened(100_000n, channel);
      expect(url.searchParams.get('method')).toBe(
        channel === 'alipay_wap' ? 'alipay.trade.wap.pay' : 'alipay.trade.page.pay',
      );
      expect(JSON.parse(url.searchParams.get('biz_content') ?? '{}')).toMatchObject({ total_amount: '1000.00' });
      const delivery = double.alipay.pay(outTradeNo);
      expect(await delivery?.done).toBe(true);
      expect(delivery?.attempts.map((a) => a.body)).toEqual(['success']);
      expect(book.paid.get(outTradeNo)).toBe(double.alipay.trades.get(outTradeNo)?.tradeNo);
    }
    expect(double.alipay.requests.every((r) => r.refused === undefined)).toBe(true);
  });

  it('converts the edge amounts exactly: 1 fen is 0.01, 10 fen is 0.10', async () => {
    const one = await opened(1n);
    expect(JSON.parse(one.url.searchParams.get('biz_content') ?? '{}').total_amount).toBe('0.01');
    const ten = await opened(10n);
    expect(JSON.parse(ten.url.searchParams.get('biz_content') ?? '{}').total_amount).toBe('0.10');
    await double.alipay.pay(ten.outTradeNo)?.done;
    const r = receiver.received[0]?.result;
    expect(r?.ok && r.event).toMatchObject({ kind: 'payment_succeeded', amountFen: 10n });
  });

  it('applies one trade once through duplicates, concurrent copies and the later TRADE_FINISHED', async () => {
    const { outTradeNo } = await opened(2_500n);
    await double.alipay.pay(outTradeNo, { concurrent: 4, duplicates: 3 })?.done;
    await double.alipay.finish(outTradeNo).done;
    expect(receiver.received).toHaveLength(8);
    expect(receiver.received.every((r) => r.status === 200)).toBe(true);
    expect(book.applications.get(outTradeNo)).toBe(1);
  });

  it('keeps sending until it reads success: a refused answer is retried on Alipay’s schedule', async () => {
    const { outTradeNo } = await opened(300n);
    const expected = book.expected.get(outTradeNo);
    book.expected.delete(outTradeNo); // our order row is not visible yet
    const delivery = double.alipay.pay(outTradeNo);
    // Our row becomes visible only after the first attempt was answered (whatever the machine's load).
    while ((delivery?.attempts.length ?? 1) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    if (expected !== undefined) book.expected.set(outTradeNo, expected);
    expect(await delivery?.done).toBe(true);
    expect(delivery?.attempts[0]?.body).toBe('fail');
    expect(delivery?.attempts.at(-1)?.body).toBe('success');
    expect(book.applications.get(outTradeNo)).toBe(1);
  });

  const refusals: [string, (p: Record<string, string>) => OutgoingRequest, string][] = [
    ['a signature by another key', (p) => double.alipay.notification(p, testKeyPair().privateKey), 'invalid_signature'],
    [
      'a tampered amount re-signed by another key',
      (p) => double.alipay.notification({ ...p, total_amount: '0.01' }, testKeyPair().privateKey),
      'invalid_signature',
    ],
    [
      'another app’s notification',
      (p) => double.alipay.notification({ ...p, app_id: '2021000000009999' }),
      'app_mismatch',
    ],
    [
      'another seller’s notification',
      (p) => double.alipay.notification({ ...p, seller_id: '2088000000009999' }),
      'merchant_mismatch',
    ],
    [
      'an RSA (SHA1) sign_type',
      (p) => {
        const req = double.alipay.notification(p);
        return { ...req, body: req.body.replace('sign_type=RSA2', 'sign_type=RSA') };
      },
      'invalid_signature',
    ],
    ['a malformed amount "1.5"', (p) => double.alipay.notification({ ...p, total_amount: '1.5' }), 'malformed'],
  ];

  it.each(refusals)('refuses %s and changes nothing', async (_name, build, reason) => {
    const { outTradeNo } = await opened(8_888n);
    double.alipay.pay(outTradeNo, { notify: false });
    const params = double.alipay.notificationParams(double.alipay.trades.get(outTradeNo) ?? expect.fail('trade'));
    const answer = await post(build(params));
    expect(answer).toEqual({ status: 400, body: 'fail' });
    expect(receiver.received[0]?.result).toMatchObject({ ok: false, reason });
    expect(book.paid.has(outTradeNo)).toBe(false);
  });

  it('refuses a genuine notification whose amount is not our order’s', async () => {
    const { outTradeNo } = await opened(5_000n);
    book.expected.set(outTradeNo, { outTradeNo, amountFen: 5_001n, channel: 'alipay_wap' });
    double.alipay.pay(outTradeNo, { notify: false });
    const params = double.alipay.notificationParams(double.alipay.trades.get(outTradeNo) ?? expect.fail('trade'));
    expect(await post(double.alipay.notification(params))).toEqual({ status: 400, body: 'fail' });
    expect(receiver.received[0]?.result.ok).toBe(true);
    expect(book.paid.has(outTradeNo)).toBe(false);
  });

  it('queries, refunds in parts (idempotent out_request_no), reports the refund notification and closes', async () => {
    expect(await provider.queryPayment('pay_nowhere')).toMatchObject({ ok: true, value: { status: 'not_found' } });
    const { outTradeNo } = await opened(1_000n);
    expect(await provider.queryPayment(outTradeNo)).toMatchObject({ value: { status: 'pending', amountFen: 1_000n } });
    await double.alipay.pay(outTradeNo)?.done;
    expect(await provider.queryPayment(outTradeNo)).toMatchObject({ value: { status: 'succeeded' } });
    const refund = { outTradeNo, outRefundNo: `ref_${outTradeNo}`, refundFen: 400n, totalFen: 1_000n, reason: '退货' };
    book.refunds.set(refund.outRefundNo, { outTradeNo, refundFen: 400n, confirmed: false });
    expect(await provider.refund(refund)).toMatchObject({ ok: true, value: { status: 'succeeded', refundFen: 400n } });
    expect(await provider.refund(refund)).toMatchObject({ ok: true, value: { status: 'processing' } });
    expect(double.alipay.trades.get(outTradeNo)?.refundedFen).toBe(400n);
    expect(await provider.queryRefund(outTradeNo, refund.outRefundNo)).toMatchObject({
      value: { status: 'succeeded', refundFen: 400n },
    });
    expect(await provider.queryRefund(outTradeNo, 'ref_none')).toMatchObject({ value: { status: 'not_found' } });
    await Promise.all(double.alipay.notifier.deliveries.map((d) => d.done));
    expect(book.refunds.get(refund.outRefundNo)?.confirmed).toBe(true);
    const refundNote = receiver.received.find((r) => r.result.ok && r.result.event.kind === 'refund_succeeded');
    expect(refundNote?.result.ok && refundNote.result.event).toMatchObject({
      refundFen: 400n,
      refundFenIsCumulative: true,
    });
    expect(await provider.refund({ ...refund, outRefundNo: 'ref_too_much', refundFen: 601n })).toMatchObject({
      ok: false,
      code: 'gateway_rejected',
    });
    const open = await opened(50n);
    expect(await provider.closePayment(open.outTradeNo)).toEqual({ ok: true, value: { closed: true } });
    expect(await provider.queryPayment(open.outTradeNo)).toMatchObject({ value: { status: 'closed' } });
  });

  it('transfers to an Alipay user and queries the transfer; a login id needs the payee’s name', async () => {
    const t = await provider.transfer({
      outBillNo: 'wd_ali_1',
      amountFen: 12_345n,
      payee: '2088123412341234',
      remark: '余额提现',
    });
    expect(t).toMatchObject({ ok: true, value: { status: 'succeeded', amountFen: 12_345n } });
    expect(await provider.queryTransfer('wd_ali_1')).toMatchObject({
      value: { status: 'succeeded', amountFen: 12_345n },
    });
    expect(await provider.queryTransfer('wd_ali_none')).toMatchObject({ value: { status: 'not_found' } });
    expect(
      await provider.transfer({ outBillNo: 'wd_ali_2', amountFen: 100n, payee: 'a@example.com', remark: 'x' }),
    ).toMatchObject({
      ok: false,
    });
    expect(double.alipay.transfers.get('wd_ali_1')?.amountFen).toBe(12_345n);
  });

  it('downloads the zipped GBK bill and reads its payments, with injected differences', async () => {
    const { outTradeNo } = await opened(777n);
    double.alipay.pay(outTradeNo, { notify: false });
    const kept = await opened(778n);
    double.alipay.pay(kept.outTradeNo, { notify: false });
    double.alipay.setBillDifferences({ omit: [outTradeNo], extra: [{ outTradeNo: 'pay_stranger', amountFen: 1n }] });
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const csv = await provider.downloadTradeBill(today);
    if (!csv.ok) throw new Error(csv.message);
    expect(csv.value).toMatch(/#交易合计：\d+笔/);
    const bill = parseAlipayTradeBill(csv.value);
    if (!bill.ok) throw new Error(bill.message);
    const outTradeNos = bill.bill.rows.filter((r) => r.kind === 'payment').map((r) => r.outTradeNo);
    expect(outTradeNos).not.toContain(outTradeNo);
    expect(bill.bill.rows.find((r) => r.outTradeNo === 'pay_stranger')).toMatchObject({ amountFen: 1n });
    expect(bill.bill.rows.find((r) => r.outTradeNo === kept.outTradeNo)).toMatchObject({ amountFen: 778n });
    double.alipay.setBillDifferences({});
  });

  it('is refused when our request is signed with a key Alipay does not have, and refuses answers it cannot verify', async () => {
    const impostor = alipayProvider(
      alipayConfigFor(double, receiver.url, { privateKey: new Secret(testKeyPair().privatePem) }),
    );
    expect(await impostor.queryPayment('pay_x')).toMatchObject({
      ok: false,
      code: 'gateway_rejected',
      gatewayCode: 'isv.invalid-signature',
    });
    const wrongKey = alipayProvider(
      alipayConfigFor(double, receiver.url, { alipayPublicKey: testKeyPair().publicPem }),
    );
    expect(await wrongKey.queryPayment('pay_x')).toMatchObject({ ok: false, code: 'gateway_bad_response' });
  });

  it('maps an unreachable gateway to gateway_unavailable and a silent one to gateway_timeout', async () => {
    const down = alipayProvider(alipayConfigFor(double, receiver.url, { gatewayUrl: 'http://127.0.0.1:9/gateway.do' }));
    expect(await down.queryPayment('pay_x')).toMatchObject({ ok: false, code: 'gateway_unavailable' });
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const slow = alipayProvider(
      alipayConfigFor(double, receiver.url, { gatewayUrl: `http://127.0.0.1:${port}/gateway.do`, timeoutMs: 150 }),
    );
    expect(await slow.queryPayment('pay_x')).toMatchObject({ ok: false, code: 'gateway_timeout' });
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});
