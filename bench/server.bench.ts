/**
 * Server benchmark (not a test), loopback only and bounded in count: checkout throughput (order creation + sandbox
 * payment: create order, start payment, signed gateway notification, each a durable transaction) over HTTP, and
 * durable settlement throughput (orders/s through the engine with ledger, positions, pool and event log written),
 * on SQLite and, when BENCH_DATABASE_URL is set, on PostgreSQL (a scratch schema, dropped afterwards).
 * Usage: npm run bench:server [-- --checkout 3000 --concurrency 32 --settle 20000 --rounds 3 --no-write]
 * --rounds N: N checkout rounds (fresh shoppers each) and N settlement rounds, reported as min / median / max.
 * Writes its table into docs/benchmarks.md between the bench:server markers (creates them at the end if missing).
 */
import { execSync, spawn } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { newId } from '../packages/server/src/platform/ids';
import { RawConnection, type RawAnswer } from './raw-http';
import { postCreditsBulk, type TransferInput } from '../packages/server/src/money/ledger';
import { inTx, openStore, type Store } from '../packages/server/src/platform/db/database';

const { values } = parseArgs({
  options: {
    checkout: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '32' },
    settle: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    // N server processes (mall start --workers N, PostgreSQL only: the SQLite run is skipped when N > 1).
    workers: { type: 'string', default: '1' },
    'skip-sqlite': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const CHECKOUTS = Math.min(Number(values.checkout), 50_000);
const CONCURRENCY = Math.min(Number(values.concurrency), 256);
const SETTLE = Math.min(Number(values.settle), 200_000);
const ROUNDS = Math.max(1, Math.min(Number(values.rounds), 10));
const WORKERS = Math.max(1, Math.min(Number(values.workers), 8));
const PASSWORD = 'bench-password';
const START_LOAD = (loadavg()[0] ?? 0).toFixed(1);
const ADDRESS = { name: '压测', phone: '13800000000', region: ['浙江省', '杭州市', '西湖区'], detail: '1 号' };

interface Result {
  database: string;
  checkouts: number;
  checkoutSeconds: number;
  checkoutPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerCheckout: number;
  serverCpuMsPerCheckout: number;
  dbCpuMsPerCheckout: number | undefined;
  /** Every checkout round's checkouts/s and server CPU ms per checkout, as min / median / max. */
  checkoutRounds: string;
  serverCpuRounds: string;
  settled: number;
  settleSeconds: number;
  settlePerSecond: number;
  settleRounds: string;
  /** Server and database CPU per settled order in ms (the median round's), the database's from its backends. */
  settleServerCpuMs: number;
  settleDbCpuMs: number | undefined;
  auditSeconds: number;
  auditOk: boolean;
  /** The largest server process's peak resident memory (VmHWM) through the checkout rounds, and over the whole run. */
  checkoutPeakRssMiB: number;
  peakRssMiB: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

/** A lean keep-alive JSON client (node:http), so the load generator costs less CPU than fetch would. */
function call(
  url: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method,
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
          if ((response.statusCode ?? 500) >= 300)
            reject(new Error(`${method} ${path}: ${response.statusCode} ${text}`));
          else resolve(json);
        });
      },
    );
    request.on('error', reject);
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100));
  return sorted[index] ?? 0;
}

/** The server under test: its own process (`mall start`), so the load generator does not share its event loop. */
interface Target {
  url: string;
  store: Store;
  /** CPU time the server process has used so far, in ms (from /proc). */
  cpuMs(): number;
  /** The largest peak resident set (VmHWM) of the server's processes so far, in MiB (from /proc). */
  peakRssMiB(): number;
  /** The server process's resident set now, split as /proc tells it: anonymous memory and mapped files. */
  rssSplit(): string;
  close(): Promise<void>;
}

function processPeakRssMiB(pid: string): number {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? 0 : Number(kib) / 1024;
  } catch {
    return 0;
  }
}

