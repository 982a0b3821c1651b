import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayDouble, type GatewayDouble } from '../../../test/gateway-double';
import { wechatConfigFor } from '../../../test/gateway-double/configs';
import { testKeyPair } from '../../../test/gateway-double/keys';
import { newBook, startNotifyReceiver, type PaymentBook } from '../../../test/gateway-double/notify-receiver';
import { WECHAT_RETRY_SECONDS } from '../../../test/gateway-double/notifier';
import { Secret } from './secret';
import { wechatPayProvider, type WechatPayProvider } from './wechat-pay';

let double: GatewayDouble;
let book: PaymentBook;
let receiver: Awaited<ReturnType<typeof startNotifyReceiver>>;
let provider: WechatPayProvider;
let seq = 0;
const TIME_FACTOR = 1000;

beforeAll(async () => {
  double = await startGatewayDouble({ timeFactor: TIME_FACTOR });
  receiver = await startNotifyReceiver(() => provider, (book = newBook()));
  provider = wechatPayProvider(wechatConfigFor(double, receiver.url));
});

afterAll(async () => {
  await receiver.close();
  await double.close();
});

async function created(amountFen: bigint) {
  const outTradeNo = `pay_wa_${Date.now()}_${(seq += 1)}`;
  book.expected.set(outTradeNo, { outTradeNo, amountFen, channel: 'wechat_native' });
  const r = await provider.createPayment({
    channel: 'wechat_native',
    outTradeNo,
    amountFen,
    description: '测试',
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
  });
  expect(r.ok).toBe(true);
  return outTradeNo;
}

