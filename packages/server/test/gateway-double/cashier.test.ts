import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alipayProvider } from '../../src/money/payments/alipay';
import { wechatPayProvider } from '../../src/money/payments/wechat-pay';
import { alipayConfigFor, wechatConfigFor } from './configs';
import { startGatewayDouble, type GatewayDouble } from './index';
import { newBook, startNotifyReceiver, type PaymentBook } from './notify-receiver';

let double: GatewayDouble;
let book: PaymentBook;
let receiver: Awaited<ReturnType<typeof startNotifyReceiver>>;
let gateway: 'wechat' | 'alipay' = 'wechat';

beforeAll(async () => {
  double = await startGatewayDouble();
  book = newBook();
  const wechat = () => wechatPayProvider(wechatConfigFor(double, receiver.url));
  const alipay = () => alipayProvider(alipayConfigFor(double, receiver.url));
  receiver = await startNotifyReceiver(() => (gateway === 'wechat' ? wechat() : alipay()), book);
});

afterAll(async () => {
  await receiver.close();
  await double.close();
});

const expiresAt = () => new Date(Date.now() + 60_000).toISOString();

/** Submits the cashier page's one form as a browser would, without following the redirect. */
async function submitCashier(html: string): Promise<Response> {
  const action = /action="([^"]+)"/.exec(html)?.[1] ?? '';
  const returnUrl = /name="return_url" value="([^"]+)"/.exec(html)?.[1];
  const body =
    returnUrl === undefined ? '' : new URLSearchParams({ return_url: returnUrl.replace(/&#38;/g, '&') }).toString();
  return fetch(new URL(action, double.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
}

describe('the double’s cashier pages', () => {
  it('pays a WeChat H5 order from its h5_url page and sends the notification', async () => {
    gateway = 'wechat';
    const provider = wechatPayProvider(wechatConfigFor(double, receiver.url));
    book.expected.set('pay_cashier_wx', { outTradeNo: 'pay_cashier_wx', amountFen: 1_234n, channel: 'wechat_h5' });
    const r = await provider.createPayment({
      channel: 'wechat_h5',
      outTradeNo: 'pay_cashier_wx',
      amountFen: 1_234n,
      description: 'x',
      expiresAt: expiresAt(),
      clientIp: '127.0.0.1',
    });
    if (!r.ok || r.value.kind !== 'h5') throw new Error('no h5_url');
    const page = await (
      await fetch(`${r.value.h5Url}?redirect_url=${encodeURIComponent('https://mall.example.com/#/orders')}`)
    ).text();
    expect(page).toContain('¥12.34');
    const paid = await submitCashier(page);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe('https://mall.example.com/#/orders');
    await Promise.all(double.wechat.notifier.deliveries.map((d) => d.done));
    expect(book.applications.get('pay_cashier_wx')).toBe(1);
  });

  it('pays an Alipay page order from its cashier and refuses to pay it twice', async () => {
    gateway = 'alipay';
    const provider = alipayProvider(alipayConfigFor(double, receiver.url));
    book.expected.set('pay_cashier_ali', { outTradeNo: 'pay_cashier_ali', amountFen: 10n, channel: 'alipay_page' });
    const r = await provider.createPayment({
      channel: 'alipay_page',
      outTradeNo: 'pay_cashier_ali',
      amountFen: 10n,
      description: 'x',
      expiresAt: expiresAt(),
    });
    if (!r.ok || r.value.kind !== 'redirect') throw new Error('no redirect');
    const page = await (await fetch(r.value.url)).text();
    expect(page).toContain('¥0.10');
    const paid = await submitCashier(page);
    expect(paid.status).toBe(303);
    await Promise.all(double.alipay.notifier.deliveries.map((d) => d.done));
    expect(book.applications.get('pay_cashier_ali')).toBe(1);
    expect((await submitCashier(page)).status).toBe(409);
  });
});
