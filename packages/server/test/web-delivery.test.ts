import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandbox, SANDBOX_SIGNATURE_HEADER } from '../src/money/payments/sandbox';
import { CONTENT_SECURITY_POLICY } from '../src/http/security-headers';
import {
  backends,
  createOrder,
  expectLedgerHealthy,
  giftPackSku,
  registerShopper,
  sandboxSecretOf,
  type TestServer,
} from './helpers';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http instead of fetch, which would negotiate and undo the compression this file is about. */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}) {
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const SCRIPT = `console.log(${JSON.stringify('商城 '.repeat(400))});\n`;

/** A built-app layout as vite and the precompress plugin leave it: hashed assets with .br and .gz beside them. */
function fakeWebRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'mall-web-'));
  for (const app of ['shop', 'admin']) {
    const dist = join(root, 'apps', app, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), `<!doctype html><html><body>${app}</body></html>`);
    writeFileSync(join(dist, 'assets', 'main-AbC123xY.js'), SCRIPT);
    writeFileSync(join(dist, 'assets', 'main-AbC123xY.js.br'), brotliCompressSync(SCRIPT));
    writeFileSync(join(dist, 'assets', 'main-AbC123xY.js.gz'), gzipSync(SCRIPT));
  }
  return root;
}

for (const backend of backends()) {
  describe(`web delivery: compression, caching and security headers (${backend.name})`, () => {
    let t: TestServer;
    let root: string;
    beforeAll(async () => {
      root = fakeWebRoot();
      t = await backend.start({ webRoot: root });
    });
    afterAll(async () => {
      await expectLedgerHealthy(t);
      await t.close();
      rmSync(root, { recursive: true, force: true });
    });

    it('sends a hashed asset precompressed, brotli or gzip as the client accepts, cached for a year', async () => {
      for (const prefix of ['', '/admin']) {
        const br = await raw(`${t.url}${prefix}/assets/main-AbC123xY.js`, {
          headers: { 'accept-encoding': 'gzip, br' },
        });
        expect(br.status).toBe(200);
        expect(br.headers['content-encoding']).toBe('br');
        expect(brotliDecompressSync(br.body).toString()).toBe(SCRIPT);
        expect(br.headers['content-type']).toMatch(/javascript/);
        expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(br.headers.vary).toMatch(/accept-encoding/i);

        const gz = await raw(`${t.url}${prefix}/assets/main-AbC123xY.js`, { headers: { 'accept-encoding': 'gzip' } });
        expect(gz.headers['content-encoding']).toBe('gzip');
        expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);

        const plain = await raw(`${t.url}${prefix}/assets/main-AbC123xY.js`);
        expect(plain.headers['content-encoding']).toBeUndefined();
        expect(plain.body.toString()).toBe(SCRIPT);
      }
    });

    it('has index.html revalidated on every load, and /admin sent on to /admin/', async () => {
      const shop = await raw(`${t.url}/`);
      expect(shop.body.toString()).toContain('shop');
      expect(shop.headers['cache-control']).toBe('no-cache');
      const admin = await raw(`${t.url}/admin/`);
      expect(admin.body.toString()).toContain('admin');
      expect(admin.headers['cache-control']).toBe('no-cache');
      const bare = await raw(`${t.url}/admin`);
      expect(bare.status).toBe(301);
      expect(bare.headers.location).toBe('/admin/');
      // The drawn product images live under /assets/ too but are not build output: a day, not forever.
      const image = await raw(`${t.url}/assets/products/gift.svg`);
      expect(image.status).toBe(200);
      expect(image.headers['cache-control']).toBe('public, max-age=86400');
    });

    it('compresses a JSON answer of 1 KiB or more for clients that accept it, and leaves small ones alone', async () => {
      const plain = await raw(`${t.url}/api/openapi.json`);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.length).toBeGreaterThan(1024);
      const br = await raw(`${t.url}/api/openapi.json`, { headers: { 'accept-encoding': 'br' } });
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
      expect(br.body.length).toBeLessThan(plain.body.length / 3);
      const gz = await raw(`${t.url}/api/openapi.json`, { headers: { 'accept-encoding': 'gzip' } });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);

      const small = await raw(`${t.url}/api/shop/settings`, { headers: { 'accept-encoding': 'br, gzip' } });
      expect(small.status).toBe(200);
      expect(small.body.length).toBeLessThan(1024);
      expect(small.headers['content-encoding']).toBeUndefined();
    });

    it('refuses a compressed request body instead of inflating it, so a notification is verified over the bytes sent', async () => {
      const shopper = await registerShopper(t);
      const order = await createOrder(t, shopper.token, await giftPackSku(t));
      const orderId = (order.body.order as { id: string }).id;
      const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, {
        token: shopper.token,
        body: { channel: 'sandbox' },
      });
      const payment = pay.body.payment as { id: string; amountFen: number };
      const text = JSON.stringify({
        paymentId: payment.id,
        orderId,
        amountFen: payment.amountFen,
        status: 'SUCCESS',
        providerTxn: 'T-gzip',
        timestamp: new Date().toISOString(),
      });
      const signature = signSandbox(await sandboxSecretOf(t), text);
      const zipped = await raw(`${t.url}/api/payments/sandbox/notify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          [SANDBOX_SIGNATURE_HEADER]: signature,
        },
        body: gzipSync(text),
      });
      expect(zipped.status).toBe(415);
      expect((JSON.parse(zipped.body.toString()) as { error: { code: string } }).error.code).toBe(
        'unsupported_media_type',
      );
      let view = await t.api('GET', `/api/shop/orders/${orderId}`, { token: shopper.token });
      expect((view.body.order as { status: string }).status).toBe('created');

      const plain = await t.api('POST', '/api/payments/sandbox/notify', {
        body: text,
        headers: { [SANDBOX_SIGNATURE_HEADER]: signature },
      });
      expect(plain.status).toBe(200);
      view = await t.api('GET', `/api/shop/orders/${orderId}`, { token: shopper.token });
      expect((view.body.order as { status: string }).status).toBe('paid');
    });

    it('sends the security headers on apps, API answers, errors and the API docs, and no HSTS outside production', async () => {
      const answers = await Promise.all(
        ['/', '/admin/', '/assets/main-AbC123xY.js', '/api/shop/products', '/api/shop/nothing', '/api/docs'].map(
          async (path) => [path, await raw(`${t.url}${path}`)] as const,
        ),
      );
      const statuses = answers.map(([path, answer]) => `${path} ${answer.status}`);
      expect(statuses).toEqual([
        '/ 200',
        '/admin/ 200',
        '/assets/main-AbC123xY.js 200',
        '/api/shop/products 200',
        '/api/shop/nothing 404',
        '/api/docs 200',
      ]);
      for (const [, answer] of answers) {
        expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
        expect(answer.headers['x-content-type-options']).toBe('nosniff');
        expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(answer.headers['referrer-policy']).toBe('same-origin');
        expect(answer.headers['strict-transport-security']).toBeUndefined();
      }
      expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'self'");
      expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    });
  });
}
