import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS,
  backends,
  expectLedgerHealthy,
  idemKey,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/** Issue 13, products: spec matrix, SKU codes and images, rich text, category tree, image uploads. */
interface Sku {
  id: string;
  name: string;
  priceFen: number;
  costFen: number;
  stock: number;
  code: string;
  imageUrl: string;
  specValues: string[];
}
interface Product {
  id: string;
  title: string;
  description: string;
  categoryId: string | null;
  specs: { name: string; values: string[] }[];
  skus: Sku[];
}

const COLOURS = ['红', '蓝', '黑'];
const SIZES = ['S', 'M', 'L', 'XL'];

async function png(width: number, height: number, colour = '#e4393c'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

for (const backend of backends()) {
  describe(`catalog for operators (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    let n = 0;
    const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(n += 1)}`;

    async function upload(bytes: Uint8Array, type = 'image/png') {
      const response = await fetch(`${t.url}/api/admin/uploads/images`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': type },
        body: bytes,
      });
      return {
        status: response.status,
        body: (await response.json()) as Record<string, { code?: string } & Record<string, unknown>>,
      };
    }

    beforeAll(async () => {
      t = await backend.start({ uploadLimitBytes: 200_000 });
      admin = await staffToken(t);
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('gives a product with 3 colours x 4 sizes 12 SKUs, each with its own price, stock, code and image', async () => {
      const prefix = unique('TS');
      const skus = COLOURS.flatMap((c, i) =>
        SIZES.map((s, j) => ({
          specValues: [c, s],
          priceFen: 9900 + j * 100,
          costFen: 4000,
          stock: i * 10 + j,
          code: `${prefix}-${i}${j}`,
          imageUrl: `/uploads/images/${i}.png`,
        })),
      );
      const created = await t.api('POST', '/api/admin/products', {
        token: admin,
        body: {
          title: 'T 恤',
          specs: [
            { name: '颜色', values: COLOURS },
            { name: '尺码', values: SIZES },
          ],
          skus,
          description: '<p>纯棉<script>alert(1)</script></p><img src="x" onerror="alert(2)">',
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const product = created.body.product as Product;
      expect(product.skus).toHaveLength(12);
      expect(product.description).toBe('<p>纯棉</p><img src="x" />');
      const blueL = product.skus.find((s) => s.specValues.join() === '蓝,L');
      expect(blueL).toMatchObject({
        name: '蓝 / L',
        stock: 12,
        priceFen: 10100,
        code: `${prefix}-12`,
        imageUrl: '/uploads/images/1.png',
      });

      const shop = await t.api('GET', `/api/shop/products/${product.id}`);
      const shown = shop.body.product as Product & { skus: Record<string, unknown>[] };
      expect(shown.specs).toEqual([
        { name: '颜色', values: COLOURS },
        { name: '尺码', values: SIZES },
      ]);
      expect(shown.skus[0]).not.toHaveProperty('costFen');
      expect(shown.skus[0]).not.toHaveProperty('code');

      const shopper = await registerShopper(t);
      const order = await t.api('POST', '/api/shop/orders', {
        token: shopper.token,
        body: { items: [{ skuId: blueL?.id, quantity: 2 }], address: ADDRESS },
        headers: { 'idempotency-key': idemKey() },
      });
      expect(order.status, JSON.stringify(order.body)).toBe(201);
      const after = (await t.api('GET', `/api/admin/products/${product.id}`, { token: admin })).body.product as Product;
      expect(after.skus.map((s) => s.stock)).toEqual(
        product.skus.map((s) => (s.id === blueL?.id ? s.stock - 2 : s.stock)),
      );
    });

    it('refuses a SKU outside the matrix, a combination twice, and a code another SKU holds', async () => {
      const specs = [{ name: '颜色', values: ['红', '蓝'] }];
      const outside = await t.api('POST', '/api/admin/products', {
        token: admin,
        body: { title: 'x', specs, skus: [{ specValues: ['绿'], priceFen: 1, costFen: 0, stock: 1 }] },
      });
      expect(outside.status).toBe(422);
      expect(outside.body.error?.code).toBe('invalid_specs');
      const twice = await t.api('POST', '/api/admin/products', {
        token: admin,
        body: {
          title: 'x',
          specs,
          skus: [
            { specValues: ['红'], priceFen: 1, costFen: 0, stock: 1 },
            { specValues: ['红'], priceFen: 1, costFen: 0, stock: 1 },
          ],
        },
      });
      expect(twice.body.error?.code).toBe('invalid_specs');
      const code = unique('DUP');
      const first = await t.api('POST', '/api/admin/products', {
        token: admin,
        body: { title: 'a', skus: [{ name: '默认', priceFen: 1, costFen: 0, stock: 1, code }] },
      });
      expect(first.status).toBe(200);
      const second = await t.api('POST', '/api/admin/products', {
        token: admin,
        body: { title: 'b', skus: [{ name: '默认', priceFen: 1, costFen: 0, stock: 1, code }] },
      });
      expect(second.status).toBe(409);
      expect(second.body.error?.code).toBe('sku_code_taken');
    });

    it('retires the SKUs a new matrix leaves out, keeping the ones it names', async () => {
      const created = await t.api('POST', '/api/admin/products', {
        token: admin,
        body: {
          title: '袜子',
          specs: [{ name: '颜色', values: ['白', '灰'] }],
          skus: [
            { specValues: ['白'], priceFen: 500, costFen: 100, stock: 3 },
            { specValues: ['灰'], priceFen: 500, costFen: 100, stock: 4 },
          ],
        },
      });
      const product = created.body.product as Product;
      const white = product.skus.find((s) => s.specValues[0] === '白') as Sku;
      const saved = await t.api('PUT', `/api/admin/products/${product.id}`, {
        token: admin,
        body: { title: '袜子', specs: [{ name: '颜色', values: ['白'] }], skus: [{ ...white, stock: 6 }] },
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect((saved.body.product as Product).skus).toEqual([{ ...white, stock: 6 }]);
    });

    it("keeps categories as a two-level tree with icons; a top-level category shows its children's products", async () => {
      const top = await t.api('POST', '/api/admin/categories', {
        token: admin,
        body: { name: unique('服装'), iconUrl: '/uploads/images/icon.png' },
      });
      const topId = (top.body.category as { id: string }).id;
      const child = await t.api('POST', '/api/admin/categories', {
        token: admin,
        body: { name: unique('T恤'), parentId: topId },
      });
      expect(child.status).toBe(200);
      const childId = (child.body.category as { id: string }).id;
      const third = await t.api('POST', '/api/admin/categories', {
        token: admin,
        body: { name: 'x', parentId: childId },
      });
      expect(third.status).toBe(422);
      const product = await t.api('POST', '/api/admin/products', {
        token: admin,
        body: {
          title: unique('童装'),
          categoryId: childId,
          skus: [{ name: '默认', priceFen: 100, costFen: 0, stock: 1 }],
        },
      });
      const productId = (product.body.product as Product).id;
      const listed = await t.api('GET', `/api/shop/products?categoryId=${topId}`);
      expect((listed.body.items as Product[]).map((p) => p.id)).toContain(productId);
      const categories = (await t.api('GET', '/api/shop/categories')).body.items as {
        id: string;
        parentId: string | null;
        iconUrl: string;
      }[];
      expect(categories.find((c) => c.id === topId)).toMatchObject({
        parentId: null,
        iconUrl: '/uploads/images/icon.png',
      });
      expect(categories.find((c) => c.id === childId)?.parentId).toBe(topId);
      expect((await t.api('DELETE', `/api/admin/categories/${topId}`, { token: admin })).body.error?.code).toBe(
        'category_not_empty',
      );
      const moved = await t.api('PUT', `/api/admin/categories/${childId}`, {
        token: admin,
        body: { name: '改名', parentId: null },
      });
      expect((moved.body.category as { parentId: string | null }).parentId).toBeNull();
      expect((await t.api('DELETE', `/api/admin/categories/${topId}`, { token: admin })).status).toBe(200);
    });

    it('stores an uploaded image and serves it and a 360-pixel thumbnail with long cache headers', async () => {
      const bytes = await png(800, 600);
      const answer = await upload(bytes, 'application/octet-stream');
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const stored = answer.body.upload as {
        id: string;
        url: string;
        thumbnailUrl: string;
        width: number;
        height: number;
        mime: string;
      };
      expect(stored).toMatchObject({ width: 800, height: 600, mime: 'image/png' });
      expect(stored.url).toMatch(/^\/uploads\/images\/[0-9a-f]{2}\/[0-9a-f]{64}\.png$/);
      const image = await fetch(`${t.url}${stored.url}`);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(image.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const thumb = await fetch(`${t.url}${stored.thumbnailUrl}`);
      expect(thumb.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([360, 360]);
      const again = await upload(bytes);
      expect((again.body.upload as { id: string }).id).toBe(stored.id);
    });

    it('refuses a file that is not an image, one that only starts like one, and one over the limit', async () => {
      const text = await upload(new TextEncoder().encode('not really a picture'), 'image/png');
      expect(text.status).toBe(422);
      expect(text.body.error?.code).toBe('not_an_image');
      const fake = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
      expect((await upload(fake)).body.error?.code).toBe('not_an_image');
      const noise = await sharp(Buffer.from(Array.from({ length: 400 * 400 * 3 }, (_v, i) => (i * 7919) % 251)), {
        raw: { width: 400, height: 400, channels: 3 },
      })
        .png({ compressionLevel: 0 })
        .toBuffer();
      expect(noise.length).toBeGreaterThan(200_000);
      const big = await upload(noise);
      expect(big.status).toBe(413);
      expect(big.body.error?.code).toBe('image_too_large');
      expect(String(big.body.error?.message)).toMatch(/MB/);
      const empty = await upload(new Uint8Array(0));
      expect(empty.body.error?.code).toBe('not_an_image');
    });
  });
}
