import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { housekeeping } from '../src/platform/housekeeping';
import {
  ADDRESS,
  backends,
  expectLedgerHealthy,
  fundedInviter,
  giftPackSku,
  idemKey,
  nextPhone,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/** Issue 7, findings 6, 7 and 8: type coercion, control characters, idle connections and housekeeping. */
const NOT_INTEGERS: unknown[] = ['Infinity', '1e999', '0x10', ' 1', '1e3', true, [1], 1.5, '5', null];
const NOT_QUERY_INTEGERS = ['Infinity', '1e999', '0x10', '%201', '1e3', '-1', '1.5', 'true', ''];

for (const backend of backends()) {
  describe(`money and quantities are JSON integers (${backend.name})`, () => {
    let t: TestServer;
    let a: Awaited<ReturnType<typeof registerShopper>>;
    let orders: string[];
    beforeAll(async () => {
      t = await backend.start();
      const funded = await fundedInviter(t, await staffToken(t));
      a = funded.a;
      orders = funded.orders;
    });
    afterAll(() => t.close());

    it('refuses coerced numbers in bodies with 400 and changes nothing', async () => {
      for (const value of NOT_INTEGERS) {
        const withdrawal = await t.api('POST', '/api/shop/me/withdrawals', {
          token: a.token,
          body: { amountFen: value, channel: 'wechat' },
        });
        expect(withdrawal.status, JSON.stringify(value)).toBe(400);
        for (const path of ['redeem/preview', 'redeem']) {
          const redeem = await t.api('POST', `/api/shop/me/positions/${orders[0]}/${path}`, {
            token: a.token,
            body: { units: value },
            headers: { 'idempotency-key': idemKey() },
          });
          expect(redeem.status, `${path} ${JSON.stringify(value)}`).toBe(400);
        }
        const order = await t.api('POST', '/api/shop/orders', {
          token: a.token,
          body: { items: [{ skuId: await giftPackSku(t), quantity: value }], address: ADDRESS },
          headers: { 'idempotency-key': idemKey() },
        });
        expect(order.status, `order ${JSON.stringify(value)}`).toBe(400);
      }
      const withdrawals = await t.server.store.db.selectFrom('withdrawals').selectAll().execute();
      expect(withdrawals).toEqual([]);
      const wallet = await t.api('GET', '/api/shop/me/wallet', { token: a.token });
      expect(wallet.body.balanceFen).toBe(10_000);
    });

    it('takes query integers only as plain decimal digits', async () => {
      for (const value of NOT_QUERY_INTEGERS) {
        const answer = await t.api('GET', `/api/shop/orders?pageSize=${value}`, { token: a.token });
        expect(answer.status, value).toBe(400);
        expect(answer.body.error?.code).toBe('invalid_request');
      }
      expect((await t.api('GET', '/api/shop/orders?pageSize=5&page=1', { token: a.token })).status).toBe(200);
    });
  });

  describe(`control characters and broken Unicode are refused at the edge (${backend.name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await backend.start();
    });
    afterAll(() => t.close());

    it('answers 400, not 500, for a NUL byte or a lone surrogate in any string', async () => {
      // The demo seed has shoppers of its own (its regional agents): nobody is added by the refused requests.
      const before = await t.server.store.db.selectFrom('users').select('id').execute();
      const cases: [string, string, unknown][] = [
        ['GET', '/api/shop/products?q=%00', undefined],
        ['GET', '/api/shop/products?q=a%01b', undefined],
        ['POST', '/api/shop/login', { phone: '1380013\u00008000', password: 'x' }],
        ['POST', '/api/shop/register', { phone: nextPhone(), password: 'secret123', inviteCode: '\u0000' }],
        ['POST', '/api/shop/register', { phone: nextPhone(), password: 'secret123', inviteCode: '\ud800' }],
        ['POST', '/api/admin/login', { username: 'admin\u0007', password: 'x' }],
        ['POST', '/api/shop/login/code/send', { phone: '\u001b[31m' }],
      ];
      for (const [method, path, body] of cases) {
        const answer = await t.api(method, path, body === undefined ? {} : { body });
        expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
        expect(answer.body.error?.code).toBe('invalid_request');
      }
      // Raw text with a lone surrogate escaped in JSON, and a key with a control character.
      const raw = await fetch(`${t.url}/api/shop/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"phone": "\\udc00", "password": "x"}',
      });
      expect(raw.status).toBe(400);
      const key = await t.api('POST', '/api/shop/login', { body: { 'ph\u0000one': '1', password: 'x' } });
      expect(key.status).toBe(400);
      const users = await t.server.store.db.selectFrom('users').select('id').execute();
      expect(users).toEqual(before);
      // Line breaks in free text stay allowed.
      const shopper = await registerShopper(t);
      const order = await t.api('POST', '/api/shop/orders', {
        token: shopper.token,
        body: { items: [{ skuId: await giftPackSku(t), quantity: 1 }], address: { ...ADDRESS, detail: '1 号\n2 楼' } },
        headers: { 'idempotency-key': idemKey() },
      });
      expect(order.status).toBe(201);
    });

    it('refuses deeply nested bodies without falling over', async () => {
      for (const depth of [100, 100_000]) {
        const answer = await t.api('POST', '/api/shop/login', {
          body: `{"phone": ${'['.repeat(depth)}1${']'.repeat(depth)}, "password": "x"}`,
        });
        expect(answer.status, `depth ${depth}`).toBe(400);
        expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.(ts|js)/);
      }
    });
  });

  describe(`connections and housekeeping (${backend.name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await backend.start({ connectionTimeoutMs: 1_000 });
    });
    afterAll(() => t.close());

    it('closes a connection that never sends a byte', async () => {
      const { port } = new URL(t.url);
      const closed = await new Promise<number>((resolve, reject) => {
        const started = Date.now();
        const socket = connect(Number(port), '127.0.0.1');
        socket.on('error', reject);
        socket.on('close', () => resolve(Date.now() - started));
        setTimeout(() => {
          socket.destroy();
          reject(new Error('the idle connection is still open after 8 s'));
        }, 8_000);
      });
      expect(closed).toBeLessThan(8_000);
    });

    it('deletes expired sessions, codes, old idempotency keys and stale sign-in failures, and keeps the rest', async () => {
      const db = t.server.store.db;
      const past = '2001-01-01T00:00:00.000Z';
      const shopper = await registerShopper(t);
      await db
        .insertInto('sessions')
        .values({ token_hash: 'old', kind: 'shop', subject_id: shopper.id, expires_at: past, created_at: past })
        .execute();
      await db
        .insertInto('login_codes')
        .values({ phone: '13000000001', code_hash: 'x', expires_at: past, used: 0n, attempts: 0n })
        .execute();
      await db
        .insertInto('idempotency')
        .values({ scope: 's', key: 'old', request_hash: 'h', response: '{}', created_at: past })
        .execute();
      await db
        .insertInto('login_failures')
        .values({ account: 'shop:13000000001', failures: 2n, locked_until: '', updated_at: past })
        .execute();
      await db
        .insertInto('rate_limits')
        .values([
          { key: 'POST /api/shop/login 10.0.0.1', hits: 3n, window_ends_ms: 1_000n },
          { key: 'POST /api/shop/login 10.0.0.2', hits: 3n, window_ends_ms: BigInt(Date.now() + 60_000) },
        ])
        .execute();
      const removed = await housekeeping(db);
      expect(removed).toEqual({
        sessions: 1,
        loginCodes: 1,
        idempotencyKeys: 1,
        loginFailures: 1,
        rateLimitWindows: 1,
      });
      expect((await t.api('GET', '/api/shop/me', { token: shopper.token })).status).toBe(200);
      await expectLedgerHealthy(t);
    });
  });
}