function processCpuMs(pid: string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * CPU used so far by each PostgreSQL backend serving this run (same machine: read from /proc), by pid: the server's and
 * the benchmark's connections carry the scratch schema's name as application_name, so other work on the same database
 * (tests, another benchmark) is not counted.
 */
async function databaseCpu(store: Store): Promise<Map<string, number> | undefined> {
  if (store.dialect !== 'postgres') return undefined;
  const { rows } = await sql<{
    pid: number;
  }>`select pid from pg_stat_activity where datname = current_database() and application_name = current_setting('application_name')`.execute(
    store.db,
  );
  return new Map(rows.map((r) => [String(r.pid), processCpuMs(String(r.pid))]));
}

/**
 * The database CPU between two snapshots, backend by backend: a backend that exited meanwhile (an idle pool
 * connection closed, an autovacuum worker done) drops out of the sum instead of making it negative.
 */
function databaseCpuMsBetween(
  before: Map<string, number> | undefined,
  after: Map<string, number> | undefined,
): number | undefined {
  if (before === undefined || after === undefined) return undefined;
  let ms = 0;
  for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0);
  return ms;
}

const MALL_BIN = join(import.meta.dirname ?? '.', '..', 'packages', 'server', 'bin', 'mall.js');
const TICK_MS = 1000 / Number(execSync('getconf CLK_TCK').toString().trim() || '100');

