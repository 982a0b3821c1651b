import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backends, expectLedgerHealthy, makeProduct, registerShopper, type TestServer } from './helpers';
import { orderStatus, startGatewayPayment, startPaidMall, transfersOf, type PaidMall } from './gateway-helpers';
import { testKeyPair, testApiV3Key } from './gateway-double/keys';
import type { OutgoingRequest } from './gateway-double/notifier';

/**
 * Forged, tampered, stale and replayed notifications: each is refused (or, a replay of a genuine one, applied once),
 * never a 500, and nothing changes. Missed notifications are recovered by the query job.
 */
async function post(url: string, request: OutgoingRequest): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  return { status: res.status, body: await res.text() };
}

for (const backend of backends()) {
  describe(`payment notifications and the query job (${backend.name})`, () => {
    let m: PaidMall;
    let t: TestServer;
    let skuId: string;
    beforeAll(async () => {
      m = await startPaidMall(backend);
      t = m.t;
      ({ skuId } = await makeProduct(t, m.admin, { priceFen: 20_000, stock: 1000 }));
    });
    // After every test: the ledger sums to zero, no wallet is negative, the audit is clean.
    afterEach(async () => {
      if (t) await expectLedgerHealthy(t);
    });
    afterAll(async () => {
      await m?.close();
    });

    const paymentRow = (id: string) =>
      t.server.store.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('refuses every forged WeChat Pay notification, then applies the genuine one once however often it is replayed', async () => {
      const shopper = await registerShopper(t);
      const order = await startGatewayPayment(t, shopper.token, skuId, 'wechat_native');
      const w = m.double.wechat;
      const f = m.double.fixtures.wechat;
      const o = w.orders.get(order.paymentId);
      if (o === undefined) throw new Error('the double has no order');
      const paid: Record<string, unknown> = {
        ...w.transactionJson(o),
        trade_state: 'SUCCESS',
        transaction_id: '4200000000202600000001',
        success_time: '2026-01-01T12:00:00+08:00',
      };
      const amount = paid.amount as Record<string, unknown>;
      const url = `${t.url}/api/payments/wechat/notify`;
      const forged: [string, OutgoingRequest][] = [
        [
          'signed with a key that is not WeChat’s',
          w.notification('TRANSACTION.SUCCESS', paid, {
            signer: { id: f.publicKeyId, privateKey: testKeyPair().privateKey },
          }),
        ],
        [
          'a tampered amount, correctly signed',
          w.notification('TRANSACTION.SUCCESS', { ...paid, amount: { ...amount, total: 1 } }),
        ],
        ['another merchant’s payment', w.notification('TRANSACTION.SUCCESS', { ...paid, mchid: '1900000999' })],
        ['another app’s payment', w.notification('TRANSACTION.SUCCESS', { ...paid, appid: 'wx0000000000000000' })],
        [
          'a payment that is not ours',
          w.notification('TRANSACTION.SUCCESS', { ...paid, out_trade_no: 'pay_NOT_OURS_0001' }),
        ],
        [
          'a stale timestamp (a capture replayed six minutes later)',
          w.notification('TRANSACTION.SUCCESS', paid, { timestampOffsetSeconds: -360 }),
        ],
        ['a timestamp from the future', w.notification('TRANSACTION.SUCCESS', paid, { timestampOffsetSeconds: 400 })],
        [
          'an unknown serial',
          w.notification('TRANSACTION.SUCCESS', paid, {
            signer: { id: 'PUB_KEY_ID_UNKNOWN', privateKey: f.publicKey.privateKey },
          }),
        ],
        ['the SIGNTEST probe', w.notification('TRANSACTION.SUCCESS', paid, { signtest: true })],
        [
          'a resource encrypted with another APIv3 key',
          w.notification('TRANSACTION.SUCCESS', paid, { apiV3Key: testApiV3Key() }),
        ],
        ['no signature headers', { headers: { 'content-type': 'application/json' }, body: '{"id":"x"}' }],
        ['a body that is not JSON', { headers: { 'content-type': 'application/json' }, body: '{"id":' }],
      ];
      for (const [what, request] of forged) {
        const answer = await post(url, request);
        expect(answer.status, what).toBe(400);
        expect(JSON.parse(answer.body), what).toMatchObject({ code: 'FAIL' });
      }
      expect((await paymentRow(order.paymentId)).status).toBe('pending');
      expect(await orderStatus(t, shopper.token, order.orderId)).toBe('created');
      expect(await transfersOf(t, order.orderId)).toEqual([]);

      const genuine = w.notification('TRANSACTION.SUCCESS', paid);
      for (let i = 0; i < 3; i += 1) expect((await post(url, genuine)).status).toBe(204);
      const concurrent = await Promise.all(Array.from({ length: 5 }, () => post(url, genuine)));
      expect(concurrent.map((a) => a.status)).toEqual([204, 204, 204, 204, 204]);
      expect(await orderStatus(t, shopper.token, order.orderId)).toBe('paid');
      expect((await transfersOf(t, order.orderId)).map((x) => x.id)).toEqual([`payment:${order.paymentId}`]);
    });

    it('refuses every forged Alipay notification, then applies the genuine one once', async () => {
      const shopper = await registerShopper(t);
      const order = await startGatewayPayment(t, shopper.token, skuId, 'alipay_wap');
      const a = m.double.alipay;
      const trade = a.trades.get(order.paymentId);
      if (trade === undefined) throw new Error('the double has no trade');
      const params = a.notificationParams(trade, { trade_status: 'TRADE_SUCCESS' });
      const url = `${t.url}/api/payments/alipay/notify`;
      const rsa1 = a.notification(params);
      const forged: [string, OutgoingRequest][] = [
        ['signed with a key that is not Alipay’s', a.notification(params, testKeyPair().privateKey)],
        ['a tampered amount, correctly signed', a.notification({ ...params, total_amount: '199.99' })],
        ['another seller’s payment', a.notification({ ...params, seller_id: '2088000000000999' })],
        ['another app’s payment', a.notification({ ...params, app_id: '2021000000000999' })],
        ['a payment that is not ours', a.notification({ ...params, out_trade_no: 'pay_NOT_OURS_0002' })],
        ['an amount written as 200', a.notification({ ...params, total_amount: '200' })],
        ['sign_type RSA (SHA1)', { ...rsa1, body: rsa1.body.replace('sign_type=RSA2', 'sign_type=RSA') }],
        ['a field sent twice', { ...rsa1, body: `${rsa1.body}&trade_status=TRADE_SUCCESS` }],
        ['no signature', { headers: rsa1.headers, body: 'notify_id=1&out_trade_no=x' }],
      ];
      for (const [what, request] of forged) {
        const answer = await post(url, request);
        expect(answer.status, what).toBe(400);
        expect(answer.body, what).toBe('fail');
      }
      expect((await paymentRow(order.paymentId)).status).toBe('pending');
      expect(await transfersOf(t, order.orderId)).toEqual([]);

      const genuine = a.notification(params);
      const answers = await Promise.all(Array.from({ length: 4 }, () => post(url, genuine)));
      expect(answers.map((x) => x.body)).toEqual(['success', 'success', 'success', 'success']);
      expect((await post(url, genuine)).body).toBe('success');
      expect(await orderStatus(t, shopper.token, order.orderId)).toBe('paid');
      expect((await transfersOf(t, order.orderId)).map((x) => x.id)).toEqual([`payment:${order.paymentId}`]);
    });

    it('recovers payments whose notification never came with the query job, once, also racing a late notification', async () => {
      const shopper = await registerShopper(t);
      const wechat = await startGatewayPayment(t, shopper.token, skuId, 'wechat_h5');
      const alipay = await startGatewayPayment(t, shopper.token, skuId, 'alipay_page');
      m.double.wechat.pay(wechat.paymentId, { notify: false });
      m.double.alipay.pay(alipay.paymentId, { notify: false });
      expect(await orderStatus(t, shopper.token, wechat.orderId)).toBe('created');
      const run = await t.api('POST', '/api/admin/payments/check-open', { token: m.finance });
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      expect(run.body.payments).toMatchObject({ applied: 2 });
      expect(await orderStatus(t, shopper.token, wechat.orderId)).toBe('paid');
      expect(await orderStatus(t, shopper.token, alipay.orderId)).toBe('paid');
      const again = await t.api('POST', '/api/admin/payments/check-open', { token: m.finance });
      expect(again.body.payments).toMatchObject({ applied: 0 });

      // The job and the gateway's (late, concurrent) notifications at the same moment: one credit.
      const raced = await startGatewayPayment(t, shopper.token, skuId, 'wechat_native');
      m.double.wechat.pay(raced.paymentId, { notify: false });
      const [job] = await Promise.all([
        t.api('POST', '/api/admin/payments/check-open', { token: m.finance }),
        m.double.wechat.notifyPayment(raced.paymentId, { concurrent: 3 }).done,
      ]);
      expect(job.status).toBe(200);
      for (const o of [wechat, alipay, raced]) {
        expect((await transfersOf(t, o.orderId)).map((x) => x.id)).toEqual([`payment:${o.paymentId}`]);
      }
    });

    it('closes an abandoned payment at the gateway, and sends late money back through the gateway’s refund', async () => {
      const shopper = await registerShopper(t);
      const abandoned = await startGatewayPayment(t, shopper.token, skuId, 'wechat_native');
      await t.api('POST', `/api/shop/orders/${abandoned.orderId}/cancel`, { token: shopper.token });
      const run = await t.api('POST', '/api/admin/payments/check-open', { token: m.finance });
      expect(run.body.payments).toMatchObject({ closed: 1 });
      expect(m.double.wechat.orders.get(abandoned.paymentId)?.state).toBe('CLOSED');
      expect((await paymentRow(abandoned.paymentId)).status).toBe('closed');

      // Paid at the gateway after the order was cancelled here: the money goes back through WeChat's refund API.
      const late = await startGatewayPayment(t, shopper.token, skuId, 'wechat_h5');
      await t.api('POST', `/api/shop/orders/${late.orderId}/cancel`, { token: shopper.token });
      expect(await m.double.wechat.pay(late.paymentId)?.done).toBe(true);
      const refunds = [...m.double.wechat.refunds.values()].filter((r) => r.outTradeNo === late.paymentId);
      expect(refunds.map((r) => r.refundFen)).toEqual([20_000]);
      expect((await paymentRow(late.paymentId)).status).toBe('succeeded');
      const done = m.double.wechat.completeRefund(refunds[0]?.outRefundNo ?? '', 'SUCCESS');
      expect(await done?.done).toBe(true);
      expect((await paymentRow(late.paymentId)).status).toBe('refunded');
      const moves = await transfersOf(t, late.orderId);
      expect(moves.map((x) => [x.from_account, x.to_account, x.amount_fen, x.reason])).toEqual(
        expect.arrayContaining([
          ['gateway:wechat', 'platform:escrow', 20_000n, 'payment'],
          ['platform:escrow', 'gateway:wechat', 20_000n, 'late_payment_refund'],
        ]),
      );
      expect(await orderStatus(t, shopper.token, late.orderId)).toBe('cancelled');
    });
  });
}
