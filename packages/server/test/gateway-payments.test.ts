import { createVerify } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backends, expectLedgerHealthy, makeProduct, registerShopper, type TestServer } from './helpers';
import {
  balance,
  expectError,
  orderStatus,
  payAtGateway,
  startGatewayPayment,
  startPaidMall,
  transfersOf,
  type PaidMall,
} from './gateway-helpers';

/**
 * Issue 10: real payments over HTTP against the gateway double. The real WeChat Pay and Alipay providers create the
 * payment at the double, the double notifies our notify routes (signed, encrypted, retried, duplicated, concurrent),
 * and the ledger moves once.
 */
for (const backend of backends()) {
  describe(`payments through WeChat Pay and Alipay (${backend.name})`, () => {
    let m: PaidMall;
    let t: TestServer;
    let skuId: string;
    beforeAll(async () => {
      m = await startPaidMall(backend);
      t = m.t;
      ({ skuId } = await makeProduct(t, m.admin, { priceFen: 12_345, stock: 1000 }));
    });
    // After every test: the ledger sums to zero, no wallet is negative, the audit is clean.
    afterEach(async () => {
      if (t) await expectLedgerHealthy(t);
    });
    afterAll(async () => {
      await m?.close();
    });

    it('offers exactly the configured channels at the cashier, the sandbox only in demo mode', async () => {
      const answer = await t.api('GET', '/api/shop/payment-channels');
      expect(answer.body).toEqual({
        channels: ['wechat_jsapi', 'wechat_h5', 'wechat_native', 'alipay_wap', 'alipay_page', 'sandbox', 'wallet'],
        wechatOauth: true,
        wechat: { appId: m.double.fixtures.wechat.appid, mchId: m.double.fixtures.wechat.mchid },
      });
      const config = await t.api('GET', '/api/admin/payments/config', { token: m.finance });
      expect(config.status).toBe(200);
      const text = JSON.stringify(config.body);
      const f = m.double.fixtures;
      // Ids and URLs, never a key or a secret.
      expect(text).toContain(f.wechat.mchid);
      for (const secret of [f.wechat.apiV3Key.toString('utf8'), f.wechat.appSecret, 'PRIVATE KEY', 'PUBLIC KEY']) {
        expect(text).not.toContain(secret);
      }
    });

    for (const channel of ['wechat_h5', 'wechat_native', 'alipay_wap', 'alipay_page'] as const) {
      it(`pays with ${channel}: duplicate and concurrent notifications credit the order once`, async () => {
        const shopper = await registerShopper(t);
        const order = await startGatewayPayment(t, shopper.token, skuId, channel);
        if (channel === 'wechat_native') expect(order.payment.codeUrl).toMatch(/^weixin:\/\/wxpay\//);
        else expect(order.payment.payUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
        expect(await orderStatus(t, shopper.token, order.orderId)).toBe('created');
        await payAtGateway(m, channel, order.paymentId, { duplicates: 3, concurrent: 4 });
        expect(await orderStatus(t, shopper.token, order.orderId)).toBe('paid');
        const gateway = channel.startsWith('wechat') ? 'gateway:wechat' : 'gateway:alipay';
        expect(await transfersOf(t, order.orderId)).toEqual([
          {
            id: `payment:${order.paymentId}`,
            from_account: gateway,
            to_account: 'platform:escrow',
            amount_fen: 12_345n,
            reason: 'payment',
          },
        ]);
        const receipts = await t.server.store.db
          .selectFrom('gateway_notifications')
          .selectAll()
          .where('subject', '=', order.paymentId)
          .execute();
        expect(receipts).toHaveLength(1);
        // 4 copies at once, then 3 more after the acknowledgement: 7 deliveries of one notification, one receipt.
        expect(receipts[0]?.deliveries).toBe(7n);
      });
    }

    it('pays with JSAPI after binding the openid by snsapi_base; a used or unknown code is refused', async () => {
      const shopper = await registerShopper(t);
      const before = await t.api('POST', '/api/shop/orders/none/pay', {
        token: shopper.token,
        body: { channel: 'wechat_jsapi' },
      });
      expectError(before, 422, 'openid_required');
      const url = await t.api(
        'GET',
        '/api/shop/wechat/authorize-url?redirectUri=https%3A%2F%2Fmall.example.com%2F&state=s1',
        {
          token: shopper.token,
        },
      );
      expect(url.body.url).toContain('scope=snsapi_base');
      expect(url.body.url).toContain(`appid=${m.double.fixtures.wechat.appid}`);
      const code = m.double.wechat.issueOauthCode('o_shopper_jsapi');
      const bind = await t.api('POST', '/api/shop/me/wechat/openid', { token: shopper.token, body: { code } });
      expect(bind.body).toEqual({ openidBound: true });
      const again = await t.api('POST', '/api/shop/me/wechat/openid', { token: shopper.token, body: { code } });
      expectError(again, 422, 'invalid_oauth_code');
      expect((await t.api('GET', '/api/shop/me/wechat', { token: shopper.token })).body).toEqual({ openidBound: true });

      // `wechat` picks JSAPI once the openid is bound.
      const order = await startGatewayPayment(t, shopper.token, skuId, 'wechat');
      const params = order.payment.jsapiParams as Record<string, string>;
      expect(order.payment.channel).toBe('wechat_jsapi');
      expect(params.package).toMatch(/^prepay_id=wx/);
      const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
      const verifier = createVerify('RSA-SHA256').update(message);
      expect(verifier.verify(m.double.fixtures.wechat.merchant.publicKey, params.paySign ?? '', 'base64')).toBe(true);
      expect(m.double.wechat.orders.get(order.paymentId)?.openid).toBe('o_shopper_jsapi');
      await payAtGateway(m, 'wechat_jsapi', order.paymentId);
      expect(await orderStatus(t, shopper.token, order.orderId)).toBe('paid');
    });

    it('keeps amounts exact at the gateways’ limits: 1 fen pays, beyond each gateway’s range is refused', async () => {
      const cheap = await makeProduct(t, m.admin, { priceFen: 1, stock: 10 });
      const shopper = await registerShopper(t);
      const one = await startGatewayPayment(t, shopper.token, cheap.skuId, 'alipay_wap');
      expect(m.double.alipay.trades.get(one.paymentId)?.totalFen).toBe(1n);
      await payAtGateway(m, 'alipay_wap', one.paymentId);
      expect(await balance(t, 'gateway:alipay')).toBeLessThan(0n);
      // 2^31 fen is one more than WeChat's int; 10^10 + 1 fen one more than Alipay's 100,000,000.00 yuan.
      for (const [price, channel] of [
        [2_147_483_648, 'wechat_native'],
        [10_000_000_001, 'alipay_page'],
      ] as const) {
        const big = await makeProduct(t, m.admin, { priceFen: price, stock: 1 });
        const order = await t.api('POST', '/api/shop/orders', {
          token: shopper.token,
          body: {
            items: [{ skuId: big.skuId, quantity: 1 }],
            address: { name: '张三', phone: '13800138000', region: ['浙江省'], detail: '1 号' },
          },
          headers: { 'idempotency-key': `big-${channel}` },
        });
        const orderId = (order.body.order as { id: string }).id;
        const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, { token: shopper.token, body: { channel } });
        expectError(pay, 422, 'amount_out_of_range');
        await t.api('POST', `/api/shop/orders/${orderId}/cancel`, { token: shopper.token });
      }
      const wechatMax = await makeProduct(t, m.admin, { priceFen: 2_147_483_647, stock: 1 });
      const max = await startGatewayPayment(t, shopper.token, wechatMax.skuId, 'wechat_native');
      expect(m.double.wechat.orders.get(max.paymentId)?.totalFen).toBe(2_147_483_647);
      await t.api('POST', `/api/shop/orders/${max.orderId}/cancel`, { token: shopper.token });
    });
  });
}
