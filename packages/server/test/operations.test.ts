import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  backends,
  buyAndReceive,
  expectLedgerHealthy,
  fundedInviter,
  giftPackSku,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/** One sample of the Prometheus text: `name{labels} value`, labels given as they are printed. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const prefix = labels === '' ? `${name} ` : `${name}{${labels}} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

async function metrics(t: TestServer, token?: string): Promise<{ status: number; text: string; type: string }> {
  const response = await fetch(`${t.url}/metrics`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') ?? '' };
}

for (const backend of backends()) {
  describe(`what operators watch (${backend.name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await backend.start();
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('answers /healthz without the database and /readyz once the database holds every migration', async () => {
      expect(await t.api('GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
      const ready = await t.api('GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ready', database: 'ok', pendingMigrations: [] });
    });

    it('keeps a sane incoming X-Request-Id, makes one up otherwise, and names it in every error body', async () => {
      const kept = await fetch(`${t.url}/api/shop/nothing-here`, { headers: { 'x-request-id': 'edge-42.a:b' } });
      expect(kept.headers.get('x-request-id')).toBe('edge-42.a:b');
      expect(((await kept.json()) as { error: unknown }).error).toEqual({
        code: 'not_found',
        message: expect.any(String),
        requestId: 'edge-42.a:b',
      });
      for (const hostile of ['a'.repeat(65), 'x y', '../etc', '<script>']) {
        const made = await fetch(`${t.url}/api/shop/orders`, { headers: { 'x-request-id': hostile } });
        const id = made.headers.get('x-request-id') ?? '';
        expect(id).not.toBe(hostile);
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        expect(((await made.json()) as { error: { code: string; requestId: string } }).error).toEqual({
          code: 'unauthorized',
          message: expect.any(String),
          requestId: id,
        });
      }
      const invalid = await t.api('POST', '/api/shop/login', { body: { phone: 12 } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error).toMatchObject({ code: 'invalid_request', requestId: expect.any(String) });
      const twice = await Promise.all([t.api('GET', '/api/nope'), t.api('GET', '/api/nope')]);
      const ids = twice.map((a) => a.body.error?.requestId);
      expect(ids[0]).not.toBe(ids[1]);
    });

    it('counts checkouts, payments, settlement lag, pool cash and waiting withdrawals in /metrics', async () => {
      const admin = await staffToken(t);
      const before = await metrics(t);
      expect(before.status).toBe(200);
      expect(before.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const checkouts0 = sample(before.text, 'mall_checkouts_total') ?? 0;
      const paid0 = sample(before.text, 'mall_payments_total', 'channel="sandbox",outcome="applied"') ?? 0;

      const { a } = await fundedInviter(t, admin);
      const c = await registerShopper(t, a.inviteCode);
      await buyAndReceive(t, c.token, admin, await giftPackSku(t));
      const withdrawal = await t.api('POST', '/api/shop/me/withdrawals', {
        token: a.token,
        body: { amountFen: 2_500, channel: 'alipay' },
      });
      expect(withdrawal.status, JSON.stringify(withdrawal.body)).toBe(200);

      const after = (await metrics(t)).text;
      expect(sample(after, 'mall_checkouts_total')).toBe(checkouts0 + 3);
      expect(sample(after, 'mall_payments_total', 'channel="sandbox",outcome="applied"')).toBe(paid0 + 3);
      // The third order is received with afterSalesDays 0: due, not yet settled.
      expect(sample(after, 'mall_settlement_lag_orders')).toBe(1);
      expect(sample(after, 'mall_settlement_lag_seconds')).toBeGreaterThanOrEqual(0);
      const pool = await t.api('GET', '/api/admin/pool', { token: admin });
      expect(sample(after, 'mall_pool_cash_fen', 'campaign="appreciationPool"')).toBe(pool.body.cashFen);
      expect(sample(after, 'mall_pool_price_fen_per_point', 'campaign="appreciationPool"')).toBe(
        pool.body.priceFenPerPoint,
      );
      expect(sample(after, 'mall_withdrawals_waiting', 'status="requested"')).toBe(1);
      expect(sample(after, 'mall_withdrawals_waiting_fen', 'status="requested"')).toBe(2_500);
      expect(sample(after, 'mall_leaders')).toBe(1);
      expect(after).toMatch(
        /http_request_duration_seconds_count\{method="POST",route="\/api\/shop\/orders\/:id\/pay",status_code="200"\} \d+/,
      );
      expect(after).toMatch(/process_cpu_user_seconds_total \d/);

      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      const settled = (await metrics(t)).text;
      expect(sample(settled, 'mall_settlement_lag_orders')).toBe(0);
      expect(sample(settled, 'mall_settlement_lag_seconds')).toBe(0);
    });

    it('reports not ready (503, one error shape) while a migration this code expects has not run', async () => {
      const table = t.server.store.db.withSchema(t.server.store.schema ?? 'main');
      const row = await table
        .selectFrom('kysely_migration' as never)
        .selectAll()
        .where('name' as never, '=', '0005_ops' as never)
        .executeTakeFirstOrThrow();
      await table
        .deleteFrom('kysely_migration' as never)
        .where('name' as never, '=', '0005_ops' as never)
        .execute();
      try {
        const answer = await t.api('GET', '/readyz');
        expect(answer.status).toBe(503);
        expect(answer.body.error).toMatchObject({ code: 'not_ready', requestId: expect.any(String) });
        expect(answer.body.error?.message).toContain('0005_ops');
        expect((await t.api('GET', '/healthz')).status).toBe(200);
      } finally {
        await table
          .insertInto('kysely_migration' as never)
          .values(row as never)
          .execute();
      }
      expect((await t.api('GET', '/readyz')).status).toBe(200);
    });
  });
}

describe('who may read /metrics in production', () => {
  const [sqlite] = backends();
  let t: TestServer;
  const previous = process.env.MALL_METRICS_TOKEN;
  beforeAll(async () => {
    process.env.MALL_METRICS_TOKEN = 'scrape-secret-1234';
    t = await sqlite!.start({ environment: 'production', adminPassword: 'a-long-production-password' });
  });
  afterAll(async () => {
    process.env.MALL_METRICS_TOKEN = previous;
    await t?.close();
  });

  it('refuses strangers even on loopback, and lets the scrape token and staff in', async () => {
    const stranger = await metrics(t);
    expect(stranger.status).toBe(401);
    expect(JSON.parse(stranger.text)).toMatchObject({ error: { code: 'unauthorized', requestId: expect.any(String) } });
    expect((await metrics(t, 'scrape-secret-123')).status).toBe(401);
    expect((await metrics(t, 'scrape-secret-1234')).status).toBe(200);
    const login = await t.api('POST', '/api/admin/login', {
      body: { username: 'admin', password: 'a-long-production-password' },
    });
    expect((await metrics(t, login.body.token as string)).status).toBe(200);
    expect(ADMIN_PASSWORD).not.toBe('a-long-production-password');
  });
});

for (const backend of backends().filter((b) => b.name === 'postgres')) {
  describe('the sign-in rate limit across two processes on one PostgreSQL', () => {
    let one: TestServer;
    let two: TestServer;
    beforeAll(async () => {
      one = await backend.start({ authRateLimitPerMinute: 4 });
      two = await one.attach();
    });
    afterAll(async () => {
      await two?.close();
      await one?.close();
    });

    it('counts one address in the shared table: the fifth attempt is refused whichever process it reaches', async () => {
      const codes: string[] = [];
      for (let i = 0; i < 6; i += 1) {
        const server = i % 2 === 0 ? one : two;
        // A different account each time, so the per-account lockout is not what answers.
        const answer = await server.api('POST', '/api/shop/login', {
          body: { phone: `1370000000${i}`, password: 'wrong-password' },
        });
        codes.push(answer.body.error?.code ?? String(answer.status));
      }
      expect(codes).toEqual([
        'invalid_credentials',
        'invalid_credentials',
        'invalid_credentials',
        'invalid_credentials',
        'rate_limited',
        'rate_limited',
      ]);
    });
  });
}
