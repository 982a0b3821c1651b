import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS,
  backends,
  buyAndReceive,
  createOrder,
  expectLedgerHealthy,
  giftPackSku,
  idemKey,
  makeProduct,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/**
 * Issue 7, findings 2 and 4: a campaign edit racing settlements (issue 8: every edit is a new version, logged under
 * the settlement lock), and one shopper reserving all the stock.
 */
for (const backend of backends()) {
  describe(`a campaign edit never lands inside a settlement (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
    });
    afterAll(() => t.close());

    it('keeps the pool and the audit consistent when parameters are edited during settlements', async () => {
      const sku = await giftPackSku(t);
      const buyers = await Promise.all(Array.from({ length: 4 }, () => registerShopper(t)));
      for (let round = 0; round < 3; round += 1) {
        for (const b of buyers) await buyAndReceive(t, b.token, admin, sku);
        const settling = t.api('POST', '/api/admin/settlement/run', { token: admin });
        await new Promise((resolve) => setTimeout(resolve, 5 * round));
        const edit = await t.api('PUT', '/api/admin/campaigns/appreciationPool', {
          token: admin,
          body: { params: { poolShareBps: 2000 + round, creditShareBps: 7000 } },
        });
        expect(edit.status, JSON.stringify(edit.body)).toBe(200);
        expect((edit.body.campaign as { version: number }).version).toBe(round + 2);
        expect((await settling).status).toBe(200);
        await expectLedgerHealthy(t);
      }
      // Each version applied from its place in the log: the next settlement replays with the versions in force.
      for (const b of buyers) await buyAndReceive(t, b.token, admin, sku);
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      await expectLedgerHealthy(t);
    });
  });

  describe(`stock hoarding (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
    });
    afterAll(() => t.close());

    it('merges repeated lines before the 1,000-unit cap', async () => {
      const { skuId } = await makeProduct(t, admin, { priceFen: 100, stock: 100_000 });
      const shopper = await registerShopper(t);
      const answer = await t.api('POST', '/api/shop/orders', {
        token: shopper.token,
        body: { items: Array.from({ length: 50 }, () => ({ skuId, quantity: 1000 })), address: ADDRESS },
        headers: { 'idempotency-key': idemKey() },
      });
      expect(answer.status).toBe(400);
      const split = await t.api('POST', '/api/shop/orders', {
        token: shopper.token,
        body: {
          items: [
            { skuId, quantity: 600 },
            { skuId, quantity: 401 },
          ],
          address: ADDRESS,
        },
        headers: { 'idempotency-key': idemKey() },
      });
      expect(split.status).toBe(400);
      expect(
        await t.server.store.db.selectFrom('orders').select('id').where('user_id', '=', shopper.id).execute(),
      ).toEqual([]);
    });

    it('holds a per-product purchase limit across orders, also when one shopper orders concurrently', async () => {
      const answer = await t.api('POST', '/api/admin/products', {
        token: admin,
        body: {
          title: '限购商品',
          purchaseLimit: 3,
          skus: [{ name: '默认', priceFen: 1_000, costFen: 500, stock: 500 }],
        },
      });
      expect(answer.status).toBe(200);
      const product = answer.body.product as { id: string; purchaseLimit: number; skus: { id: string }[] };
      expect(product.purchaseLimit).toBe(3);
      const skuId = product.skus[0]?.id ?? '';
      const shopper = await registerShopper(t);
      const results = await Promise.all(Array.from({ length: 8 }, () => createOrder(t, shopper.token, skuId)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      const refused = results.filter((r) => r.status !== 201);
      expect(refused.every((r) => r.status === 409 && r.body.error?.code === 'purchase_limit_exceeded')).toBe(true);
      // Cancelling one gives the shopper room for one more; another shopper has their own limit.
      const first = results.find((r) => r.status === 201)?.body.order as { id: string };
      expect((await t.api('POST', `/api/shop/orders/${first.id}/cancel`, { token: shopper.token })).status).toBe(200);
      expect((await createOrder(t, shopper.token, skuId)).status).toBe(201);
      expect((await createOrder(t, shopper.token, skuId)).status).toBe(409);
      const other = await registerShopper(t);
      expect((await createOrder(t, other.token, skuId, 3)).status).toBe(201);
    });

    it('lets one shopper hold at most five unpaid orders, also when they are created concurrently', async () => {
      const { skuId } = await makeProduct(t, admin, { priceFen: 500, stock: 1000 });
      const shopper = await registerShopper(t);
      const results = await Promise.all(Array.from({ length: 12 }, () => createOrder(t, shopper.token, skuId)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(5);
      expect(results.filter((r) => r.status === 409 && r.body.error?.code === 'too_many_unpaid_orders')).toHaveLength(
        7,
      );
      // Paying one frees a slot; the setting moves the cap.
      const order = results.find((r) => r.status === 201)?.body.order as { id: string };
      const pay = await t.api('POST', `/api/shop/orders/${order.id}/pay`, {
        token: shopper.token,
        body: { channel: 'sandbox' },
      });
      await t.api('POST', `/api/sandbox/payments/${(pay.body.payment as { id: string }).id}/succeed`);
      expect((await createOrder(t, shopper.token, skuId)).status).toBe(201);
      expect((await createOrder(t, shopper.token, skuId)).status).toBe(409);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { maxUnpaidOrders: 6 } });
      expect((await createOrder(t, shopper.token, skuId)).status).toBe(201);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { maxUnpaidOrders: 5 } });
      await expectLedgerHealthy(t);
    });
  });
}
