import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Contract, type OpenApiDocument } from './contract';
import {
  ADDRESS,
  backends,
  contractChecks,
  expectLedgerHealthy,
  giftPackSku,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/**
 * Issue 15, parts 3 and 4: one error shape for everything the server can refuse, and an OpenAPI document that
 * validates and says what the server does (statuses, required headers, patterns, unknown fields, 405).
 */

interface RawAnswer {
  status: number;
  headers: string;
  body: unknown;
}

/** A request written to the socket as is, for what fetch refuses to send (a control character in a header). */
function rawRequest(url: string, text: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = all.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, headers: head, body: body === '' ? undefined : (JSON.parse(body) as unknown) });
    });
  });
}

const ERROR_CODE = /^[a-z][a-z0-9_]*$/;

function expectErrorShape(body: unknown, code: string): void {
  expect(body).toEqual({
    error: { code, message: expect.any(String) as string, requestId: expect.any(String) as string },
  });
  expect(code).toMatch(ERROR_CODE);
}

for (const backend of backends()) {
  describe(`the API document tells the truth (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    let shop: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      shop = (await registerShopper(t)).token;
    });
    afterAll(() => t.close());

    it('validates as OpenAPI 3.0 with no error, in demo and in production', async () => {
      const demo = await validate(structuredClone(t.server.app.swagger()) as never);
      expect(demo.valid ? [] : demo.errors).toEqual([]);
      const production = await backend.start({ environment: 'production', adminPassword: 'production-password-1' });
      try {
        const doc = structuredClone(production.server.app.swagger()) as unknown as OpenApiDocument;
        const result = await validate(doc as never);
        expect(result.valid ? [] : result.errors).toEqual([]);
        expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/sandbox/'))).toBe(false);
      } finally {
        await production.close();
      }
    });

    it('documents every error status a route can answer, with the codes it can carry', () => {
      const doc = t.server.app.swagger() as unknown as {
        paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }>; security?: [] }>>;
      };
      const codesOf = (response: { content?: unknown } | undefined): string[] =>
        ((
          response?.content as
            | {
                'application/json': { schema: { properties: { error: { properties: { code: { enum: string[] } } } } } };
              }
            | undefined
        )?.['application/json'].schema.properties.error.properties.code.enum ?? []) as string[];
      const order = doc.paths['/api/shop/orders']?.post?.responses ?? {};
      // 403: a blind box for a shopper who said they are under 8 (SAMR 2023).
      expect(Object.keys(order).sort()).toEqual([
        '200',
        '201',
        '400',
        '401',
        '403',
        '404',
        '409',
        '413',
        '415',
        '422',
        '500',
      ]);
      expect(codesOf(order['404'])).toEqual(['address_not_found', 'flash_sale_not_found', 'sku_not_found']);
      expect(codesOf(order['409'])).toEqual(
        expect.arrayContaining(['out_of_stock', 'too_many_unpaid_orders', 'purchase_limit_exceeded']),
      );
      expect(codesOf(order['400'])).toEqual(['idempotency_key_required', 'invalid_request']);
      expect(codesOf(order['422'])).toEqual([
        'blind_box_seed_required',
        'idempotency_key_reused',
        'region_not_delivered',
        'unknown_field',
      ]);
      const simulation = doc.paths['/api/admin/simulations/{id}']?.get?.responses ?? {};
      expect(Object.keys(simulation).sort()).toEqual(['200', '400', '401', '403', '404', '414', '422', '500']);
      expect(codesOf(simulation['404'])).toEqual(['simulation_not_found']);
      const categories = doc.paths['/api/shop/categories']?.get?.responses ?? {};
      expect(Object.keys(categories).sort()).toEqual(['200', '400', '422', '500']);
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          const statuses = Object.keys(op.responses);
          expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['400', '422', '500']));
          expect(
            statuses.some((s) => s.startsWith('2')),
            `${method} ${path}`,
          ).toBe(true);
          if (op.security === undefined) expect(statuses, `${method} ${path}`).toContain('401');
        }
      }
    });

    it('declares required headers and the patterns of phones and ids', () => {
      const doc = t.server.app.swagger() as unknown as {
        paths: Record<
          string,
          Record<
            string,
            {
              parameters?: { in: string; name: string; required: boolean; schema: { pattern?: string } }[];
              requestBody?: {
                content: { 'application/json': { schema: { properties: Record<string, { pattern?: string }> } } };
              };
            }
          >
        >;
      };
      const header = (path: string, method: string) =>
        doc.paths[path]?.[method]?.parameters?.find((p) => p.in === 'header' && p.name === 'idempotency-key');
      expect(header('/api/shop/orders', 'post')?.required).toBe(true);
      expect(header('/api/shop/me/positions/{orderId}/redeem', 'post')?.required).toBe(true);
      expect(header('/api/shop/me/withdrawals', 'post')?.required).toBe(false);
      const phone =
        doc.paths['/api/shop/register']?.post?.requestBody?.content['application/json'].schema.properties.phone;
      expect(phone?.pattern).toBeDefined();
      const id = doc.paths['/api/shop/orders/{id}']?.get?.parameters?.find((p) => p.in === 'path');
      expect(id?.schema.pattern).toBeDefined();
    });

    it('refuses a missing Idempotency-Key as documented: 400 idempotency_key_required', async () => {
      const sku = await giftPackSku(t);
      const body = { items: [{ skuId: sku, quantity: 1 }], address: ADDRESS };
      const missing = await t.api('POST', '/api/shop/orders', { token: shop, body });
      expect(missing.status).toBe(400);
      expectErrorShape(missing.body, 'idempotency_key_required');
      const empty = await t.api('POST', '/api/shop/orders', { token: shop, body, headers: { 'idempotency-key': '' } });
      expect(empty.status).toBe(400);
      expect(empty.body.error?.code).toBe('idempotency_key_required');
    });

    it('refuses a phone that is not a mobile number when registering, as the pattern says', async () => {
      const answer = await t.api('POST', '/api/shop/register', { body: { phone: 'abcdefgh', password: 'secret123' } });
      expect(answer.status).toBe(400);
      expectErrorShape(answer.body, 'invalid_request');
    });

    it('refuses an unknown body field, nested field or query parameter with 422 unknown_field naming it', async () => {
      const top = await t.api('POST', '/api/admin/categories', {
        token: admin,
        body: { name: '新分类', colour: 'red' },
      });
      expect(top.status).toBe(422);
      expectErrorShape(top.body, 'unknown_field');
      expect(top.body.error?.message).toContain('colour');
      const before = await t.api('GET', '/api/admin/categories', { token: admin });
      expect((before.body.items as { name: string }[]).some((c) => c.name === '新分类')).toBe(false);

      const sku = await giftPackSku(t);
      const nested = await t.api('POST', '/api/shop/orders', {
        token: shop,
        body: { items: [{ skuId: sku, quantity: 1, priceFen: 1 }], address: ADDRESS },
        headers: { 'idempotency-key': 'unknown-nested' },
      });
      expect(nested.status).toBe(422);
      expect(nested.body.error?.code).toBe('unknown_field');
      expect(nested.body.error?.message).toContain('items.0.priceFen');

      const query = await t.api('GET', '/api/shop/products?colour=red', { headers: { 'accept-language': 'en' } });
      expect(query.status).toBe(422);
      expect(query.body.error?.message).toContain('query parameter "colour"');
      const noQueryAtAll = await t.api('GET', '/api/shop/categories?page=1');
      expect(noQueryAtAll.status).toBe(422);
      expect(noQueryAtAll.body.error?.code).toBe('unknown_field');
      // Sign-in still comes first: a stranger learns nothing about an admin route's fields.
      const stranger = await t.api('GET', '/api/admin/orders?colour=red');
      expect(stranger.status).toBe(401);
    });

    it('answers an unsupported method on a known path with 405 and Allow, an unknown path with 404', async () => {
      const response = await fetch(`${t.url}/api/shop/orders`, { method: 'DELETE' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
      expectErrorShape(await response.json(), 'method_not_allowed');
      const withParam = await t.api('PATCH', '/api/shop/products/prd_x', { body: {} });
      expect(withParam.status).toBe(405);
      expect(withParam.body.error?.code).toBe('method_not_allowed');
      const unknown = await t.api('GET', '/api/shop/nowhere');
      expect(unknown.status).toBe(404);
      expectErrorShape(unknown.body, 'not_found');
    });

    it('answers a 101-character path parameter with 414 uri_too_long in the one shape, with or without the web apps', async () => {
      const answer = await t.api('GET', `/api/shop/products/${'x'.repeat(101)}`);
      expect(answer.status).toBe(414);
      expectErrorShape(answer.body, 'uri_too_long');
      // Built web apps put a wildcard under every path, which the router falls back to for an over-long parameter.
      const webRoot = mkdtempSync(join(tmpdir(), 'mall-web-'));
      mkdirSync(join(webRoot, 'apps/shop/dist'), { recursive: true });
      writeFileSync(join(webRoot, 'apps/shop/dist/index.html'), '<!doctype html><title>shop</title>');
      const withApps = await backend.start({ webRoot });
      try {
        const long = await withApps.api('GET', `/api/admin/orders/${'x'.repeat(101)}/ship`);
        expect(long.status).toBe(405);
        const get = await withApps.api('GET', `/api/shop/orders/${'%E5%95%86'.repeat(101)}`);
        expect(get.status).toBe(414);
        expectErrorShape(get.body, 'uri_too_long');
        const missing = await withApps.api('GET', '/api/shop/nowhere');
        expect(missing.status).toBe(404);
        expectErrorShape(missing.body, 'not_found');
        expect((await withApps.api('GET', '/')).status).toBe(200);
      } finally {
        await withApps.close();
        rmSync(webRoot, { recursive: true, force: true });
      }
    });

    it('answers what Node refuses before Fastify (a control character in a header, huge headers) in the one shape', async () => {
      const control = await rawRequest(t.url, 'GET /api/shop/settings HTTP/1.1\r\nHost: x\r\nX-Note: a\u0001b\r\n\r\n');
      expect(control.status).toBe(400);
      expect(control.headers).toMatch(/content-type: application\/json/i);
      expectErrorShape(control.body, 'invalid_request');
      const huge = await rawRequest(
        t.url,
        `GET /api/shop/settings HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expect(huge.status).toBe(431);
      expectErrorShape(huge.body, 'headers_too_large');
      // The server still serves after both.
      expect((await t.api('GET', '/api/shop/settings')).status).toBe(200);
    });

    it('answers malformed JSON, a body over the limit and another content type in the one shape', async () => {
      const malformed = await t.api('POST', '/api/shop/login', { body: '{"phone": ' });
      expect(malformed.status).toBe(400);
      expectErrorShape(malformed.body, 'invalid_request');
      const big = await t.api('POST', '/api/shop/login', { body: JSON.stringify({ phone: 'x'.repeat(1_100_000) }) });
      expect(big.status).toBe(413);
      expectErrorShape(big.body, 'payload_too_large');
      const text = await fetch(`${t.url}/api/shop/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: '<phone>1</phone>',
      });
      expect(text.status).toBe(415);
      expectErrorShape(await text.json(), 'unsupported_media_type');
    });

    it('checked every answer of this file against the document', async () => {
      expect(contractChecks(t)).toBeGreaterThan(15);
      await expectLedgerHealthy(t);
    });
  });
}

describe('the contract check', () => {
  const doc: OpenApiDocument = {
    paths: {
      '/api/things/{id}': {
        get: {
          responses: {
            200: {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['id'],
                    properties: { id: { type: 'string' }, at: { type: 'string', nullable: true } },
                  },
                },
              },
            },
            404: {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      error: { type: 'object', properties: { code: { type: 'string', enum: ['thing_not_found'] } } },
                    },
                  },
                },
              },
            },
          },
        },
      },
      '/api/things/special': { post: { responses: { 201: {} } } },
    },
  };
  const json = 'application/json; charset=utf-8';

  it('accepts what the document declares, nullable included', () => {
    const contract = new Contract(doc);
    expect(contract.problem('GET', '/api/things/a?x=1', 200, { id: 'a', at: null }, json)).toBeUndefined();
    expect(contract.problem('POST', '/api/things/special', 201, {}, json)).toBeUndefined();
    expect(contract.problem('GET', '/api/things/a', 404, { error: { code: 'thing_not_found' } }, json)).toBeUndefined();
  });

  it('refuses an undocumented status, a body outside the schema and an undeclared error code', () => {
    const contract = new Contract(doc);
    expect(contract.problem('GET', '/api/things/a', 409, { error: { code: 'x' } }, json)).toContain(
      'declares no such answer',
    );
    expect(contract.problem('GET', '/api/things/a', 200, { at: 1 }, json)).toContain('does not match');
    expect(contract.problem('GET', '/api/things/a', 404, { error: { code: 'other' } }, json)).toContain(
      'does not match',
    );
    expect(contract.problem('GET', '/api/things/a', 200, { id: 'a' }, 'text/html')).toContain('says JSON');
  });

  it('holds answers outside the document to the one error shape', () => {
    const contract = new Contract(doc);
    expect(contract.problem('GET', '/', 200, { text: '<html>' }, 'text/html')).toBeUndefined();
    expect(
      contract.problem('GET', '/nowhere', 404, { error: { code: 'not_found', message: 'm' } }, json),
    ).toBeUndefined();
    expect(contract.problem('GET', '/nowhere', 404, { statusCode: 404 }, json)).toContain('does not match');
  });
});