describe('WeChat Pay order query, close, refund, transfer and bill against the double', () => {
  it('queries an order through its life: unknown, pending, paid with amount and ids', async () => {
    expect(await provider.queryPayment('pay_never_created')).toEqual({
      ok: true,
      value: { outTradeNo: 'pay_never_created', status: 'not_found' },
    });
    const no = await created(12_345n);
    expect(await provider.queryPayment(no)).toMatchObject({
      ok: true,
      value: { status: 'pending', amountFen: 12_345n },
    });
    double.wechat.pay(no, { notify: false });
    const q = await provider.queryPayment(no);
    expect(q).toMatchObject({
      ok: true,
      value: { status: 'succeeded', amountFen: 12_345n, merchantId: '1900000109', appId: 'wxd678efh567hg6787' },
    });
    expect(q.ok && q.value.gatewayTxnId).toBe(double.wechat.orders.get(no)?.transactionId);
  });

  it('closes an unpaid order, and refuses to close a paid one with WeChat’s code', async () => {
    const open = await created(100n);
    expect(await provider.closePayment(open)).toEqual({ ok: true, value: { closed: true } });
    expect(await provider.queryPayment(open)).toMatchObject({ value: { status: 'closed' } });
    const paid = await created(100n);
    double.wechat.pay(paid, { notify: false });
    expect(await provider.closePayment(paid)).toMatchObject({
      ok: false,
      code: 'gateway_rejected',
      gatewayCode: 'ORDERPAID',
    });
  });

  it('refunds in parts with idempotent out_refund_no and refuses more than was paid', async () => {
    const no = await created(1_000n);
    double.wechat.pay(no, { notify: false });
    const first = { outTradeNo: no, outRefundNo: `ref_${no}_1`, refundFen: 300n, totalFen: 1_000n, reason: '退货' };
    expect(await provider.refund(first)).toMatchObject({ ok: true, value: { status: 'processing', refundFen: 300n } });
    expect(await provider.refund(first)).toMatchObject({ ok: true, value: { status: 'processing', refundFen: 300n } });
    expect(double.wechat.orders.get(no)?.refundedFen).toBe(300);
    const second = { ...first, outRefundNo: `ref_${no}_2`, refundFen: 701n };
    expect(await provider.refund(second)).toMatchObject({
      ok: false,
      code: 'gateway_rejected',
      gatewayCode: 'NOT_ENOUGH',
    });
    expect(await provider.refund({ ...second, refundFen: 1_001n })).toMatchObject({ code: 'amount_out_of_range' });
    expect(await provider.queryRefund(no, first.outRefundNo)).toMatchObject({ value: { status: 'processing' } });
    double.wechat.completeRefund(first.outRefundNo, 'SUCCESS', {});
    expect(await provider.queryRefund(no, first.outRefundNo)).toMatchObject({
      value: { status: 'succeeded', refundFen: 300n },
    });
    expect(await provider.queryRefund(no, 'ref_unknown')).toMatchObject({ value: { status: 'not_found' } });
  });

  it('retries a refund notification that came before our refund was recorded, until we acknowledge it', async () => {
    const no = await created(2_000n);
    double.wechat.pay(no, { notify: false });
    const outRefundNo = `ref_${no}_early`;
    const r = await provider.refund({ outTradeNo: no, outRefundNo, refundFen: 2_000n, totalFen: 2_000n, reason: 'x' });
    expect(r.ok).toBe(true);
    // The gateway finishes the refund and notifies before our side has written it down (out of order).
    const delivery = double.wechat.completeRefund(outRefundNo, 'SUCCESS');
    // Our refund row is written only after the first attempt was answered (whatever the machine's load).
    while ((delivery?.attempts.length ?? 1) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    book.refunds.set(outRefundNo, { outTradeNo: no, refundFen: 2_000n, confirmed: false });
    expect(await delivery?.done).toBe(true);
    const attempts = delivery?.attempts ?? [];
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts[0]?.status).toBe(503);
    expect(attempts.at(-1)?.status).toBe(204);
    // The second attempt waited WeChat's first retry step (15 s), compressed by the time factor.
    const gap = (attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(((WECHAT_RETRY_SECONDS[0] ?? 0) * 1000) / TIME_FACTOR - 2);
    expect(book.refunds.get(outRefundNo)?.confirmed).toBe(true);
    // Then the payment's own notification, late: the payment is applied once.
    await double.wechat.notifyPayment(no).done;
    expect(book.applications.get(no)).toBe(1);
  });

  it('transfers to a user’s balance, waits for the payee to confirm, and reports the end by query and notification', async () => {
    const t = await provider.transfer({
      outBillNo: 'wd_0001',
      amountFen: 5_000n,
      payee: 'o_payee',
      remark: '余额提现',
    });
    expect(t).toMatchObject({ ok: true, value: { status: 'wait_user_confirm', amountFen: 5_000n } });
    expect(t.ok && t.value.packageInfo).toMatch(/^pkg_/);
    expect(
      await provider.transfer({ outBillNo: 'wd_0001', amountFen: 5_000n, payee: 'o_payee', remark: '余额提现' }),
    ).toMatchObject({
      value: { gatewayTransferId: t.ok ? t.value.gatewayTransferId : '' },
    });
    await double.wechat.finishTransfer('wd_0001', 'SUCCESS')?.done;
    expect(await provider.queryTransfer('wd_0001')).toMatchObject({
      value: { status: 'succeeded', amountFen: 5_000n },
    });
    // Notifications of earlier tests may still be arriving (retries run on their own clock): find this one.
    const note = receiver.received
      .map((r) => r.result)
      .find((r) => r?.ok === true && r.event.kind === 'transfer_finished');
    expect(note?.ok && note.event).toMatchObject({
      kind: 'transfer_finished',
      outBillNo: 'wd_0001',
      status: 'succeeded',
    });
    expect(await provider.queryTransfer('wd_missing')).toMatchObject({ value: { status: 'not_found' } });
  });

  it('sends the payee name encrypted with the WeChat Pay key at 2000 yuan and above', async () => {
    const t = await provider.transfer({
      outBillNo: 'wd_big',
      amountFen: 200_000n,
      payee: 'o_p',
      payeeName: '张三',
      remark: '提现',
    });
    expect(t.ok).toBe(true);
    const cipher = double.wechat.transfers.get('wd_big')?.userName ?? '';
    expect(cipher).not.toContain('张三');
    expect(cipher.length).toBeGreaterThan(100);
  });

  it('downloads the day’s trade bill with its hash checked, listing payments, refunds and injected differences', async () => {
    const a = await created(1_001n);
    const b = await created(2_002n);
    double.wechat.pay(a, { notify: false });
    double.wechat.pay(b, { notify: false });
    await provider.refund({ outTradeNo: a, outRefundNo: `ref_${a}`, refundFen: 1n, totalFen: 1_001n, reason: 'x' });
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    double.wechat.setBillDifferences({
      amountFen: { [b]: 2_001n },
      extra: [{ outTradeNo: 'pay_unknown', amountFen: 5n }],
    });
    const bill = await provider.downloadTradeBill(today);
    if (!bill.ok) throw new Error(bill.message);
    const lines = bill.value.split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFF交易时间,公众账号ID,商户号/);
    expect(lines.some((l) => l.includes(`\`${a},`) && l.includes('`SUCCESS,') && l.includes('`10.01,'))).toBe(true);
    expect(lines.some((l) => l.includes(`\`${b},`) && l.includes('`20.01,'))).toBe(true);
    expect(lines.some((l) => l.includes(`\`ref_${a},`) && l.includes('`REFUND,') && l.includes('`0.01,'))).toBe(true);
    expect(lines.some((l) => l.includes('`pay_unknown,'))).toBe(true);
    expect(lines.at(-3)).toBe(
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
    );
    double.wechat.setBillDifferences({});
  });

  it('is refused by the gateway when our request is signed with a key WeChat does not know', async () => {
    const impostor = wechatPayProvider(
      wechatConfigFor(double, receiver.url, { merchantKey: new Secret(testKeyPair().privateKey) }),
    );
    expect(await impostor.queryPayment('pay_x')).toMatchObject({
      ok: false,
      code: 'gateway_rejected',
      gatewayCode: 'SIGN_ERROR',
    });
  });

  it('refuses an answer signed by a key we were not told about', async () => {
    const f = double.fixtures.wechat;
    const strict = wechatPayProvider(
      wechatConfigFor(double, receiver.url, { verifiers: new Map([[f.platformSerial, f.platform.publicKey]]) }),
    );
    const no = await created(100n);
    expect(await strict.queryPayment(no)).toMatchObject({ ok: false, code: 'gateway_bad_response' });
    expect((await provider.queryPayment(no)).ok).toBe(true);
  });

  describe('outbound failures', () => {
    let silent: Server;
    let silentUrl = '';
    beforeAll(async () => {
      silent = createServer(() => undefined); // accepts and never answers
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    });
    afterAll(async () => {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it('maps a gateway that does not answer in time to gateway_timeout, on every call and the oauth exchange', async () => {
      const slow = wechatPayProvider(
        wechatConfigFor(double, receiver.url, { apiBaseUrl: silentUrl, oauthBaseUrl: silentUrl, timeoutMs: 150 }),
      );
      expect(await slow.queryPayment('pay_x')).toMatchObject({ ok: false, code: 'gateway_timeout' });
      expect(await slow.exchangeOauthCode('c')).toMatchObject({ ok: false, code: 'gateway_timeout' });
    });

    it('maps a refused connection to gateway_unavailable', async () => {
      const down = wechatPayProvider(wechatConfigFor(double, receiver.url, { apiBaseUrl: 'http://127.0.0.1:9/' }));
      expect(await down.queryPayment('pay_x')).toMatchObject({ ok: false, code: 'gateway_unavailable' });
    });
  });
});
