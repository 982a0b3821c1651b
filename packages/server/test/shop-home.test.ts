import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, staffToken, type TestServer } from './helpers';
import { flashSale, inMinutes, product } from './checkout-helpers';

interface Home {
  version: number;
  sections: { type: string }[];
  flashSales: { id: string }[];
  presales: { id: string; phase: string }[];
  blindBoxes: { id: string; status: string }[];
  groupBuys: { id: string; state: string }[];
  environment: string;
  serverTime: string;
}

const ids = (items: { id: string }[]): string[] => items.map((i) => i.id).sort();

/** The storefront's first screen comes in one answer: a phone on a slow network pays a round trip per request. */
for (const backend of backends()) {
  describe(`the home page in one answer (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    const home = async (): Promise<Home> => {
      const answer = await t.api('GET', '/api/shop/home');
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body as unknown as Home;
    };
    const list = async <T>(path: string): Promise<T[]> => (await t.api('GET', path)).body.items as T[];

    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
    });
    afterAll(() => t?.close());

    it('carries the sections, every promotion strip, the server clock and the environment', async () => {
      const sku = async () => ({ skuId: (await product(t, admin, { priceFen: 900, stock: 5 })).skuId });
      const running = await flashSale(t, admin, {
        ...(await sku()),
        priceFen: 500,
        quantity: 3,
      });
      const later = await flashSale(t, admin, {
        ...(await sku()),
        priceFen: 600,
        quantity: 3,
        startsAt: inMinutes(30),
      });
      const before = Date.now();
      const page = await home();
      expect(page.sections.map((s) => s.type)).toEqual(['banner', 'entries', 'categories', 'campaign', 'products']);
      expect(ids(page.flashSales)).toEqual([running, later].sort());
      // The demo data holds one of each of the others, so none of these comparisons is between two empty lists.
      const presales = await list<{ id: string; phase: string }>('/api/shop/presales');
      expect(page.presales.length).toBeGreaterThan(0);
      expect(page.presales).toEqual(presales.filter((p) => p.phase === 'upcoming' || p.phase === 'deposit'));
      const boxes = await list<{ id: string; status: string }>('/api/shop/blind-boxes');
      expect(page.blindBoxes.length).toBeGreaterThan(0);
      expect(page.blindBoxes).toEqual(boxes.filter((s) => s.status === 'open'));
      const groups = await list<{ id: string; state: string }>('/api/shop/group-buys');
      expect(page.groupBuys.length).toBeGreaterThan(0);
      expect(ids(page.groupBuys)).toEqual(ids(groups.filter((a) => a.state === 'running')));
      expect(page.environment).toBe('demo');
      expect(Date.parse(page.serverTime)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(page.serverTime)).toBeLessThanOrEqual(Date.now() + 1000);
    });

    it('leaves out of its strips a group buy not started yet and a closed blind box, which their own lists still show', async () => {
      const { skuId } = await product(t, admin, { priceFen: 3000, stock: 9 });
      const created = await t.api('POST', '/api/admin/group-buys', {
        token: admin,
        body: {
          skuId,
          priceFen: 2000,
          groupSize: 2,
          hours: 24,
          startsAt: inMinutes(120),
          endsAt: inMinutes(2 * 24 * 60),
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const upcoming = (created.body.activity as { id: string }).id;
      const [box] = (await home()).blindBoxes;
      const closed = await t.api('POST', `/api/admin/blind-boxes/${box?.id ?? ''}/close`, { token: admin });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);

      const page = await home();
      expect(ids(await list('/api/shop/group-buys'))).toContain(upcoming);
      expect(ids(page.groupBuys)).not.toContain(upcoming);
      expect(ids(await list('/api/shop/blind-boxes'))).toContain(box?.id);
      expect(ids(page.blindBoxes)).not.toContain(box?.id);
    });
  });
}
