import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/platform/db/database';
import { backends } from './helpers';
import { MALL, leaderPid, seedReceivedBacklog, startMall, type MallProcess } from './processes';

/**
 * Several `mall start` processes on one PostgreSQL, as an operator runs them: a checkout storm spread over both, the
 * leader SIGKILLed in the middle of a settlement, and afterwards nothing lost, nothing doubled, the audit clean.
 */
const run = promisify(execFile);
const PASSWORD = 'multi-process-pw';
const BACKLOG = 11_000;
const ADDRESS = { name: '张三', phone: '13800138000', region: ['浙江省', '杭州市', '西湖区'], detail: '1 号' };

type Answer = { status: number; body: Record<string, unknown> };

async function call(url: string, method: string, path: string, token?: string, body?: unknown, key?: string) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> } satisfies Answer;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

if (backends().some((b) => b.name === 'postgres')) {
  const baseUrl = process.env.TEST_DATABASE_URL ?? '';
  describe('two mall processes on one PostgreSQL', () => {
    const schema = `t_mp_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
    const databaseUrl = `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}schema=${schema}`;
    const env = {
      DATABASE_URL: databaseUrl,
      MALL_PORT: '0',
      MALL_ADMIN_PASSWORD: PASSWORD,
      MALL_AUTH_RATE_LIMIT: '100000',
      MALL_SETTLEMENT_INTERVAL_MS: '200',
      MALL_LEADER_RETRY_MS: '200',
    };
    const processes: MallProcess[] = [];
    let store: Store;

    beforeAll(async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`create schema ${schema}`);
      await client.end();
      // The first process migrates and seeds; the second starts on the ready database.
      processes.push(await startMall(env));
      processes.push(await startMall(env));
      store = openStore(databaseUrl);
    }, 180_000);

    afterAll(async () => {
      for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGTERM');
      await Promise.all(processes.map((p) => p.exited));
      await store?.close();
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    });

    it('loses and doubles nothing through a checkout storm and the leader killed mid-settlement; the audit is clean', async () => {
      const [a, b] = processes as [MallProcess, MallProcess];
      const admin = (
        await call(a.url, 'POST', '/api/admin/login', undefined, { username: 'admin', password: PASSWORD })
      ).body.token as string;
      // Nothing is due yet: the backlog and the storm wait until afterSalesDays drops to 0.
      expect((await call(b.url, 'PUT', '/api/admin/settings', admin, { afterSalesDays: 365 })).status).toBe(200);
      const root = await call(a.url, 'POST', '/api/shop/register', undefined, {
        phone: '13912340000',
        password: 'secret123',
      });
      const rootUser = root.body.user as { id: string; inviteCode: string };
      const products = await call(b.url, 'GET', '/api/shop/products');
      const sku = (products.body.items as { title: string; skus: { id: string }[] }[]).find(
        (p) => p.title === '消费商礼包',
      )?.skus[0]?.id as string;
      const backlog = await seedReceivedBacklog(
        store.db,
        BACKLOG,
        new Date(Date.now() - 86_400_000).toISOString(),
        rootUser.id,
      );

      // The storm: shoppers on both processes at once, each checkout spread over the two.
      const shoppers = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const server = i % 2 === 0 ? a : b;
          const answer = await call(server.url, 'POST', '/api/shop/register', undefined, {
            phone: `1391234${String(i + 1).padStart(4, '0')}`,
            password: 'secret123',
            inviteCode: rootUser.inviteCode,
          });
          return { token: answer.body.token as string, id: (answer.body.user as { id: string }).id };
        }),
      );
      let failovers = 0;
      const keys: string[] = [];
      /** One checkout, each step on either process; a refused connection (the killed process) retries on the other. */
      const checkout = async (token: string, n: number): Promise<void> => {
        const key = `storm-${n}`;
        keys.push(key);
        const steps: ((url: string, orderId?: string, paymentId?: string) => Promise<Answer>)[] = [
          (url) =>
            call(
              url,
              'POST',
              '/api/shop/orders',
              token,
              { items: [{ skuId: sku, quantity: 1 }], address: ADDRESS },
              key,
            ),
          (url, orderId) => call(url, 'POST', `/api/shop/orders/${orderId}/pay`, token, { channel: 'sandbox' }),
          (url, _orderId, paymentId) => call(url, 'POST', `/api/sandbox/payments/${paymentId}/succeed`),
        ];
        let orderId: string | undefined;
        let paymentId: string | undefined;
        for (const [i, step] of steps.entries()) {
          let answer: Answer | undefined;
          let retried = false;
          for (let attempt = 0; answer === undefined; attempt += 1) {
            const server = processes[(n + i + attempt) % 2] as MallProcess;
            answer = await step(server.url, orderId, paymentId).catch((error: unknown) => {
              if (attempt >= 3) throw error;
              retried = true;
              failovers += 1;
              return undefined;
            });
          }
          // A notification the killed process applied before it could answer is not pending any more on the retry.
          if (retried && i === 2 && answer.body.error !== undefined) {
            expect((answer.body.error as { code: string }).code).toBe('payment_not_pending');
            continue;
          }
          expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
          orderId ??= (answer.body.order as { id: string } | undefined)?.id;
          paymentId = (answer.body.payment as { id: string } | undefined)?.id ?? paymentId;
        }
      };
      let counter = 0;
      let killed = false;
      // Each shopper keeps buying until it has run two checkouts that started after the kill: every checkout sends
      // a step to each process, so those meet the dead one and fail over.
      const storm = Promise.all(
        shoppers.map(async ({ token }) => {
          for (let i = 0, afterKill = 0; afterKill < 2; i += 1) {
            if (i > 300) throw new Error('the storm did not end');
            const started = killed;
            await checkout(token, (counter += 1));
            if (started) afterKill += 1;
          }
        }),
      );

      // Now everything received is due: the leader's timer starts settling the backlog.
      const pid = await until('the leader', () => leaderPid(baseUrl, schema));
      expect((await call(a.url, 'PUT', '/api/admin/settings', admin, { afterSalesDays: 0 })).status).toBe(200);
      const settledCount = async (): Promise<number> => {
        const row = await store.db
          .selectFrom('orders')
          .select((eb) => eb.fn.countAll<bigint>().as('n'))
          .where('status', '=', 'settled')
          .executeTakeFirstOrThrow();
        return Number(row.n);
      };
      await until('settlement to start', async () => ((await settledCount()) > 0 ? true : undefined));
      const victim = processes.find((p) => p.child.pid === pid);
      expect(victim, `leader pid ${pid}`).toBeDefined();
      const settledAtKill = await settledCount();
      const checkoutsAtKill = counter;
      victim?.child.kill('SIGKILL');
      killed = true;
      await victim?.exited;
      expect(settledAtKill).toBeLessThan(BACKLOG);
      const survivor = processes.find((p) => p !== victim) as MallProcess;
      await until('the survivor to lead', async () =>
        (await leaderPid(baseUrl, schema)) === survivor.child.pid ? true : undefined,
      );
      await storm;
      expect(failovers).toBeGreaterThan(0);
      if (process.env.MALL_TEST_VERBOSE === '1')
        process.stderr.write(
          `settled at kill ${settledAtKill}/${BACKLOG}, checkouts started at kill ${checkoutsAtKill}, total ${counter}, failovers ${failovers}\n`,
        );

      // Ship and receive the storm's orders on the survivor; the timer settles them with the rest.
      const stormOrders = await store.db
        .selectFrom('orders')
        .select(['id', 'user_id', 'status'])
        .where('idempotency_key', 'like', 'storm-%')
        .execute();
      expect(stormOrders).toHaveLength(keys.length);
      for (const order of stormOrders) {
        expect(order.status).toBe('paid');
        const ship = await call(survivor.url, 'POST', `/api/admin/orders/${order.id}/ship`, admin, {
          carrier: 'SF',
          trackingNo: 'SF1',
        });
        expect(ship.status, JSON.stringify(ship.body)).toBe(200);
      }
      const tokenOf = new Map(shoppers.map((s) => [s.id, s.token]));
      for (const order of stormOrders) {
        const receive = await call(
          survivor.url,
          'POST',
          `/api/shop/orders/${order.id}/receive`,
          tokenOf.get(order.user_id),
        );
        expect(receive.status, JSON.stringify(receive.body)).toBe(200);
      }
      const total = BACKLOG + stormOrders.length;
      await until('every order to settle', async () => ((await settledCount()) === total ? true : undefined), 300_000);

      // Nothing doubled: one settle event and one revenue transfer per order, one payment per storm order.
      const doubled = await store.db
        .selectFrom('incentive_events')
        .select(['order_id', (eb) => eb.fn.countAll<bigint>().as('n')])
        .where('type', '=', 'settle')
        .groupBy('order_id')
        .having((eb) => eb.fn.countAll(), '>', 1)
        .execute();
      expect(doubled).toEqual([]);
      const settles = await store.db
        .selectFrom('incentive_events')
        .select((eb) => eb.fn.countAll<bigint>().as('n'))
        .where('type', '=', 'settle')
        .executeTakeFirstOrThrow();
      expect(Number(settles.n)).toBe(total);
      const revenue = await store.db
        .selectFrom('transfers')
        .select((eb) => eb.fn.countAll<bigint>().as('n'))
        .where('reason', '=', 'revenue')
        .executeTakeFirstOrThrow();
      expect(Number(revenue.n)).toBe(total);
      const paid = await store.db
        .selectFrom('payments')
        .select((eb) => eb.fn.countAll<bigint>().as('n'))
        .where('status', '=', 'succeeded')
        // The demo's group leader has paid too (seeded); only the storm's payments are counted here.
        .where(
          'order_id',
          'in',
          stormOrders.map((o) => o.id),
        )
        .executeTakeFirstOrThrow();
      expect(Number(paid.n)).toBe(stormOrders.length);
      expect(backlog).toHaveLength(BACKLOG);

      // The ledger balances and replaying the event log gives every stored balance (mall audit, exit 0).
      const audit = await run(process.execPath, [MALL, 'audit'], {
        env: { ...process.env, DATABASE_URL: databaseUrl },
      });
      expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true, differences: [] });
      const sum = await store.db
        .selectFrom('accounts')
        .select((eb) => eb.fn.sum<bigint>('balance_fen').as('total'))
        .executeTakeFirstOrThrow();
      expect(BigInt(sum.total)).toBe(0n);
    }, 600_000);
  });
}
