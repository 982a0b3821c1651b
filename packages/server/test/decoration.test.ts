import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, expectLedgerHealthy, makeProduct, staffToken, type TestServer } from './helpers';

/** Issue 13, 店铺装修: the home page as a layout document the operator arranges, checked, previewed, saved live. */
interface Resolved {
  type: string;
  title?: string;
  items?: { title: string; imageUrl: string; link: { kind: string; target?: string } }[];
  products?: { id: string; title: string; skus: Record<string, unknown>[] }[];
  categories?: { id: string; name: string }[];
}

for (const backend of backends()) {
  describe(`home page decoration (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    // The layout part of the home's answer (the rest, the strips and the server's clock, moves on its own).
    const home = async () => {
      const body = (await t.api('GET', '/api/shop/home')).body as { version: number; sections: Resolved[] };
      return { version: body.version, sections: body.sections };
    };

    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('shows the default home until the operator saves one: the gift pack once, then the rest', async () => {
      const page = await home();
      expect(page.version).toBe(0);
      expect(page.sections.map((s) => s.type)).toEqual(['banner', 'entries', 'categories', 'campaign', 'products']);
      const campaign = page.sections[3] as Resolved;
      expect(campaign.products?.map((p) => p.title)).toEqual(['消费商礼包']);
      const rest = page.sections[4] as Resolved;
      expect(rest.products?.length).toBe(8);
      expect(rest.products?.some((p) => p.title === '消费商礼包')).toBe(false);
      expect(rest.products?.[0]?.skus[0]).not.toHaveProperty('costFen');
    });

    it('saves an arranged layout that the storefront shows at once, in that order', async () => {
      const { productId } = await makeProduct(t, admin, { priceFen: 500, stock: 9 });
      const categories = (await t.api('GET', '/api/admin/categories', { token: admin })).body.items as { id: string }[];
      const sections = [
        { type: 'notice', text: '双十一全场包邮' },
        { type: 'products', title: '今日精选', source: 'manual', productIds: [productId] },
        {
          type: 'banner',
          items: [
            { imageUrl: '/uploads/images/aa/banner.png', title: '', link: { kind: 'product', target: productId } },
            { imageUrl: '', title: '规则说明', link: { kind: 'page', target: 'rules' } },
          ],
        },
        { type: 'categories', title: '分类', categoryIds: [categories[1]?.id] },
        { type: 'campaign', title: '推三返一专区', plan: 'referralCycle', text: '邀请三位好友' },
      ];
      const saved = await t.api('PUT', '/api/admin/decoration/home', {
        token: admin,
        body: { sections, expectedVersion: 0 },
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body.version).toBe(1);
      expect(saved.body.updatedBy).toBe('staff:admin');
      const page = await home();
      expect(page.version).toBe(1);
      expect(page.sections.map((s) => s.type)).toEqual(['notice', 'products', 'banner', 'categories', 'campaign']);
      expect(page.sections[1]?.products?.map((p) => p.id)).toEqual([productId]);
      expect(page.sections[2]?.items?.[0]?.link).toEqual({ kind: 'product', target: productId });
      expect(page.sections[3]?.categories?.map((c) => c.id)).toEqual([categories[1]?.id]);
      expect(page.sections[4]?.products?.map((p) => p.title)).toEqual(['消费商礼包']);
      const stale = await t.api('PUT', '/api/admin/decoration/home', {
        token: admin,
        body: { sections, expectedVersion: 0 },
      });
      expect(stale.status).toBe(422);
      const logged = await t.api('GET', '/api/admin/operations?entity=layout', { token: admin });
      const entry = (logged.body.items as { before: { version: number }; after: { version: number } }[])[0];
      expect([entry?.before.version, entry?.after.version]).toEqual([0, 1]);
    });

    it('drops a product taken off the shelf from every section', async () => {
      const { productId } = await makeProduct(t, admin, { priceFen: 700, stock: 3 });
      await t.api('PUT', '/api/admin/decoration/home', {
        token: admin,
        body: { sections: [{ type: 'products', title: '单品', source: 'manual', productIds: [productId] }] },
      });
      expect((await home()).sections[0]?.products).toHaveLength(1);
      await t.api('POST', `/api/admin/products/${productId}/shelf`, { token: admin, body: { onShelf: false } });
      expect((await home()).sections[0]?.products).toEqual([]);
    });

    it('refuses a layout that does not fit the schema or names what does not exist, and changes nothing', async () => {
      const before = await home();
      const bad: [unknown[], RegExp][] = [
        [[{ type: 'marquee' }], /type must be one of/],
        [[{ type: 'banner', items: [] }], /1 to 8 slides/],
        [[{ type: 'banner', items: [{ imageUrl: 'javascript:alert(1)', title: 'x' }] }], /must start with/],
        [[{ type: 'banner', items: [{ title: '' }] }], /image or a title/],
        [[{ type: 'products', title: '空', source: 'manual', productIds: [] }], /at least 1/],
        [[{ type: 'products', title: 'x', source: 'manual', productIds: ['prd_none'] }], /unknown product prd_none/],
        [[{ type: 'products', title: 'x', source: 'latest', limit: 500 }], /1 to 50/],
        [[{ type: 'campaign', title: 'x', plan: 'pyramid' }], /unknown plan/],
        [
          [{ type: 'banner', items: [{ title: 'x', link: { kind: 'page', target: 'admin' } }] }],
          /target must be one of/,
        ],
      ];
      for (const [sections, message] of bad) {
        const answer = await t.api('PUT', '/api/admin/decoration/home', { token: admin, body: { sections } });
        expect(answer.status, JSON.stringify(sections)).toBe(422);
        expect(answer.body.error?.code).toBe('layout_invalid');
        expect(answer.body.error?.message).toMatch(message);
      }
      expect(await home()).toEqual(before);
    });

    it('previews a draft resolved as the storefront would show it, without saving it', async () => {
      const before = await home();
      const preview = await t.api('POST', '/api/admin/decoration/home/preview', {
        token: admin,
        body: { sections: [{ type: 'products', title: '最新', source: 'latest', limit: 2 }] },
      });
      expect(preview.status).toBe(200);
      const sections = preview.body.sections as Resolved[];
      expect(sections[0]?.products).toHaveLength(2);
      expect(await home()).toEqual(before);
      const operator = await staffToken(t, 'operator');
      expect((await t.api('GET', '/api/admin/decoration/home', { token: operator })).status).toBe(200);
      const finance = await staffToken(t, 'finance');
      expect((await t.api('GET', '/api/admin/decoration/home', { token: finance })).status).toBe(403);
    });
  });
}
