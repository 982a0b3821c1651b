import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayDouble, type GatewayDouble } from '../../../test/gateway-double';
import { alipayConfigFor, wechatConfigFor } from '../../../test/gateway-double/configs';
import { alipayProvider } from './alipay';
import { checkAgainstPayment, type ExpectedPayment } from './gateway';
import { checkOpenPayment } from './open-payments';
import { wechatPayProvider } from './wechat-pay';

let double: GatewayDouble;

beforeAll(async () => {
  double = await startGatewayDouble();
});

afterAll(async () => {
  await double.close();
});

const expiresAt = () => new Date(Date.now() + 60_000).toISOString();

describe('payments that no notification settled', () => {
  it('finds a WeChat payment whose notification never came and applies it with the amount checked', async () => {
    const wechat = wechatPayProvider(wechatConfigFor(double, 'http://127.0.0.1:9/never'));
    const expected: ExpectedPayment = { outTradeNo: 'pay_open_wx_1', amountFen: 990n, channel: 'wechat_native' };
    await wechat.createPayment({ ...expected, description: 'x', expiresAt: expiresAt() });
    expect(await checkOpenPayment(wechat, expected)).toEqual({ action: 'wait' });
    double.wechat.pay(expected.outTradeNo, { notify: false });
    const found = await checkOpenPayment(wechat, expected);
    expect(found).toMatchObject({ action: 'apply', event: { kind: 'payment_succeeded', amountFen: 990n } });
    expect(await checkOpenPayment(wechat, { ...expected, amountFen: 991n })).toEqual({
      action: 'mismatch',
      reason: 'amount_mismatch',
    });
  });

  it('reports an Alipay trade never opened as wait and a closed one as closed', async () => {
    const alipay = alipayProvider(alipayConfigFor(double, 'http://127.0.0.1:9/never'));
    const expected: ExpectedPayment = { outTradeNo: 'pay_open_ali_1', amountFen: 100n, channel: 'alipay_wap' };
    const created = await alipay.createPayment({ ...expected, description: 'x', expiresAt: expiresAt() });
    expect(await checkOpenPayment(alipay, expected)).toEqual({ action: 'wait' });
    if (created.ok && created.value.kind === 'redirect') await fetch(created.value.url);
    expect(await alipay.closePayment(expected.outTradeNo)).toMatchObject({ ok: true });
    expect(await checkOpenPayment(alipay, expected)).toEqual({ action: 'closed' });
  });

  it('checks a notification against the payment: same gateway, same order, same amount', () => {
    const expected: ExpectedPayment = { outTradeNo: 'p1', amountFen: 100n, channel: 'alipay_page' };
    expect(checkAgainstPayment('alipay', { outTradeNo: 'p1', amountFen: 100n }, expected)).toBe('ok');
    expect(checkAgainstPayment('alipay', { outTradeNo: 'p1', amountFen: 99n }, expected)).toBe('amount_mismatch');
    expect(checkAgainstPayment('wechat', { outTradeNo: 'p1', amountFen: 100n }, expected)).toBe('payment_not_found');
    expect(checkAgainstPayment('alipay', { outTradeNo: 'p2', amountFen: 100n }, expected)).toBe('payment_not_found');
    expect(checkAgainstPayment('alipay', { outTradeNo: 'p1', amountFen: 100n }, undefined)).toBe('payment_not_found');
  });
});
