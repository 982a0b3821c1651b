import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  buyItemsAndReceive,
  expectLedgerHealthy,
  giftPackSku,
  makeProduct,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/**
 * Issue 9 part 6 over HTTP: the 分红榜 (a ranking dividend pool's cash and this period's ranking with masked phone
 * numbers) and the queue page of a queueRebate campaign (place, amount ahead, received), each campaign configured by
 * the operator through the campaigns API.
 */
interface Board {
  campaign: string;
  cashFen: number;
  mySpendFen: number;
  ranking: { rank: number; phoneMasked: string; periodSpendFen: number; me: boolean }[];
}
interface Queue {
  campaign: string;
  length: number;
  receivedFen: number;
  entries: { place: number; aheadFen: number; entitlementFen: number; receivedFen: number; remainingFen: number }[];
}

for (const backend of backends()) {
  describe(`dividend board and queue (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    const campaign = async (body: Record<string, unknown>, acknowledgeRisk = false) => {
      const created = await t.api('POST', '/api/admin/campaigns', { token: admin, body });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const id = (created.body.campaign as { id: string }).id;
      const on = await t.api('POST', `/api/admin/campaigns/${id}/status`, {
        token: admin,
        body: { status: 'active', acknowledgeRisk },
      });
      expect(on.status, JSON.stringify(on.body)).toBe(200);
      return id;
    };

    it('ranks this period by spend with masked phones and shows the pool', async () => {
      const product = await makeProduct(t, admin, { priceFen: 10_000, stock: 100 });
      const id = await campaign({
        plan: 'dividendPool',
        name: '分红榜',
        params: { accrueBps: 200, basis: 'ranking', topN: 3 },
        scope: { products: [product.productId], categories: [] },
      });
      const p = await registerShopper(t);
      const q = await registerShopper(t);
      await buyItemsAndReceive(t, p.token, admin, [{ skuId: product.skuId, quantity: 2 }]);
      await buyItemsAndReceive(t, q.token, admin, [{ skuId: product.skuId, quantity: 1 }]);
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      const board = await t.api('GET', `/api/shop/dividend-board?campaign=${id}`, { token: q.token });
      expect(board.status, JSON.stringify(board.body)).toBe(200);
      const [b] = board.body.items as Board[];
      // share(20,000, 200) + share(10,000, 200)
      expect(b?.cashFen).toBe(600);
      expect(b?.mySpendFen).toBe(10_000);
      expect(b?.ranking.map((r) => [r.rank, r.periodSpendFen, r.me])).toEqual([
        [1, 20_000, false],
        [2, 10_000, true],
      ]);
      expect(b?.ranking[0]?.phoneMasked).toBe(`${p.phone.slice(0, 3)}****${p.phone.slice(7)}`);
      expect(JSON.stringify(board.body)).not.toContain(p.phone);
    });

    it('shows a queue place, the amount ahead and what was received, without dates', async () => {
      const product = await makeProduct(t, admin, { priceFen: 10_000, stock: 100 });
      const id = await campaign(
        {
          plan: 'queueRebate',
          name: '排队免单',
          params: { capBps: 10_000, payBps: 2000 },
          scope: { products: [product.productId], categories: [] },
        },
        true,
      );
      const x = await registerShopper(t);
      const y = await registerShopper(t);
      await buyItemsAndReceive(t, x.token, admin, [{ skuId: product.skuId, quantity: 1 }]);
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      await buyItemsAndReceive(t, y.token, admin, [{ skuId: product.skuId, quantity: 1 }]);
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      const mine = async (token: string) =>
        ((await t.api('GET', `/api/shop/me/queue?campaign=${id}`, { token })).body.items as Queue[])[0];
      const qx = await mine(x.token);
      // Y's order paid share(10,000, 2000) = 2,000 to X at the head.
      expect(qx).toMatchObject({ length: 2, receivedFen: 2000 });
      expect(qx?.entries).toEqual([
        {
          orderId: expect.any(String),
          place: 1,
          aheadFen: 0,
          entitlementFen: 10_000,
          receivedFen: 2000,
          remainingFen: 8000,
        },
      ]);
      const qy = await mine(y.token);
      expect(qy?.entries.map((e) => [e.place, e.aheadFen, e.receivedFen])).toEqual([[2, 8000, 0]]);
      expect(JSON.stringify(qy)).not.toMatch(/date|At"/);
    });

    it("projects the pool from today's state: the oldest open position and a position bought now, engine-computed", async () => {
      const empty = await t.api('GET', '/api/shop/pool/projection?campaign=appreciationPool');
      expect(empty.status, JSON.stringify(empty.body)).toBe(200);
      expect(empty.body.oldestOpen).toBeNull();
      const buyer = await registerShopper(t);
      const order = await buyItemsAndReceive(t, buyer.token, admin, [{ skuId: await giftPackSku(t), quantity: 1 }]);
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      const now = await t.api('GET', '/api/shop/pool/projection?campaign=appreciationPool');
      const body = now.body as {
        campaign: string;
        cashFen: number;
        promisedFen: number;
        orderAmountFen: number;
        newPosition: { ordersUntilExit: number | null };
        oldestOpen: { order: string; ordersUntilExit: number | null } | null;
      };
      expect(body.campaign).toBe('appreciationPool');
      expect(body.oldestOpen?.order).toBe(order);
      expect(body.orderAmountFen).toBe(100_000);
      expect(body.promisedFen).toBeGreaterThan(0);
      // The oldest position is ahead of one bought now: it exits no later.
      const oldest = body.oldestOpen?.ordersUntilExit ?? Infinity;
      const fresh = body.newPosition.ordersUntilExit ?? Infinity;
      expect(oldest).toBeLessThanOrEqual(fresh);
    });
  });
}
