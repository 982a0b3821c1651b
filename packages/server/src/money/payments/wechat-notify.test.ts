import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGatewayDouble, type GatewayDouble } from '../../../test/gateway-double';
import { wechatConfigFor } from '../../../test/gateway-double/configs';
import { testApiV3Key, testKeyPair } from '../../../test/gateway-double/keys';
import { newBook, startNotifyReceiver, type PaymentBook } from '../../../test/gateway-double/notify-receiver';
import type { OutgoingRequest } from '../../../test/gateway-double/notifier';
import { wechatPayProvider, type WechatPayProvider } from './wechat-pay';

let double: GatewayDouble;
let book: PaymentBook;
let receiver: Awaited<ReturnType<typeof startNotifyReceiver>>;
let provider: WechatPayProvider;
let seq = 0;

beforeAll(async () => {
  double = await startGatewayDouble({ timeFactor: 1000 });
  receiver = await startNotifyReceiver(() => provider, (book = newBook()));
  provider = wechatPayProvider(wechatConfigFor(double, receiver.url));
});

afterAll(async () => {
  await receiver.close();
  await double.close();
});

beforeEach(() => {
  book.paid.clear();
  book.applications.clear();
  receiver.received.length = 0;
});

/** A paid order at the double whose success notification has not been sent, known to our book. */
async function paidOrder(amountFen = 8_800n) {
  const outTradeNo = `pay_wn_${Date.now()}_${(seq += 1)}`;
  book.expected.set(outTradeNo, { outTradeNo, amountFen, channel: 'wechat_native' });
  const created = await provider.createPayment({
    channel: 'wechat_native',
    outTradeNo,
    amountFen,
    description: 'test',
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
  });
  expect(created.ok).toBe(true);
  double.wechat.pay(outTradeNo, { notify: false });
  const transaction = double.wechat.transactionJson(double.wechat.orders.get(outTradeNo) ?? expect.fail('order'));
  return { outTradeNo, transaction };
}

/** Posts a hand-built notification to our notify endpoint, as a gateway (or an attacker) would. */
async function post(req: OutgoingRequest): Promise<{ status: number; body: string }> {
  const res = await fetch(receiver.url, { method: 'POST', headers: req.headers, body: req.body });
  return { status: res.status, body: await res.text() };
}