async function launch(databaseUrl: string): Promise<Target> {
  // BENCH_SERVER_NODE_ARGS passes flags to the server's node (for instance --cpu-prof to profile it).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, MALL_BIN, 'start'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      MALL_PORT: '0',
      MALL_HOST: '127.0.0.1',
      MALL_ADMIN_PASSWORD: PASSWORD,
      MALL_LOG_LEVEL: 'warn',
      MALL_SKIP_WEB_BUILD: '1',
      MALL_AUTH_RATE_LIMIT: '1000000',
      MALL_SETTLEMENT_INTERVAL_MS: '0',
      MALL_WORKERS: String(WORKERS),
      // The setting packages/server/README.md recommends for the server (glibc reads it at process start).
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mall start did not come up:\n${output}`)), 120_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const port = /storefront\s+http:\/\/localhost:(\d+)\//.exec(output);
      if (port && output.includes('admin login') && (WORKERS === 1 || /workers\s+\d+ processes/.test(output))) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${port[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`mall start exited ${code}:\n${output}`)));
  });
  const store = openStore(databaseUrl);
  // The server: the process, plus its cluster workers under --workers N.
  const serverPids = (): string[] => {
    const pid = child.pid ?? 0;
    const workers = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return [String(pid), ...workers];
  };
  return {
    url,
    store,
    cpuMs: () => serverPids().reduce((sum, p) => sum + processCpuMs(p), 0),
    peakRssMiB: () => Math.max(0, ...serverPids().map(processPeakRssMiB)),
    rssSplit: () => {
      const status = readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8');
      const mib = (field: string): string => {
        const kib = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
        return kib === undefined ? '?' : (Number(kib) / 1024).toFixed(0);
      };
      return `anonymous ${mib('RssAnon')}, files ${mib('RssFile')}, peak ${mib('VmHWM')} MiB`;
    },
    close: async () => {
      await store.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

type CheckoutFigures = Pick<
  Result,
  | 'checkouts'
  | 'checkoutSeconds'
  | 'checkoutPerSecond'
  | 'p50Ms'
  | 'p99Ms'
  | 'cpuMsPerCheckout'
  | 'serverCpuMsPerCheckout'
  | 'dbCpuMsPerCheckout'
>;

/** The benchmark product (in both demo campaigns' scope), made once per server; every round buys its one SKU. */
async function benchSku(url: string): Promise<string> {
  const admin = (await call(url, 'POST', '/api/admin/login', undefined, { username: 'admin', password: PASSWORD }))
    .token as string;
  const product = (await call(url, 'POST', '/api/admin/products', admin, {
    title: '压测商品',
    skus: [{ name: '默认', priceFen: 100_000, costFen: 40_000, stock: 10_000_000 }],
  })) as { product: { id: string; skus: { id: string }[] } };
  // Products no longer name plans: the demo's two campaigns take the benchmark product into their scope.
  for (const campaign of ['referralCycle', 'appreciationPool']) {
    const current = (await call(url, 'GET', `/api/admin/campaigns/${campaign}`, admin)) as {
      campaign: { scope: { products: string[]; categories: string[] } | null };
    };
    const scope = current.campaign.scope;
    if (scope !== null) {
      await call(url, 'PUT', `/api/admin/campaigns/${campaign}`, admin, {
        scope: { products: [...scope.products, product.product.id], categories: scope.categories },
      });
    }
  }
  return product.product.skus[0]?.id ?? '';
}

/** One checkout round: `concurrency` fresh shoppers (registered for this round), a warm-up order each, then `count`. */
async function checkoutRound(
  server: Target,
  skuId: string,
  count: number,
  concurrency: number,
  round: number,
): Promise<CheckoutFigures> {
  const url = server.url;
  const tokens: string[] = [];
  for (let i = 0; i < concurrency; i += 1) {
    // 13 + round digit + 7 digits: unique per round and shopper, whatever the clock says.
    const phone = `13${round}${String(Date.now() % 100_000).padStart(5, '0')}${String(i).padStart(3, '0')}`.slice(
      0,
      11,
    );
    tokens.push(
      (await call(url, 'POST', '/api/shop/register', undefined, { phone, password: 'bench123' })).token as string,
    );
  }
  let next = 0;
  const latencies: number[] = [];
  const target = new URL(url);
  // The checkout loop's own client: one bare keep-alive socket per shopper, requests written as prepared text.
  const connections = tokens.map(() => new RawConnection(target.hostname, Number(target.port)));
  const json = 'content-type: application/json\r\n';
  const orderBody = JSON.stringify({ items: [{ skuId, quantity: 1 }], address: ADDRESS });
  const payBody = JSON.stringify({ channel: 'sandbox' });
  const expect = (answer: RawAnswer, what: string): Record<string, unknown> => {
    if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${answer.body}`);
    return JSON.parse(answer.body) as Record<string, unknown>;
  };
  const one = async (i: number, measured: boolean): Promise<void> => {
    const connection = connections[i]!;
    const auth = `authorization: Bearer ${tokens[i]}\r\n`;
    const started = performance.now();
    const created = expect(
      await connection.request(
        'POST',
        '/api/shop/orders',
        `${auth}${json}idempotency-key: ${newId('evt')}\r\n`,
        orderBody,
      ),
      'create order',
    ) as { order: { id: string } };
    const pay = expect(
      await connection.request('POST', `/api/shop/orders/${created.order.id}/pay`, `${auth}${json}`, payBody),
      'pay',
    ) as { payment: { id: string } };
    expect(await connection.request('POST', `/api/sandbox/payments/${pay.payment.id}/succeed`, ''), 'notify');
    if (measured) latencies.push(performance.now() - started);
  };
  // Warm-up: JIT, statement caches, connection pools.
  await Promise.all(tokens.map((_, i) => one(i, false)));
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const serverCpuBefore = server.cpuMs();
  const dbCpuBefore = await databaseCpu(server.store);
  await Promise.all(
    tokens.map(async (_, i) => {
      while (next < count) {
        next += 1;
        await one(i, true);
      }
    }),
  );
  for (const connection of connections) connection.close();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpu = server.cpuMs() - serverCpuBefore;
  const dbCpuMs = databaseCpuMsBetween(dbCpuBefore, await databaseCpu(server.store));
  latencies.sort((a, b) => a - b);
  return {
    cpuMsPerCheckout: (cpu.user + cpu.system) / 1000 / count,
    serverCpuMsPerCheckout: serverCpu / count,
    dbCpuMsPerCheckout: dbCpuMs === undefined ? undefined : dbCpuMs / count,
    checkouts: count,
    checkoutSeconds: seconds,
    checkoutPerSecond: count / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

const spread = (values: number[], digits: number): string =>
  [...values]
    .sort((a, b) => a - b)
    .filter((_, i, all) => i === 0 || i === (all.length - 1) >> 1 || i === all.length - 1)
    .map((v) => v.toFixed(digits))
    .join(' / ');

/**
 * `--rounds` checkout rounds on one server, fresh shoppers each (issue 14 part 7: a spread, not one run). The
 * figures reported are the median round's (by checkouts/s); the rounds columns list min / median / max.
 */
async function checkout(
  server: Target,
  count: number,
  concurrency: number,
): Promise<CheckoutFigures & Pick<Result, 'checkoutRounds' | 'serverCpuRounds'>> {
  const skuId = await benchSku(server.url);
  const rounds: CheckoutFigures[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    rounds.push(await checkoutRound(server, skuId, count, concurrency, round));
    const r = rounds[rounds.length - 1]!;
    process.stderr.write(
      `  round ${round + 1}: ${r.checkoutPerSecond.toFixed(0)} checkouts/s, server CPU ${r.serverCpuMsPerCheckout.toFixed(2)} ms\n`,
    );
  }
  const byRate = [...rounds].sort((a, b) => a.checkoutPerSecond - b.checkoutPerSecond);
  const median = byRate[(byRate.length - 1) >> 1]!;
  const cpus = rounds.map((r) => r.serverCpuMsPerCheckout).sort((a, b) => a - b);
  return {
    ...median,
    serverCpuMsPerCheckout: cpus[(cpus.length - 1) >> 1] ?? 0,
    checkouts: count * rounds.length,
    checkoutSeconds: rounds.reduce((sum, r) => sum + r.checkoutSeconds, 0),
    checkoutRounds: spread(
      rounds.map((r) => r.checkoutPerSecond),
      0,
    ),
    serverCpuRounds: spread(
      rounds.map((r) => r.serverCpuMsPerCheckout),
      2,
    ),
  };
}

/** Writes n received gift-pack orders (buyers in a fan-out-3 referral tree, money in escrow) straight into the database. */
async function seedReceivedOrders(server: Target, n: number, round: number): Promise<void> {
  const db = server.store.db;
  const product = await db
    .selectFrom('products')
    .select(['id', 'category_id'])
    .where('title', '=', '消费商礼包')
    .executeTakeFirstOrThrow();
  const sku = await db
    .selectFrom('skus')
    .select(['id', 'name'])
    .where('product_id', '=', product.id)
    .executeTakeFirstOrThrow();
  const receivedAt = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const userIds: string[] = [];
  const chunk = 1000;
  for (let from = 0; from < n; from += chunk) {
    await inTx(db, async (trx) => {
      const users = [];
      const orders = [];
      const items = [];
      const transfers: TransferInput[] = [];
      for (let i = from; i < Math.min(n, from + chunk); i += 1) {
        const id = newId('usr');
        userIds.push(id);
        const referrer = i === 0 ? null : (userIds[(i - 1 - ((i - 1) % 3)) / 3] ?? null);
        users.push({
          id,
          phone: `15${round}${String(i).padStart(8, '0')}`,
          password_hash: null,
          invite_code: `B${round}_${i}`,
          referrer_id: referrer,
          created_at: receivedAt,
        });
        const orderId = newId('ord');
        orders.push({
          id: orderId,
          user_id: id,
          status: 'received',
          amount_fen: 100_000n,
          address: JSON.stringify(ADDRESS),
          idempotency_key: orderId,
          request_hash: '-',
          created_at: receivedAt,
          expires_at: receivedAt,
          paid_at: receivedAt,
          shipped_at: receivedAt,
          received_at: receivedAt,
          settled_at: null,
          carrier: 'SF',
          tracking_no: '1',
          payment_id: null,
          refund_status: null,
          refund_reason: null,
          refund_from: null,
        });
        items.push({
          order_id: orderId,
          line: 0n,
          sku_id: sku.id,
          product_id: product.id,
          title: '消费商礼包',
          sku_name: sku.name,
          price_fen: 100_000n,
          quantity: 1n,
          // Settlement reads each line at what was paid for it, and the category frozen at order time.
          category_id: product.category_id,
          paid_fen: 100_000n,
          unit_price_fen: 100_000n,
        });
        transfers.push({
          id: `payment:bench:${orderId}`,
          from: 'gateway:sandbox',
          to: 'platform:escrow',
          amountFen: 100_000n,
          reason: 'payment',
          orderId,
          userId: id,
        });
      }
      for (let i = 0; i < users.length; i += 200)
        await trx
          .insertInto('users')
          .values(users.slice(i, i + 200))
          .execute();
      for (let i = 0; i < orders.length; i += 100)
        await trx
          .insertInto('orders')
          .values(orders.slice(i, i + 100))
          .execute();
      for (let i = 0; i < items.length; i += 200)
        await trx
          .insertInto('order_items')
          .values(items.slice(i, i + 200))
          .execute();
      await postCreditsBulk(trx, transfers, receivedAt);
    });
  }
}

async function settle(
  server: Target,
  n: number,
): Promise<
  Pick<
    Result,
    | 'settled'
    | 'settleSeconds'
    | 'settlePerSecond'
    | 'settleRounds'
    | 'settleServerCpuMs'
    | 'settleDbCpuMs'
    | 'auditSeconds'
    | 'auditOk'
  >
> {
  const url = server.url;
  const admin = (await call(url, 'POST', '/api/admin/login', undefined, { username: 'admin', password: PASSWORD }))
    .token as string;
  // Settle whatever checkout left behind first, so only the seeded orders are timed.
  await call(url, 'PUT', '/api/admin/settings', admin, { afterSalesDays: 7 });
  await call(url, 'POST', '/api/admin/settlement/run', admin);
  // Several rounds on a shared machine: the median is the number reported, every round is listed.
  const rounds: { rate: number; serverCpuMs: number; dbCpuMs: number | undefined }[] = [];
  let settled = 0;
  let seconds = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    await seedReceivedOrders(server, n, round);
    const serverCpuBefore = server.cpuMs();
    const dbCpuBefore = await databaseCpu(server.store);
    const started = performance.now();
    const answer = (await call(url, 'POST', '/api/admin/settlement/run', admin)) as { settled: number };
    const elapsed = (performance.now() - started) / 1000;
    const dbCpuMs = databaseCpuMsBetween(dbCpuBefore, await databaseCpu(server.store));
    const perOrder = (ms: number): number => ms / Math.max(1, answer.settled);
    rounds.push({
      rate: answer.settled / elapsed,
      serverCpuMs: perOrder(server.cpuMs() - serverCpuBefore),
      dbCpuMs: dbCpuMs === undefined ? undefined : perOrder(dbCpuMs),
    });
    settled += answer.settled;
    seconds += elapsed;
    process.stderr.write(
      `  settle round ${round + 1}: ${rounds.at(-1)?.rate.toFixed(0)} orders/s, server ${rounds.at(-1)?.serverCpuMs.toFixed(3)} ms/order, database ${rounds.at(-1)?.dbCpuMs?.toFixed(3) ?? '-'} ms/order\n`,
    );
  }
  rounds.sort((a, b) => a.rate - b.rate);
  const rates = rounds.map((r) => r.rate);
  const median = rounds[(rounds.length - 1) >> 1];
  const auditStarted = performance.now();
  const audit = (await call(url, 'GET', '/api/admin/audit', admin)) as { ok: boolean; differences: unknown[] };
  const auditSeconds = (performance.now() - auditStarted) / 1000;
  if (!audit.ok) process.stderr.write(`audit differences: ${JSON.stringify(audit.differences.slice(0, 5))}\n`);
  return {
    settled,
    settleSeconds: seconds,
    settlePerSecond: rates[(rates.length - 1) >> 1] ?? 0,
    settleRounds: rates.map((r) => r.toFixed(0)).join(' / '),
    settleServerCpuMs: median?.serverCpuMs ?? 0,
    settleDbCpuMs: median?.dbCpuMs,
    auditSeconds,
    auditOk: audit.ok,
  };
}

