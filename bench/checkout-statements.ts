/**
 * Counts the database statements (SQLite) or round trips (PostgreSQL) one checkout costs, request by request: the
 * server runs in this process with the benchmark's setup (demo data and promotions, a benchmark product in both
 * campaigns' scope), one shopper checks out N times in sequence, and the driver calls are counted between requests.
 * Usage: npx tsx bench/checkout-statements.ts [--checkouts 20] [--database-url postgres://...] [--list]
 * On PostgreSQL it also reads the CPU the backends spent on each request (from /proc: the database on this machine).
 * Not a test: an instrument for issue 14 (docs/benchmarks.md, "Statements per checkout").
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { startServer } from '../packages/server/src/index';

const { values } = parseArgs({
  options: {
    checkouts: { type: 'string', default: '20' },
    'database-url': { type: 'string' },
    list: { type: 'boolean', default: false },
  },
});
const N = Math.max(1, Number(values.checkouts));

// Every statement the drivers run, by text; `phase` names the request being counted.
let phase = 'setup';
const counts = new Map<string, Map<string, number>>();
/** PostgreSQL: per phase, statements that shared a socket write (and a round trip) with the statement after them. */
const sameWrite = new Map<string, number>();
function count(text: string): void {
  const key = text.replace(/\s+/g, ' ').slice(0, 160);
  let byText = counts.get(phase);
  if (byText === undefined) counts.set(phase, (byText = new Map()));
  byText.set(key, (byText.get(key) ?? 0) + 1);
}

type Runner = (...args: unknown[]) => unknown;
const sqlitePrepare = Sqlite.prototype.prepare as unknown as Runner;
(Sqlite.prototype as unknown as { prepare: Runner }).prepare = function (this: unknown, ...args: unknown[]) {
  const statement = sqlitePrepare.apply(this, args) as Record<string, Runner> & { source: string };
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = statement[method]!;
    statement[method] = function (this: unknown, ...a: unknown[]) {
      count(statement.source);
      return original.apply(this, a);
    };
  }
  return statement;
};
const sqliteExec = Sqlite.prototype.exec as unknown as Runner;
(Sqlite.prototype as unknown as { exec: Runner }).exec = function (this: unknown, ...args: unknown[]) {
  count(`exec: ${String(args[0])}`);
  return sqliteExec.apply(this, args);
};
const pgQuery = pg.Client.prototype.query as unknown as Runner;
(pg.Client.prototype as unknown as { query: Runner }).query = function (this: unknown, ...args: unknown[]) {
  const first = args[0] as string | { text: string };
  const text = typeof first === 'string' ? first : first.text;
  // A held `begin` is written while the socket is corked, in the same write as the statement after it (pg-named.ts):
  // one round trip for both.
  const corked = (this as { connection?: { stream?: { writableCorked?: number } } }).connection?.stream?.writableCorked;
  if (text === 'begin' && (corked ?? 0) > 0) sameWrite.set(phase, (sameWrite.get(phase) ?? 0) + 1);
  count(text);
  return pgQuery.apply(this, args);
};

const TICK_MS = 1000 / Number(execSync('getconf CLK_TCK').toString().trim() || '100');

/** PostgreSQL on this machine: CPU ms used so far by the backends serving `schema`'s server (from /proc), per phase. */
const backendCpu = new Map<string, number>();
let backendPids: () => Promise<number[]> = () => Promise.resolve([]);
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}
/** The backends' CPU per pid now; a step's cost is the sum of the deltas of the pids present before and after it. */
async function backendCpuNow(): Promise<Map<number, number>> {
  return new Map((await backendPids()).map((pid) => [pid, cpuOf(pid)]));
}
function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