describe('WeChat Pay notification verification', () => {
  it('accepts the genuine notification signed with the public key id and with the platform certificate', async () => {
    const a = await paidOrder();
    double.wechat.signWith(double.fixtures.wechat.publicKeyId);
    expect((await post(double.wechat.notification('TRANSACTION.SUCCESS', a.transaction))).status).toBe(204);
    const b = await paidOrder();
    double.wechat.signWith(double.fixtures.wechat.platformSerial);
    expect((await post(double.wechat.notification('TRANSACTION.SUCCESS', b.transaction))).status).toBe(204);
    double.wechat.signWith(double.fixtures.wechat.publicKeyId);
    expect(book.paid.has(a.outTradeNo) && book.paid.has(b.outTradeNo)).toBe(true);
  });

  it('refuses a key it was not told about: a merchant still on certificates sees an unknown public key id', async () => {
    const f = double.fixtures.wechat;
    const certOnly = wechatPayProvider(
      wechatConfigFor(double, receiver.url, { verifiers: new Map([[f.platformSerial, f.platform.publicKey]]) }),
    );
    const { transaction } = await paidOrder();
    const req = double.wechat.notification('TRANSACTION.SUCCESS', transaction);
    const result = await certOnly.parseNotification({ headers: req.headers, rawBody: req.body }, Date.now());
    expect(result).toMatchObject({ ok: false, reason: 'unknown_serial' });
  });

  const refusals: [string, (t: Record<string, unknown>) => OutgoingRequest, string][] = [
    [
      'a signature by another key under the right serial',
      (t) =>
        double.wechat.notification('TRANSACTION.SUCCESS', t, {
          signer: { id: double.fixtures.wechat.publicKeyId, privateKey: testKeyPair().privateKey },
        }),
      'invalid_signature',
    ],
    [
      'a tampered amount re-signed by another key',
      (t) =>
        double.wechat.notification(
          'TRANSACTION.SUCCESS',
          { ...t, amount: { total: 1, currency: 'CNY' } },
          {
            signer: { id: double.fixtures.wechat.publicKeyId, privateKey: testKeyPair().privateKey },
          },
        ),
      'invalid_signature',
    ],
    [
      'another merchant’s notification',
      (t) => double.wechat.notification('TRANSACTION.SUCCESS', { ...t, mchid: '1900000999' }),
      'merchant_mismatch',
    ],
    [
      'another app’s notification',
      (t) => double.wechat.notification('TRANSACTION.SUCCESS', { ...t, appid: 'wx0000000000000000' }),
      'app_mismatch',
    ],
    [
      'a timestamp 302 s old',
      (t) => double.wechat.notification('TRANSACTION.SUCCESS', t, { timestampOffsetSeconds: -302 }),
      'stale_timestamp',
    ],
    [
      'a timestamp 302 s ahead',
      (t) => double.wechat.notification('TRANSACTION.SUCCESS', t, { timestampOffsetSeconds: 302 }),
      'stale_timestamp',
    ],
    [
      'the SIGNTEST probe',
      (t) => double.wechat.notification('TRANSACTION.SUCCESS', t, { signtest: true }),
      'signature_probe',
    ],
    [
      'a resource under another APIv3 key',
      (t) => double.wechat.notification('TRANSACTION.SUCCESS', t, { apiV3Key: testApiV3Key() }),
      'decrypt_failed',
    ],
  ];

  it.each(refusals)('refuses %s with a 4xx and changes nothing', async (_name, build, reason) => {
    const { outTradeNo, transaction } = await paidOrder();
    const answer = await post(build(transaction));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'FAIL' });
    expect(receiver.received[0]?.result).toMatchObject({ ok: false, reason });
    expect(book.paid.has(outTradeNo)).toBe(false);
  });

  it('accepts timestamps up to 5 minutes off either way', async () => {
    for (const offset of [-299, 299]) {
      const { transaction } = await paidOrder();
      const req = double.wechat.notification('TRANSACTION.SUCCESS', transaction, { timestampOffsetSeconds: offset });
      const result = await provider.parseNotification({ headers: req.headers, rawBody: req.body }, Date.now());
      expect(result.ok).toBe(true);
    }
  });

  it('refuses a body changed after signing (one byte of whitespace)', async () => {
    const { outTradeNo, transaction } = await paidOrder();
    const req = double.wechat.notification('TRANSACTION.SUCCESS', transaction);
    const answer = await post({ headers: req.headers, body: `${req.body} ` });
    expect(answer.status).toBe(400);
    expect(receiver.received[0]?.result).toMatchObject({ ok: false, reason: 'invalid_signature' });
    expect(book.paid.has(outTradeNo)).toBe(false);
  });

  it('refuses a genuine notification whose amount is not our order’s, and one for an order we do not have', async () => {
    const { outTradeNo, transaction } = await paidOrder(5_000n);
    book.expected.set(outTradeNo, { outTradeNo, amountFen: 4_999n, channel: 'wechat_native' });
    expect((await post(double.wechat.notification('TRANSACTION.SUCCESS', transaction))).status).toBe(400);
    book.expected.delete(outTradeNo);
    expect((await post(double.wechat.notification('TRANSACTION.SUCCESS', transaction))).status).toBe(400);
    expect(receiver.received.map((r) => r.result.ok)).toEqual([true, true]);
    expect(book.paid.has(outTradeNo)).toBe(false);
  });

  it('applies a replayed notification once: the same bytes again change nothing', async () => {
    const { outTradeNo, transaction } = await paidOrder();
    const req = double.wechat.notification('TRANSACTION.SUCCESS', transaction);
    const answers = [await post(req), await post(req), await post(req)];
    expect(answers.map((a) => a.status)).toEqual([204, 204, 204]);
    expect(book.applications.get(outTradeNo)).toBe(1);
  });

  it('refuses missing headers and a body that is not a notification without throwing', async () => {
    const bare = await provider.parseNotification({ headers: {}, rawBody: '{}' }, Date.now());
    expect(bare).toMatchObject({ ok: false, reason: 'missing_headers' });
    const { transaction } = await paidOrder();
    const req = double.wechat.notification('TRANSACTION.SUCCESS', transaction);
    const garbage = await provider.parseNotification({ headers: req.headers, rawBody: 'not json' }, Date.now());
    expect(garbage).toMatchObject({ ok: false, reason: 'invalid_signature' });
  });
});
