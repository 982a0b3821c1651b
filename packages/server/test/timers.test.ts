import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  buyAndReceive,
  createOrder,
  expectLedgerHealthy,
  makeProduct,
  registerShopper,
  skuStock,
  staffToken,
  type TestServer,
} from './helpers';

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not reached in time');
}

for (const backend of backends()) {
  describe(`background timers (${backend.name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await backend.start({ settlementIntervalMs: 300, expiryIntervalMs: 300 });
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('cancels unpaid orders past the timeout and settles received orders without anyone asking', async () => {
      const admin = await staffToken(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0, unpaidTimeoutMinutes: 0 } });
      const { productId, skuId } = await makeProduct(t, admin, {
        priceFen: 800,
        stock: 2,
        campaigns: ['appreciationPool'],
      });
      const shopper = await registerShopper(t);
      const unpaid = await createOrder(t, shopper.token, skuId);
      const unpaidId = (unpaid.body.order as { id: string }).id;
      await eventually(async () => {
        const view = await t.api('GET', `/api/shop/orders/${unpaidId}`, { token: shopper.token });
        return (view.body.order as { status: string }).status === 'cancelled';
      });
      expect(await skuStock(t, admin, productId)).toBe(2);
      const view = await t.api('GET', `/api/shop/orders/${unpaidId}`, { token: shopper.token });
      expect((view.body.order as { transitions: { to: string; actor: string }[] }).transitions.at(-1)).toMatchObject({
        to: 'cancelled',
        actor: 'system',
      });

      await t.api('PUT', '/api/admin/settings', { token: admin, body: { unpaidTimeoutMinutes: 30 } });
      const orderId = await buyAndReceive(t, shopper.token, admin, skuId);
      await eventually(async () => {
        const settled = await t.api('GET', `/api/shop/orders/${orderId}`, { token: shopper.token });
        return (settled.body.order as { status: string }).status === 'settled';
      });
      const positions = await t.api('GET', '/api/shop/me/positions', { token: shopper.token });
      expect((positions.body.positions as unknown[]).length).toBe(1);
    });
  });
}
