import { createVerify } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGatewayDouble, type GatewayDouble } from '../../../test/gateway-double';
import { wechatConfigFor } from '../../../test/gateway-double/configs';
import { newBook, startNotifyReceiver, type PaymentBook } from '../../../test/gateway-double/notify-receiver';
import type { CreatePaymentInput, PaymentChannel } from './gateway';
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
  book.expected.clear();
  book.paid.clear();
  book.refunds.clear();
  book.applications.clear();
  receiver.received.length = 0;
});

function order(
  channel: PaymentChannel,
  amountFen: bigint,
  extra: Partial<CreatePaymentInput> = {},
): CreatePaymentInput {
  const outTradeNo = `pay_wx_${Date.now()}_${(seq += 1)}`;
  book.expected.set(outTradeNo, { outTradeNo, amountFen, channel });
  return {
    channel,
    outTradeNo,
    amountFen,
    description: '消费商礼包',
    expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
    ...extra,
  };
}

describe('WeChat Pay provider against the gateway double', () => {
  it('binds the openid by snsapi_base and pays a JSAPI order with signed requestPayment parameters', async () => {
    const code = double.wechat.issueOauthCode('o_shopper_1');
    const exchanged = await provider.exchangeOauthCode(code);
    expect(exchanged).toEqual({ ok: true, value: { openid: 'o_shopper_1' } });
    const input = order('wechat_jsapi', 100_000n, { openid: 'o_shopper_1' });
    const created = await provider.createPayment(input);
    if (!created.ok || created.value.kind !== 'jsapi') throw new Error(JSON.stringify(created));
    const p = created.value.params;
    expect(p.package).toMatch(/^prepay_id=wx/);
    const message = `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
    const merchantKey = double.fixtures.wechat.merchant.publicKey;
    expect(createVerify('RSA-SHA256').update(message).verify(merchantKey, p.paySign, 'base64')).toBe(true);
    expect(double.wechat.orders.get(input.outTradeNo)?.openid).toBe('o_shopper_1');

    const delivery = double.wechat.pay(input.outTradeNo);
    expect(await delivery?.done).toBe(true);
    expect(book.paid.get(input.outTradeNo)).toBe(double.wechat.orders.get(input.outTradeNo)?.transactionId);
    expect(receiver.received[0]?.status).toBe(204);
    const r = receiver.received[0]?.result;
    expect(r?.ok && r.event).toMatchObject({
      kind: 'payment_succeeded',
      amountFen: 100_000n,
      merchantId: '1900000109',
    });
  });

  it('answers an H5 order with h5_url and a Native order with code_url', async () => {
    const h5 = await provider.createPayment(order('wechat_h5', 1n, { clientIp: '203.0.113.7' }));
    expect(h5.ok && h5.value).toMatchObject({ kind: 'h5', h5Url: expect.stringContaining('/wechat/h5/') });
    const native = await provider.createPayment(order('wechat_native', 10n));
    expect(native.ok && native.value).toMatchObject({ kind: 'native', codeUrl: expect.stringMatching(/^weixin:\/\//) });
  });

  it('refuses JSAPI without an openid and amounts outside what WeChat takes, before calling the gateway', async () => {
    const before = double.wechat.requests.length;
    expect(await provider.createPayment(order('wechat_jsapi', 1n))).toMatchObject({
      ok: false,
      code: 'openid_required',
    });
    expect(await provider.createPayment(order('wechat_h5', 1n))).toMatchObject({
      ok: false,
      code: 'client_ip_required',
    });
    expect(await provider.createPayment(order('wechat_native', 0n))).toMatchObject({ code: 'amount_out_of_range' });
    expect(await provider.createPayment(order('wechat_native', 2_147_483_648n))).toMatchObject({
      code: 'amount_out_of_range',
    });
    expect(double.wechat.requests.length).toBe(before);
  });

  it('applies a payment once when the notification comes again, and concurrently from several servers', async () => {
    const input = order('wechat_native', 4_321n);
    await provider.createPayment(input);
    await double.wechat.pay(input.outTradeNo, { concurrent: 5, duplicates: 4 })?.done;
    expect(receiver.received).toHaveLength(9);
    expect(receiver.received.every((r) => r.status === 204)).toBe(true);
    expect(book.applications.get(input.outTradeNo)).toBe(1);
  });

  it('answers a refused snsapi_base code as invalid_oauth_code, also when the code is used twice', async () => {
    expect(await provider.exchangeOauthCode('nope')).toMatchObject({ ok: false, code: 'invalid_oauth_code' });
    const code = double.wechat.issueOauthCode('o_twice');
    expect((await provider.exchangeOauthCode(code)).ok).toBe(true);
    expect(await provider.exchangeOauthCode(code)).toMatchObject({ ok: false, gatewayCode: '40029' });
  });
});
