import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawIndex, drawMessage } from '@mall/core';
import { backends, expectLedgerHealthy, registerShopper, staffToken, type TestServer } from './helpers';
import { order, product, setSettings } from './checkout-helpers';

interface Series {
  id: string;
  status: string;
  seedHash: string;
  serverSeed: string | null;
  draws: number;
  items: { index: number; weight: number; valueFen: number; drawn: number }[];
}
interface Draw {
  id: string;
  buyerSeed: string;
  nonce: number;
  digest: string;
  itemIndex: number;
}

const ITEMS = [
  { name: '隐藏款', valueFen: 9900, weight: 1 },
  { name: '稀有款', valueFen: 2900, weight: 3 },
  { name: '普通款', valueFen: 990, weight: 6 },
];

for (const backend of backends()) {
  describe(`blind boxes (${backend.name})`, () => {
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

    async function series(body: Record<string, unknown>): Promise<{ id: string; skuId: string }> {
      const p = await product(t, admin, { priceFen: 990, stock: 1000 });
      const made = await t.api('POST', '/api/admin/blind-boxes', {
        token: admin,
        body: { name: `系列 ${p.skuId}`, skuId: p.skuId, items: ITEMS, ...body },
      });
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      return { id: (made.body.series as Series).id, skuId: p.skuId };
    }
    const open = async (id: string) =>
      expect((await t.api('POST', `/api/admin/blind-boxes/${id}/open`, { token: admin })).status).toBe(200);
    async function adult(): Promise<string> {
      const s = await registerShopper(t);
      const answer = await t.api('POST', '/api/shop/blind-box-age', { token: s.token, body: { atLeast8: true } });
      expect(answer.body.answer).toBe('atLeast8');
      return s.token;
    }
    async function pay(token: string, orderId: string): Promise<void> {
      const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, { token, body: { channel: 'sandbox' } });
      expect(pay.status, JSON.stringify(pay.body)).toBe(200);
      const paymentId = (pay.body.payment as { id: string }).id;
      // The gateway says so twice: the order is paid, and its boxes drawn, once.
      for (let i = 0; i < 2; i += 1) await t.api('POST', `/api/sandbox/payments/${paymentId}/succeed`);
    }

    it('commits to the seed hash before sales, draws each paid box once, and every draw recomputes from the revealed seed', async () => {
      const s = await series({});
      const draft = (await t.api('GET', `/api/admin/blind-boxes/${s.id}`, { token: admin })).body.series as Series;
      expect(draft).toMatchObject({ status: 'draft', serverSeed: null });
      expect(draft.seedHash).toMatch(/^[0-9a-f]{64}$/);
      const early = await adult();
      const notOpen = await order(t, early, { items: [{ skuId: s.skuId, quantity: 1 }], blindBoxSeed: 'early' });
      expect(notOpen.body.error?.code).toBe('blind_box_not_open');
      await open(s.id);

      const silent = (await registerShopper(t)).token;
      const unasked = await order(t, silent, { items: [{ skuId: s.skuId, quantity: 1 }], blindBoxSeed: 'abc' });
      expect([unasked.status, unasked.body.error?.code]).toEqual([409, 'blind_box_age_unconfirmed']);
      const noSeed = await order(t, early, { items: [{ skuId: s.skuId, quantity: 1 }] });
      expect([noSeed.status, noSeed.body.error?.code]).toEqual([422, 'blind_box_seed_required']);

      const buyers = [early, await adult(), await adult()];
      let units = 0;
      let firstOrder = '';
      for (const [i, token] of buyers.entries()) {
        for (const quantity of [1, 2]) {
          const placed = await order(t, token, {
            items: [{ skuId: s.skuId, quantity }],
            blindBoxSeed: `buyer-${i}-lucky`,
          });
          expect(placed.status, JSON.stringify(placed.body)).toBe(201);
          const orderId = (placed.body.order as { id: string }).id;
          if (firstOrder === '') {
            firstOrder = orderId;
            const before = await t.api('GET', `/api/shop/orders/${orderId}/blind-box-draws`, { token });
            expect(before.body.draws).toEqual([]);
          }
          await pay(token, orderId);
          units += quantity;
        }
      }
      const mine = await t.api('GET', `/api/shop/orders/${firstOrder}/blind-box-draws`, { token: early });
      expect((mine.body.draws as Draw[]).map((d) => d.nonce)).toEqual([1]);
      const stranger = await t.api('GET', `/api/shop/orders/${firstOrder}/blind-box-draws`, { token: silent });
      expect(stranger.status).toBe(404);
      // Staff read any order's draws (the console's order drawer shows the drawn item); shoppers cannot use the route.
      const staff = await t.api('GET', `/api/admin/orders/${firstOrder}/blind-box-draws`, { token: admin });
      expect((staff.body.draws as Draw[]).map((d) => [d.nonce, d.digest])).toEqual(
        (mine.body.draws as Draw[]).map((d) => [d.nonce, d.digest]),
      );
      const asShopper = await t.api('GET', `/api/admin/orders/${firstOrder}/blind-box-draws`, { token: early });
      expect(asShopper.status).toBe(401);
      const missing = await t.api('GET', '/api/admin/orders/no-such-order/blind-box-draws', { token: admin });
      expect([missing.status, missing.body.error?.code]).toEqual([404, 'order_not_found']);

      // An unpaid box would draw after the reveal: closing waits for it.
      const unpaid = await order(t, early, { items: [{ skuId: s.skuId, quantity: 1 }], blindBoxSeed: 'late' });
      const blocked = await t.api('POST', `/api/admin/blind-boxes/${s.id}/close`, { token: admin });
      expect([blocked.status, blocked.body.error?.code]).toEqual([409, 'blind_box_orders_unpaid']);
      const unpaidId = (unpaid.body.order as { id: string }).id;
      expect((await t.api('POST', `/api/shop/orders/${unpaidId}/cancel`, { token: early })).status).toBe(200);
      const closed = await t.api('POST', `/api/admin/blind-boxes/${s.id}/close`, { token: admin });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
      const after = await order(t, early, { items: [{ skuId: s.skuId, quantity: 1 }], blindBoxSeed: 'after' });
      expect(after.body.error?.code).toBe('blind_box_not_open');

      const pub = await t.api('GET', `/api/shop/blind-boxes/${s.id}`);
      const revealed = pub.body.series as Series;
      const draws = pub.body.draws as Draw[];
      expect(revealed.serverSeed).not.toBeNull();
      const seed = revealed.serverSeed ?? '';
      expect(createHash('sha256').update(seed).digest('hex')).toBe(draft.seedHash);
      expect(draws).toHaveLength(units);
      expect(revealed.draws).toBe(units);
      const weights = revealed.items.map((i) => BigInt(i.weight));
      const noncesBySeed = new Map<string, number[]>();
      for (const draw of draws) {
        const digest = createHmac('sha256', seed).update(drawMessage(draw.buyerSeed, draw.nonce)).digest();
        expect(digest.toString('hex')).toBe(draw.digest);
        expect(drawIndex(digest, weights)).toBe(draw.itemIndex);
        noncesBySeed.set(draw.buyerSeed, [...(noncesBySeed.get(draw.buyerSeed) ?? []), draw.nonce]);
        const check = await t.api('GET', `/api/shop/blind-box-draws/${draw.id}/verify`);
        expect(check.body).toMatchObject({ seedMatchesHash: true, digestMatches: true, itemMatches: true });
      }
      // Each buyer's nonces count 1, 2, 3 over their boxes in the series.
      for (const nonces of noncesBySeed.values()) expect(nonces.sort()).toEqual([1, 2, 3]);
      const observed = revealed.items.reduce((sum, i) => sum + i.drawn, 0);
      expect(observed).toBe(units);
    });

    it("numbers one buyer's draws 1..n without gaps when several of their orders are paid at once", async () => {
      const s = await series({});
      await open(s.id);
      const token = await adult();
      const orders: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const placed = await order(t, token, { items: [{ skuId: s.skuId, quantity: 1 }], blindBoxSeed: 'rush' });
        expect(placed.status, JSON.stringify(placed.body)).toBe(201);
        orders.push((placed.body.order as { id: string }).id);
      }
      const payments = await Promise.all(
        orders.map(async (id) => {
          const pay = await t.api('POST', `/api/shop/orders/${id}/pay`, { token, body: { channel: 'sandbox' } });
          return (pay.body.payment as { id: string }).id;
        }),
      );
      // Every notification twice, all at once.
      await Promise.all([...payments, ...payments].map((id) => t.api('POST', `/api/sandbox/payments/${id}/succeed`)));
      const draws = (await t.api('GET', `/api/shop/blind-boxes/${s.id}`)).body.draws as Draw[];
      expect(draws.map((d) => d.nonce).sort()).toEqual([1, 2, 3, 4]);
      for (const id of orders) {
        const own = await t.api('GET', `/api/shop/orders/${id}/blind-box-draws`, { token });
        expect(own.body.draws).toHaveLength(1);
      }
    });

    it('refuses a shopper who says they are under 8, for good', async () => {
      const s = await series({});
      await open(s.id);
      const child = (await registerShopper(t)).token;
      const said = await t.api('POST', '/api/shop/blind-box-age', { token: child, body: { atLeast8: false } });
      expect(said.body.answer).toBe('under8');
      const refused = await order(t, child, { items: [{ skuId: s.skuId, quantity: 1 }], blindBoxSeed: 'kid' });
      expect([refused.status, refused.body.error?.code]).toEqual([403, 'blind_box_under_age']);
      const changed = await t.api('POST', '/api/shop/blind-box-age', { token: child, body: { atLeast8: true } });
      expect([changed.status, changed.body.error?.code]).toEqual([409, 'blind_box_age_answered']);
      expect((await t.api('GET', '/api/shop/blind-box-age', { token: child })).body.answer).toBe('under8');
    });

    it('holds the daily spending cap per shopper and series, and a cancelled order frees its share', async () => {
      const s = await series({ dailyCapFen: 2000 });
      await open(s.id);
      const token = await adult();
      const first = await order(t, token, { items: [{ skuId: s.skuId, quantity: 2 }], blindBoxSeed: 'cap' });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const over = await order(t, token, { items: [{ skuId: s.skuId, quantity: 1 }], blindBoxSeed: 'cap' });
      expect([over.status, over.body.error?.code]).toEqual([409, 'blind_box_daily_cap']);
      const other = await adult();
      const concurrent = await Promise.all(
        Array.from({ length: 5 }, () =>
          order(t, other, { items: [{ skuId: s.skuId, quantity: 1 }], blindBoxSeed: 'x' }),
        ),
      );
      expect(concurrent.filter((a) => a.status === 201)).toHaveLength(2);
      const firstId = (first.body.order as { id: string }).id;
      expect((await t.api('POST', `/api/shop/orders/${firstId}/cancel`, { token })).status).toBe(200);
      const again = await order(t, token, { items: [{ skuId: s.skuId, quantity: 2 }], blindBoxSeed: 'cap' });
      expect(again.status, JSON.stringify(again.body)).toBe(201);
    });
  });
}