const ADDRESS = { name: '压测', phone: '13800000000', region: ['浙江省', '杭州市', '西湖区'], detail: '1 号' };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mall-count-'));
  let databaseUrl = `sqlite:${join(dir, 'count.db')}`;
  let dropSchema: (() => Promise<void>) | undefined;
  const pgUrl = values['database-url'];
  if (pgUrl !== undefined) {
    const schema = `count_${Date.now().toString(36)}`;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`create schema ${schema}`);
    const own = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    backendPids = async () => {
      const saved = phase;
      phase = 'measuring';
      const { rows } = await client.query<{ pid: number }>(
        'select pid from pg_stat_activity where application_name = $1 and pid <> $2',
        [schema, own],
      );
      phase = saved;
      return rows.map((r) => r.pid);
    };
    // The server's connections carry the schema's name, so the CPU read is theirs alone on a shared database.
    databaseUrl = `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}&application_name=${schema}`;
    dropSchema = async () => {
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    };
  }
  const server = await startServer({
    databaseUrl,
    port: 0,
    adminPassword: 'count-password',
    seedDemo: true,
    logLevel: 'silent',
    authRateLimitPerMinute: 1_000_000,
    settlementIntervalMs: 0,
    expiryIntervalMs: 0,
    periodIntervalMs: 0,
    housekeepingIntervalMs: 0,
    paymentCheckIntervalMs: 0,
    payments: {},
  });
  const call = async (method: string, path: string, token?: string, body?: unknown, key?: string) => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key !== undefined) headers['idempotency-key'] = key;
    const answer = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await answer.json()) as Record<string, unknown>;
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(json)}`);
    return json;
  };
  try {
    const admin = (await call('POST', '/api/admin/login', undefined, { username: 'admin', password: 'count-password' }))
      .token as string;
    const created = (await call('POST', '/api/admin/products', admin, {
      title: '压测商品',
      skus: [{ name: '默认', priceFen: 100_000, costFen: 40_000, stock: 10_000_000 }],
    })) as { product: { id: string; skus: { id: string }[] } };
    for (const campaign of ['referralCycle', 'appreciationPool']) {
      const current = (await call('GET', `/api/admin/campaigns/${campaign}`, admin)) as {
        campaign: { scope: { products: string[]; categories: string[] } | null };
      };
      const scope = current.campaign.scope;
      if (scope !== null)
        await call('PUT', `/api/admin/campaigns/${campaign}`, admin, {
          scope: { products: [...scope.products, created.product.id], categories: scope.categories },
        });
    }
    const skuId = created.product.skus[0]?.id ?? '';
    const shopper = (
      await call('POST', '/api/shop/register', undefined, { phone: '13712345678', password: 'bench123' })
    ).token as string;
    const timed = async (name: string, step: () => Promise<void>): Promise<void> => {
      const before = await backendCpuNow();
      phase = name;
      await step();
      phase = 'idle';
      backendCpu.set(name, (backendCpu.get(name) ?? 0) + cpuSince(before, await backendCpuNow()));
    };
    const one = async (): Promise<void> => {
      let orderId = '';
      let paymentId = '';
      await timed('create', async () => {
        const order = (await call(
          'POST',
          '/api/shop/orders',
          shopper,
          { items: [{ skuId, quantity: 1 }], address: ADDRESS },
          `count-${Math.random()}`,
        )) as { order: { id: string } };
        orderId = order.order.id;
      });
      await timed('pay', async () => {
        const pay = (await call('POST', `/api/shop/orders/${orderId}/pay`, shopper, { channel: 'sandbox' })) as {
          payment: { id: string };
        };
        paymentId = pay.payment.id;
      });
      await timed('notify', async () => {
        await call('POST', `/api/sandbox/payments/${paymentId}/succeed`);
      });
    };
    await one();
    counts.clear();
    sameWrite.clear();
    backendCpu.clear();
    for (let i = 0; i < N; i += 1) await one();
    let total = 0;
    let trips = 0;
    for (const name of ['create', 'pay', 'notify']) {
      const byText = counts.get(name) ?? new Map<string, number>();
      const sum = [...byText.values()].reduce((a, b) => a + b, 0);
      total += sum;
      trips += sum - (sameWrite.get(name) ?? 0);
      const shared =
        pgUrl === undefined
          ? ''
          : `, ${((sum - (sameWrite.get(name) ?? 0)) / N).toFixed(2)} round trips, backend CPU ${((backendCpu.get(name) ?? 0) / N).toFixed(2)} ms`;
      process.stdout.write(`${name}: ${(sum / N).toFixed(2)} statements per request${shared}\n`);
      if (values.list) for (const [text, n] of byText) process.stdout.write(`  ${(n / N).toFixed(2)}  ${text}\n`);
    }
    process.stdout.write(
      `checkout: ${(total / N).toFixed(2)} statements${pgUrl === undefined ? '' : `, ${(trips / N).toFixed(2)} round trips, backend CPU ${([...backendCpu.values()].reduce((a, b) => a + b, 0) / N).toFixed(2)} ms`}\n`,
    );
    const idle = counts.get('idle');
    if (idle !== undefined)
      process.stdout.write(`between checkouts: ${[...idle.values()].reduce((a, b) => a + b, 0)}\n`);
  } finally {
    await server.close();
    await dropSchema?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
