import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandbox, SANDBOX_SIGNATURE_HEADER } from '../src/money/payments/sandbox';
import {
  backends,
  createOrder,
  expectLedgerHealthy,
  fundedInviter,
  makeProduct,
  registerShopper,
  sandboxSecretOf,
  skuStock,
  staffToken,
  type TestServer,
} from './helpers';

for (const backend of backends()) {
  describe(`concurrency (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('sells exactly 10 of a SKU with stock 10 to 50 concurrent orders', async () => {
      const { productId, skuId } = await makeProduct(t, admin, { priceFen: 1000, stock: 10 });
      const shoppers = await Promise.all(Array.from({ length: 10 }, () => registerShopper(t)));
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => createOrder(t, shoppers[i % 10]?.token ?? '', skuId)),
      );
      const created = answers.filter((a) => a.status === 201);
      const refused = answers.filter((a) => a.status === 409);
      expect(created).toHaveLength(10);
      expect(refused).toHaveLength(40);
      for (const r of refused) expect(r.body.error?.code).toBe('out_of_stock');
      expect(await skuStock(t, admin, productId)).toBe(0);
    });

    it('accepts exactly one of 50 concurrent withdrawals of the whole balance', async () => {
      const { a } = await fundedInviter(t, admin);
      const wallet = await t.api('GET', '/api/shop/me/wallet', { token: a.token });
      expect(wallet.body.balanceFen).toBe(10_000);
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          t.api('POST', '/api/shop/me/withdrawals', { token: a.token, body: { amountFen: 10_000, channel: 'alipay' } }),
        ),
      );
      expect(answers.filter((x) => x.status === 200)).toHaveLength(1);
      const refused = answers.filter((x) => x.status !== 200);
      expect(refused).toHaveLength(49);
      for (const r of refused) expect(r.body.error?.code).toBe('insufficient_balance');
      const after = await t.api('GET', '/api/shop/me/wallet', { token: a.token });
      expect(after.body.balanceFen).toBe(0);
    });

    it('pays once for 10 concurrent identical notifications and rejects a bad signature', async () => {
      const { skuId } = await makeProduct(t, admin, { priceFen: 2500, stock: 5 });
      const shopper = await registerShopper(t);
      const order = await createOrder(t, shopper.token, skuId);
      const orderId = (order.body.order as { id: string }).id;
      const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, {
        token: shopper.token,
        body: { channel: 'sandbox' },
      });
      const payment = pay.body.payment as { id: string; payUrl: string };
      expect(payment.payUrl).toBe(`/#/pay/sandbox/${payment.id}`);
      const raw = JSON.stringify({
        paymentId: payment.id,
        orderId,
        amountFen: 2500,
        status: 'SUCCESS',
        providerTxn: 'T1',
        timestamp: new Date().toISOString(),
      });

      const forged = await t.api('POST', '/api/payments/sandbox/notify', {
        body: raw,
        headers: { [SANDBOX_SIGNATURE_HEADER]: signSandbox('not-the-secret', raw) },
      });
      expect(forged.status).toBe(400);
      expect(forged.body.error?.code).toBe('invalid_signature');
      const unsigned = await t.api('POST', '/api/payments/sandbox/notify', { body: raw });
      expect(unsigned.status).toBe(400);
      let view = await t.api('GET', `/api/shop/orders/${orderId}`, { token: shopper.token });
      expect((view.body.order as { status: string }).status).toBe('created');

      const secret = await sandboxSecretOf(t);
      const wrongAmount = JSON.stringify({
        paymentId: payment.id,
        orderId,
        amountFen: 1,
        status: 'SUCCESS',
        providerTxn: 'T1',
        timestamp: new Date().toISOString(),
      });
      const mismatch = await t.api('POST', '/api/payments/sandbox/notify', {
        body: wrongAmount,
        headers: { [SANDBOX_SIGNATURE_HEADER]: signSandbox(secret, wrongAmount) },
      });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.error?.code).toBe('amount_mismatch');

      const signature = signSandbox(secret, raw);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          t.api('POST', '/api/payments/sandbox/notify', {
            body: raw,
            headers: { [SANDBOX_SIGNATURE_HEADER]: signature },
          }),
        ),
      );
      for (const x of answers) expect(x.status).toBe(200);
      view = await t.api('GET', `/api/shop/orders/${orderId}`, { token: shopper.token });
      const paid = view.body.order as { status: string; transitions: { to: string }[]; payment: { status: string } };
      expect(paid.status).toBe('paid');
      expect(paid.transitions.filter((x) => x.to === 'paid')).toHaveLength(1);
      expect(paid.payment.status).toBe('succeeded');
      const ledger = await t.api('GET', `/api/admin/ledger?account=gateway:sandbox&pageSize=200`, { token: admin });
      const forOrder = (ledger.body.items as { orderId: string; reason: string }[]).filter(
        (e) => e.orderId === orderId && e.reason === 'payment',
      );
      expect(forOrder).toHaveLength(1);
      // The gateway page's own button, pressed again, changes nothing either.
      const again = await t.api('POST', `/api/sandbox/payments/${payment.id}/succeed`);
      expect(again.status).toBe(200);
      const ledger2 = await t.api('GET', `/api/admin/ledger?account=gateway:sandbox&pageSize=200`, { token: admin });
      expect((ledger2.body.items as { orderId: string }[]).filter((e) => e.orderId === orderId)).toHaveLength(1);
    });

    it('settles each order once when settlement is triggered concurrently', async () => {
      const runs = await Promise.all(
        Array.from({ length: 5 }, () => t.api('POST', '/api/admin/settlement/run', { token: admin })),
      );
      for (const r of runs) expect(r.status).toBe(200);
      await expectLedgerHealthy(t);
    });
  });
}
