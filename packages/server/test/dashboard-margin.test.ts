import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS,
  backends,
  expectLedgerHealthy,
  fundedInviter,
  idemKey,
  makeProduct,
  staffToken,
  type TestServer,
} from './helpers';

interface PlanShare {
  code: string;
  payoutFen: number;
  shareOfSalesBps: number | null;
  shareOfMarginBps: number | null;
}
interface Promise_ {
  campaign: string;
  cashFen: number;
  promisedFen: number;
  openPositions: number;
  coverBps: number | null;
}
interface Position {
  campaign: string;
  capFen: number;
  realizedFen: number;
  status: string;
}

/**
 * Issue 9: the dashboard's margin (sales minus the cost frozen on each order line, of the units not refunded), each
 * plan's payout as a share of sales and of margin, and every pool's promise against its cash.
 */
for (const backend of backends()) {
  describe(`dashboard margin and pool promise (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    let inviter: Awaited<ReturnType<typeof fundedInviter>>;
    beforeAll(async () => {
      // Exact figures from an empty till: without the promotions' demo, whose group leader has paid an order.
      t = await backend.start({ seedPromotions: false });
      admin = await staffToken(t);
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('shows no share while nothing sold, and every pool with nothing promised', async () => {
      const dashboard = await t.api('GET', '/api/admin/dashboard', { token: admin });
      expect(dashboard.status).toBe(200);
      expect(dashboard.body).toMatchObject({ salesFen: 0, costFen: 0, marginFen: 0 });
      const plans = dashboard.body.plans as PlanShare[];
      expect(plans.every((p) => p.shareOfSalesBps === null && p.shareOfMarginBps === null)).toBe(true);
      expect(dashboard.body.poolPromises).toEqual([
        expect.objectContaining({ campaign: 'appreciationPool', cashFen: 0, promisedFen: 0, openPositions: 0 }),
      ]);
    });

    it('takes the cost frozen at order time off sales, less the cost of refunded units, and shares payouts of both', async () => {
      // Two gift packs (100,000 fen each, cost 40,000 each): A's referral rebate pays 10,000.
      inviter = await fundedInviter(t, admin);
      // Three units of a 10,000-fen good costing 6,000 each; one comes back.
      const good = await makeProduct(t, admin, { priceFen: 10_000, costFen: 6_000, stock: 10 });
      const created = await t.api('POST', '/api/shop/orders', {
        token: inviter.a.token,
        body: { items: [{ skuId: good.skuId, quantity: 3 }], address: ADDRESS },
        headers: { 'idempotency-key': idemKey() },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const orderId = (created.body.order as { id: string }).id;
      const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, {
        token: inviter.a.token,
        body: { channel: 'sandbox' },
      });
      const paymentId = (pay.body.payment as { id: string }).id;
      expect((await t.api('POST', `/api/sandbox/payments/${paymentId}/succeed`)).status).toBe(200);
      // A later cost edit does not rewrite what the order froze.
      const product = await t.api('GET', `/api/admin/products/${good.productId}`, { token: admin });
      const current = product.body.product as { title: string; skus: Record<string, unknown>[] };
      const sku = current.skus[0]!;
      const edit = await t.api('PUT', `/api/admin/products/${good.productId}`, {
        token: admin,
        body: {
          title: current.title,
          skus: [{ id: sku.id, name: sku.name, priceFen: 10_000, costFen: 9_000, stock: sku.stock }],
        },
      });
      expect(edit.status, JSON.stringify(edit.body)).toBe(200);
      const asked = await t.api('POST', `/api/shop/orders/${orderId}/after-sales`, {
        token: inviter.a.token,
        body: { kind: 'refund_only', reason: '拍多了', lines: [{ line: 0, quantity: 1 }] },
      });
      expect(asked.status, JSON.stringify(asked.body)).toBe(200);
      const id = (asked.body.afterSale as { id: string }).id;
      const approved = await t.api('POST', `/api/admin/after-sales/${id}/approve`, { token: admin, body: {} });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      const order = await t.api('GET', `/api/shop/orders/${orderId}`, { token: inviter.a.token });
      expect((order.body.order as { items: { refundedQuantity: number }[] }).items[0]?.refundedQuantity).toBe(1);

      const dashboard = await t.api('GET', '/api/admin/dashboard', { token: admin });
      // Sales: 2 x 100,000 + 30,000 - 10,000 refunded = 220,000.
      // Cost: 2 x 40,000 + the line's 18,000 less floor(18,000 x 1 / 3) = 6,000 for the unit back = 92,000.
      expect(dashboard.body).toMatchObject({ salesFen: 220_000, costFen: 92_000, marginFen: 128_000 });
      const plans = new Map((dashboard.body.plans as PlanShare[]).map((p) => [p.code, p]));
      // 10,000 x 10,000 / 220,000 = 454.5 -> 454 bps; 10,000 x 10,000 / 128,000 = 781.25 -> 781 bps.
      expect(plans.get('referralCycle')).toMatchObject({
        payoutFen: 10_000,
        shareOfSalesBps: 454,
        shareOfMarginBps: 781,
      });
      expect(plans.get('cashback')).toMatchObject({ payoutFen: 0, shareOfSalesBps: 0, shareOfMarginBps: 0 });
    });

    it("states each pool's promise as the open positions' cap minus realized, against the pool's cash", async () => {
      const open: Position[] = [];
      for (const shopper of [inviter.a, inviter.b]) {
        const answer = await t.api('GET', '/api/shop/me/positions', { token: shopper.token });
        open.push(...(answer.body.positions as Position[]).filter((p) => p.status === 'open'));
      }
      expect(open.length).toBe(2);
      const promised = open.reduce((sum, p) => sum + p.capFen - p.realizedFen, 0);
      const pool = await t.api('GET', '/api/admin/pool', { token: admin });
      const cash = pool.body.cashFen as number;
      expect(cash).toBe(60_000);
      const dashboard = await t.api('GET', '/api/admin/dashboard', { token: admin });
      const promises = dashboard.body.poolPromises as Promise_[];
      expect(promises).toEqual([
        expect.objectContaining({
          campaign: 'appreciationPool',
          cashFen: cash,
          promisedFen: promised,
          openPositions: 2,
          coverBps: Math.floor((cash * 10_000) / promised),
        }),
      ]);
      expect(promised).toBeGreaterThan(cash);
    });
  });
}