/**
 * Where the server's memory is after the checkout rounds (issue 14: RSS under 250 MiB), from its own /metrics (loopback
 * may scrape outside production): resident set, V8 heap (used / total, the young generation apart), memory outside
 * the heap (Buffers, SQLite's page cache and statements count as RSS but not here).
 */
async function memorySplit(url: string): Promise<string> {
  const text = await new Promise<string>((resolve, reject) => {
    http
      .get(`${url}/metrics`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
  const mib = (pattern: RegExp): string => {
    const value = pattern.exec(text)?.[1];
    return value === undefined ? '?' : (Number(value) / 1_048_576).toFixed(0);
  };
  return [
    `rss ${mib(/^process_resident_memory_bytes (\S+)/m)}`,
    `heap used ${mib(/^nodejs_heap_size_used_bytes (\S+)/m)} of ${mib(/^nodejs_heap_size_total_bytes (\S+)/m)}`,
    `new space ${mib(/^nodejs_heap_space_size_total_bytes\{space="new"\} (\S+)/m)}`,
    `old space ${mib(/^nodejs_heap_space_size_total_bytes\{space="old"\} (\S+)/m)}`,
    `code ${mib(/^nodejs_heap_space_size_total_bytes\{space="code"\} (\S+)/m)}`,
    `external ${mib(/^nodejs_external_memory_bytes (\S+)/m)} MiB`,
  ].join(', ');
}

async function runOn(label: string, databaseUrl: string): Promise<Result> {
  const server = await launch(databaseUrl);
  try {
    process.stderr.write(`${label}: checkout x${CHECKOUTS} at concurrency ${CONCURRENCY} ...\n`);
    const c = await checkout(server, CHECKOUTS, CONCURRENCY);
    const checkoutPeakRssMiB = server.peakRssMiB();
    if (WORKERS === 1)
      process.stderr.write(`${label}: memory after checkout: ${await memorySplit(server.url)}; ${server.rssSplit()}\n`);
    process.stderr.write(`${label}: ${c.checkoutPerSecond.toFixed(0)} checkouts/s; settling ${SETTLE} orders ...\n`);
    const s = await settle(server, SETTLE);
    process.stderr.write(
      `${label}: ${s.settlePerSecond.toFixed(0)} orders/s settled, audit ${s.auditOk ? 'clean' : 'DIFFERENCES'}\n`,
    );
    return { database: label, ...c, ...s, checkoutPeakRssMiB, peakRssMiB: server.peakRssMiB() };
  } finally {
    await server.close();
  }
}

function machine(): string {
  const cpu = existsSync('/proc/cpuinfo')
    ? (/model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown')
    : (cpus()[0]?.model ?? 'unknown');
  let nproc = String(cpus().length);
  try {
    nproc = execSync('nproc').toString().trim();
  } catch {
    // nproc missing: the os module's count stands
  }
  return `${nproc} × ${cpu.trim()}, Node ${process.version}, load average ${START_LOAD} at the start (shared machine)`;
}

function table(results: Result[]): string {
  const f0 = (x: number): string => x.toFixed(0);
  const f1 = (x: number): string => x.toFixed(1);
  const f2 = (x: number): string => x.toFixed(2);
  const lines = [
    `Machine: ${machine()}. Command: \`npm run bench:server -- --checkout ${CHECKOUTS} --concurrency ${CONCURRENCY} --settle ${SETTLE} --rounds ${ROUNDS}${WORKERS > 1 ? ` --workers ${WORKERS}` : ''}\`${process.env.BENCH_DATABASE_URL ? ' with `BENCH_DATABASE_URL` set' : ''}. Run ${new Date().toISOString().slice(0, 16)}Z.`,
    '',
    'Checkout = `POST /api/shop/orders` + `POST /api/shop/orders/{id}/pay` (sandbox) + `POST /api/sandbox/payments/{id}/succeed` (which signs and posts the gateway notification to the notify endpoint): three HTTP requests and three durable transactions per order, over loopback, by concurrent shoppers, in `--rounds` rounds of `--checkout` orders on one server with fresh shoppers each round (checkout/s, latencies and client CPU come from the median round; the rounds columns list min / median / max); the server runs as its own process (`mall start`), the load generator (bare keep-alive sockets, `bench/raw-http.ts`) in the benchmark process; both share the 2 cores. Settlement = one `POST /api/admin/settlement/run` per round over freshly seeded received 1000-yuan gift-pack orders (fan-out-3 referral tree, both seed plans), batches of 1,000 orders per transaction on SQLite and 5,000 on PostgreSQL, writing ledger transfers, positions, pool state, referral progress, transitions and the event log; settle CPU per order is the server process and, on PostgreSQL, the backends of the database (from /proc), in the median round. SQLite runs with WAL, commits with `synchronous=NORMAL` and fdatasyncs the WAL in the thread pool before any caller is answered (answered means on disk). The server runs with ' +
      `\`MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '2'}\` (2 unless MALLOC_ARENA_MAX is set: packages/server/README.md's recommendation).`,
    '',
    '| database | checkouts | checkout/s (median) | checkout/s rounds | p50 ms | p99 ms | server CPU ms/checkout (median) | server CPU rounds | database CPU ms/checkout | client CPU ms/checkout | settled orders | settle s | settled orders/s (median) | rounds | settle CPU ms/order: server + database (median round) | audit s | audit | server peak RSS MiB: checkout / whole run |',
    '|---|---:|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---|---:|',
    ...results.map(
      (r) =>
        `| ${r.database} | ${r.checkouts} | ${f0(r.checkoutPerSecond)} | ${r.checkoutRounds} | ${f1(r.p50Ms)} | ${f1(r.p99Ms)} | ${f2(r.serverCpuMsPerCheckout)} | ${r.serverCpuRounds} | ${r.dbCpuMsPerCheckout === undefined ? '-' : f2(r.dbCpuMsPerCheckout)} | ${f2(r.cpuMsPerCheckout)} | ${r.settled} | ${f2(r.settleSeconds)} | ${f0(r.settlePerSecond)} | ${r.settleRounds} | ${r.settleServerCpuMs.toFixed(3)} + ${r.settleDbCpuMs === undefined ? '-' : r.settleDbCpuMs.toFixed(3)} | ${f2(r.auditSeconds)} | ${r.auditOk ? 'clean' : 'differences'} | ${f0(r.checkoutPeakRssMiB)} / ${f0(r.peakRssMiB)} |`,
    ),
    '',
    'Targets: settlement >= 5,000 orders/s on SQLite; checkout >= 1,500 orders/s; server RSS under the checkout load < 250 MiB (the whole run adds settlement, whose engine holds every member).',
  ];
  return lines.join('\n');
}

function writeSection(text: string): void {
  const file = join(import.meta.dirname ?? '.', '..', 'docs', 'benchmarks.md');
  const start = '<!-- bench:server:start -->';
  const end = '<!-- bench:server:end -->';
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  if (!doc.includes(start) || !doc.includes(end))
    doc = `${doc.replace(/\n*$/, '\n')}\n## Mall server\n\n${start}\n${end}\n`;
  const before = doc.slice(0, doc.indexOf(start) + start.length);
  const after = doc.slice(doc.indexOf(end));
  writeFileSync(file, `${before}\n${text}\n${after}`);
}

async function main(): Promise<void> {
  const results: Result[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'mall-bench-'));
  try {
    if (WORKERS === 1 && !values['skip-sqlite']) results.push(await runOn('SQLite', `sqlite:${join(dir, 'bench.db')}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl = process.env.BENCH_DATABASE_URL;
  if (pgUrl !== undefined && pgUrl !== '') {
    const schema = `bench_${Date.now().toString(36)}`;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`create schema ${schema}`);
    try {
      results.push(
        await runOn(
          WORKERS === 1 ? 'PostgreSQL' : `PostgreSQL, ${WORKERS} processes`,
          `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}&application_name=${schema}`,
        ),
      );
    } finally {
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    }
  }
  const text = table(results);
  process.stdout.write(`${text}\n`);
  if (!values['no-write']) writeSection(text);
}

await main();
