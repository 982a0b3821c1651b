import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, expectLedgerHealthy, registerShopper, skuStock, staffToken, type TestServer } from './helpers';
import { flashSale, inMinutes, order, product, setSettings } from './checkout-helpers';

type Sale = { remaining: number; sold: number; reserved: number; state: string; quantity: number };

for (const backend of backends()) {
  describe(`flash sales (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      await setSettings(t, admin, { maxUnpaidOrders: 100 });
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    const sale = async (id: string): Promise<Sale> =>
      (await t.api('GET', `/api/shop/flash-sales/${id}`)).body.flashSale as Sale;

    it('sets units aside, holds the per-user limit under concurrent attempts, never oversells and says sold out', async () => {
      const p = await product(t, admin, { priceFen: 1000, stock: 10 });
      const saleId = await flashSale(t, admin, { skuId: p.skuId, priceFen: 100, quantity: 5, perUserLimit: 2 });
      expect(await skuStock(t, admin, p.productId)).toBe(5);
      const items = [{ skuId: p.skuId, quantity: 1, flashSaleId: saleId }];

      const greedy = await registerShopper(t);
      const tries = await Promise.all(Array.from({ length: 10 }, () => order(t, greedy.token, { items })));
      expect(tries.filter((a) => a.status === 201)).toHaveLength(2);
      for (const a of tries.filter((x) => x.status !== 201)) {
        expect(a.status).toBe(409);
        expect(a.body.error?.code).toBe('flash_limit_exceeded');
      }
      const won = tries.find((a) => a.status === 201)!.body.order as {
        id: string;
        amountFen: number;
        items: { unitPriceFen: number; priceSource: string }[];
      };
      expect(won.amountFen).toBe(100);
      expect(won.items[0]).toMatchObject({ unitPriceFen: 100, priceSource: 'flash' });
      const row = await t.server.store.db
        .selectFrom('orders')
        .select(['created_at', 'expires_at'])
        .where('id', '=', won.id)
        .executeTakeFirstOrThrow();
      expect(Date.parse(row.expires_at) - Date.parse(row.created_at)).toBe(5 * 60_000);

      const crowd = await Promise.all(Array.from({ length: 8 }, () => registerShopper(t)));
      const rush = await Promise.all(crowd.map((s) => order(t, s.token, { items })));
      expect(rush.filter((a) => a.status === 201)).toHaveLength(3);
      for (const a of rush.filter((x) => x.status !== 201)) {
        expect(a.status).toBe(409);
        expect(a.body.error?.code).toBe('flash_sold_out');
      }
      expect(await sale(saleId)).toMatchObject({ remaining: 0, reserved: 5, sold: 0 });
      // Ordinary buyers still have the 5 units that were not set aside.
      expect(await skuStock(t, admin, p.productId)).toBe(5);

      // An unpaid reservation expires on the sale's timeout and its unit is for sale again.
      await t.server.store.db
        .updateTable('orders')
        .set({ expires_at: inMinutes(-1) })
        .where('id', '=', won.id)
        .execute();
      const swept = await t.api('POST', '/api/admin/orders/expire-unpaid', { token: admin });
      expect(swept.body.cancelled).toBe(1);
      expect(await sale(saleId)).toMatchObject({ remaining: 1, reserved: 4 });
      const late = crowd.find((_, i) => rush[i]?.status !== 201)!;
      const second = await order(t, late.token, { items });
      expect(second.status, JSON.stringify(second.body)).toBe(201);
      const secondId = (second.body.order as { id: string }).id;
      const pay = await t.api('POST', `/api/shop/orders/${secondId}/pay`, {
        token: late.token,
        body: { channel: 'sandbox' },
      });
      await t.api('POST', `/api/sandbox/payments/${(pay.body.payment as { id: string }).id}/succeed`);
      expect(await sale(saleId)).toMatchObject({ remaining: 0, reserved: 4, sold: 1 });

      // Ending the sale early: nothing left to give back here; the 4 reserved stay with their orders.
      const end = await t.api('POST', `/api/admin/flash-sales/${saleId}/cancel`, { token: admin });
      expect(end.status).toBe(200);
      expect(end.body.flashSale).toMatchObject({ state: 'cancelled', quantity: 5 });
      const after = await order(t, late.token, { items });
      expect(after.body.error?.code).toBe('flash_sale_not_running');
    });

    it('gives unsold units back to stock when the sale ends, and refuses a sale that has not started', async () => {
      const p = await product(t, admin, { priceFen: 2000, stock: 8 });
      const upcoming = await flashSale(t, admin, {
        skuId: p.skuId,
        priceFen: 500,
        quantity: 3,
        startsAt: inMinutes(30),
      });
      const s = await registerShopper(t);
      const early = await order(t, s.token, { items: [{ skuId: p.skuId, quantity: 1, flashSaleId: upcoming }] });
      expect(early.status).toBe(409);
      expect(early.body.error?.code).toBe('flash_sale_not_running');
      const running = await flashSale(t, admin, { skuId: p.skuId, priceFen: 500, quantity: 4, perUserLimit: 0 });
      expect(await skuStock(t, admin, p.productId)).toBe(1);
      const bought = await order(t, s.token, { items: [{ skuId: p.skuId, quantity: 3, flashSaleId: running }] });
      expect(bought.status, JSON.stringify(bought.body)).toBe(201);
      await t.server.store.db
        .updateTable('flash_sales')
        .set({ ends_at: inMinutes(-1) })
        .where('id', '=', running)
        .execute();
      await t.api('POST', '/api/admin/orders/expire-unpaid', { token: admin });
      expect(await sale(running)).toMatchObject({ state: 'ended', quantity: 3, reserved: 3 });
      expect(await skuStock(t, admin, p.productId)).toBe(2);
      // The reservation is released after the end: its units go to the SKU's stock, not to the closed sale.
      const cancel = await t.api('POST', `/api/shop/orders/${(bought.body.order as { id: string }).id}/cancel`, {
        token: s.token,
      });
      expect(cancel.status).toBe(200);
      expect(await skuStock(t, admin, p.productId)).toBe(5);
      expect(await sale(running)).toMatchObject({ quantity: 0, reserved: 0 });
      const wrongSku = await product(t, admin, { priceFen: 100, stock: 1 });
      const mismatch = await order(t, s.token, {
        items: [{ skuId: wrongSku.skuId, quantity: 1, flashSaleId: upcoming }],
      });
      expect(mismatch.body.error?.code).toBe('flash_sale_not_found');
    });
  });
}
