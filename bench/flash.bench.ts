/**
 * Flash-sale benchmark (not a test), loopback only and bounded: N shoppers (default 10,000) try at once to buy one
 * unit each of a flash sale of 100 units; every winner pays through the sandbox gateway at once. Meanwhile a few
 * readers load a product page, to show the rest of the mall still answering during the rush. Counts every answer by
 * status and code (a 5xx or a dropped connection is a failure), checks the durable truth afterwards (the sale's sold
 * count, the paid flash orders, nothing left reserved), on SQLite and, with BENCH_DATABASE_URL, on PostgreSQL.
 * Usage: npm run bench:flash [-- --shoppers 10000 --units 100 --sockets 512 --runs 3 --no-write]
 * Each database runs `--runs` times (a fresh server and database each time) so the table shows the spread.
 * Writes its table into docs/benchmarks.md between the bench:flash markers (creates them at the end if missing).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { newId, randomToken } from '../packages/server/src/platform/ids';
import { sha256 } from '../packages/server/src/platform/passwords';
import { inTx, openStore, type Store } from '../packages/server/src/platform/db/database';

const { values } = parseArgs({
  options: {
    shoppers: { type: 'string', default: '10000' },
    units: { type: 'string', default: '100' },
    sockets: { type: 'string', default: '512' },
    readers: { type: 'string', default: '4' },
    runs: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
  },
});
const SHOPPERS = Math.min(Math.max(1, Number(values.shoppers)), 50_000);
const UNITS = Math.min(Math.max(1, Number(values.units)), 10_000);
const SOCKETS = Math.min(Math.max(1, Number(values.sockets)), 2_000);
const READERS = Math.min(Math.max(1, Number(values.readers)), 32);
const RUNS = Math.min(Math.max(1, Number(values.runs)), 9);
const PASSWORD = 'bench-password';
const START_LOAD = (loadavg()[0] ?? 0).toFixed(1);
const ADDRESS = { name: '秒杀', phone: '13800000000', region: ['浙江省', '杭州市', '西湖区'], detail: '1 号' };

const agent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS });
// The page readers have their own sockets: behind the rush's client queue they would measure the client, not the mall.
const readerAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A lean keep-alive JSON client; a transport error answers status 0 (counted as a failure, never thrown). */
function call(
  url: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers = {},
  via: http.Agent = agent,
): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const target = new URL(path, url);
  return new Promise((resolve) => {
    const request = http.request(
      {
        agent: via,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
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
          let parsed: Record<string, unknown> = {};
          try {
            parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
          } catch {
            parsed = { text };
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
      },
    );
    request.on('error', (error) => resolve({ status: 0, body: { error: { code: String(error) } } }));
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

const MALL_BIN = join(import.meta.dirname ?? '.', '..', 'packages', 'server', 'bin', 'mall.js');

async function launch(databaseUrl: string): Promise<{ url: string; store: Store; close(): Promise<void> }> {
  const child = spawn(process.execPath, [MALL_BIN, 'start'], {
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
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mall start did not come up:\n${output}`)), 120_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const port = /storefront\s+http:\/\/localhost:(\d+)\//.exec(output);
      if (port && output.includes('admin login')) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${port[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`mall start exited ${code}:\n${output}`)));
  });
  const store = openStore(databaseUrl);
  return {
    url,
    store,
    close: async () => {
      await store.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Shoppers and their sessions written straight into the database: registering 10^4 through scrypt takes minutes. */
async function seedShoppers(store: Store, n: number): Promise<string[]> {
  const tokens: string[] = [];
  const now = new Date().toISOString();
  const expires = new Date(Date.now() + 86_400_000).toISOString();
  for (let i = 0; i < n; i += 500) {
    const users: {
      id: string;
      phone: string;
      password_hash: null;
      invite_code: string;
      referrer_id: null;
      created_at: string;
    }[] = [];
    const sessions: { token_hash: string; kind: string; subject_id: string; expires_at: string; created_at: string }[] =
      [];
    for (let k = i; k < Math.min(n, i + 500); k += 1) {
      const id = newId('usr');
      const token = randomToken();
      tokens.push(token);
      users.push({
        id,
        phone: `17${String(k).padStart(9, '0')}`,
        password_hash: null,
        invite_code: `F${k.toString(36).toUpperCase()}`,
        referrer_id: null,
        created_at: now,
      });
      sessions.push({ token_hash: sha256(token), kind: 'shop', subject_id: id, expires_at: expires, created_at: now });
    }
    await inTx(store.db, async (trx) => {
      await trx.insertInto('users').values(users).execute();
      await trx.insertInto('sessions').values(sessions).execute();
    });
  }
  return tokens;
}

interface Result {
  database: string;
  run: number;
  shoppers: number;
  units: number;
  created: number;
  paid: number;
  soldOut: number;
  otherRefusals: string;
  failures: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  pageIdleP99Ms: number;
  pageRushP50Ms: number;
  pageRushP99Ms: number;
  pageReads: number;
  durable: string;
}

async function readPages(url: string, path: string, until: () => boolean, latencies: number[]): Promise<void> {
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      while (!until()) {
        const started = performance.now();
        const answer = await call(url, 'GET', path, undefined, undefined, {}, readerAgent);
        if (answer.status !== 200) throw new Error(`product page answered ${answer.status}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
}

async function runOn(database: string, run: number, databaseUrl: string): Promise<Result> {
  const server = await launch(databaseUrl);
  try {
    const url = server.url;
    const admin = (await call(url, 'POST', '/api/admin/login', undefined, { username: 'admin', password: PASSWORD }))
      .body.token as string;
    const made = await call(url, 'POST', '/api/admin/products', admin, {
      title: '秒杀压测',
      skus: [{ name: '默认', priceFen: 9900, costFen: 1000, stock: UNITS * 2 }],
    });
    const skuId = (made.body.product as { skus: { id: string }[] }).skus[0]?.id ?? '';
    const sale = await call(url, 'POST', '/api/admin/flash-sales', admin, {
      skuId,
      priceFen: 990,
      quantity: UNITS,
      perUserLimit: 1,
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const saleId = (sale.body.flashSale as { id: string }).id;
    const page = `/api/shop/products/${(made.body.product as { id: string }).id}`;
    const tokens = await seedShoppers(server.store, SHOPPERS);

    const idle: number[] = [];
    const idleUntil = performance.now() + 2000;
    await readPages(url, page, () => performance.now() > idleUntil, idle);

    const codes = new Map<string, number>();
    const latencies: number[] = [];
    let created = 0;
    let paid = 0;
    let failures = 0;
    let rushing = true;
    const reads: number[] = [];
    const reader = readPages(url, page, () => !rushing, reads);
    const started = performance.now();
    await Promise.all(
      tokens.map(async (token) => {
        const t0 = performance.now();
        const answer = await call(
          url,
          'POST',
          '/api/shop/orders',
          token,
          { items: [{ skuId, quantity: 1, flashSaleId: saleId }], address: ADDRESS },
          { 'idempotency-key': newId('evt') },
        );
        latencies.push(performance.now() - t0);
        if (answer.status === 0 || answer.status >= 500) {
          failures += 1;
          return;
        }
        if (answer.status !== 201) {
          const code = (answer.body.error as { code?: string } | undefined)?.code ?? String(answer.status);
          codes.set(code, (codes.get(code) ?? 0) + 1);
          return;
        }
        created += 1;
        const orderId = (answer.body.order as { id: string }).id;
        const pay = await call(url, 'POST', `/api/shop/orders/${orderId}/pay`, token, { channel: 'sandbox' });
        const paymentId = (pay.body.payment as { id?: string } | undefined)?.id;
        const ok =
          paymentId === undefined ? pay : await call(url, 'POST', `/api/sandbox/payments/${paymentId}/succeed`);
        if (pay.status === 200 && ok.status === 200) paid += 1;
        else failures += 1;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    rushing = false;
    await reader;

    const row = await server.store.db
      .selectFrom('flash_sales')
      .select(['sold', 'reserved'])
      .where('id', '=', saleId)
      .executeTakeFirstOrThrow();
    const paidOrders = await server.store.db
      .selectFrom('orders')
      .innerJoin('order_items', 'order_items.order_id', 'orders.id')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .where('order_items.flash_sale_id', '=', saleId)
      .where('orders.status', '=', 'paid')
      .executeTakeFirstOrThrow();
    latencies.sort((a, b) => a - b);
    idle.sort((a, b) => a - b);
    reads.sort((a, b) => a - b);
    const soldOut = codes.get('flash_sold_out') ?? 0;
    codes.delete('flash_sold_out');
    return {
      database,
      run,
      shoppers: SHOPPERS,
      units: UNITS,
      created,
      paid,
      soldOut,
      otherRefusals: [...codes].map(([c, n]) => `${c} ${n}`).join(', ') || 'none',
      failures,
      seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      pageIdleP99Ms: percentile(idle, 99),
      pageRushP50Ms: percentile(reads, 50),
      pageRushP99Ms: percentile(reads, 99),
      pageReads: reads.length,
      durable: `sold ${row.sold}, reserved ${row.reserved}, paid orders ${BigInt(paidOrders.n)}`,
    };
  } finally {
    await server.close();
  }
}

/** min / median / max of one figure over a database's runs. */
function spread(results: Result[], pick: (r: Result) => number, digits: number): string {
  const sorted = results.map(pick).sort((a, b) => a - b);
  const at = (i: number) => (sorted[i] ?? 0).toFixed(digits);
  return `${at(0)} / ${at(Math.floor((sorted.length - 1) / 2))} / ${at(sorted.length - 1)}`;
}

function table(results: Result[]): string {
  const f1 = (n: number) => n.toFixed(1);
  const databases = [...new Set(results.map((r) => r.database))];
  return [
    `Machine: ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'CPU'}, Node ${process.version}, load average ${START_LOAD} at the start (shared machine). Command: \`npm run bench:flash -- --shoppers ${SHOPPERS} --units ${UNITS} --sockets ${SOCKETS} --readers ${READERS} --runs ${RUNS}\`${databases.includes('PostgreSQL') ? ' with `BENCH_DATABASE_URL` set' : ''}. Run ${new Date().toISOString().slice(0, 16)}Z.`,
    '',
    `${SHOPPERS} signed-in shoppers (written to the database beforehand) each send one \`POST /api/shop/orders\` for 1 unit of a running flash sale of ${UNITS} units (per-user limit 1), all at once from one process over loopback (keep-alive, at most ${SOCKETS} sockets open; the rest wait in the client, and their wait counts in the latency). Every 201 pays at once (\`/pay\` sandbox + the signed notification). ${READERS} readers load a product page (\`GET /api/shop/products/{id}\`) in a loop, 2 s before the rush (idle) and during it. The server is its own process (\`mall start\`); both share the 2 cores.`,
    '',
    '| database | run | shoppers | units | orders created | paid | sold out (409) | other refusals | 5xx / dropped | rush s | order p50 ms | order p99 ms | page p99 idle ms | page p50 / p99 under rush ms (reads) | durable after |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|',
    ...results.map(
      (r) =>
        `| ${r.database} | ${r.run} | ${r.shoppers} | ${r.units} | ${r.created} | ${r.paid} | ${r.soldOut} | ${r.otherRefusals} | ${r.failures} | ${r.seconds.toFixed(2)} | ${f1(r.p50Ms)} | ${f1(r.p99Ms)} | ${f1(r.pageIdleP99Ms)} | ${f1(r.pageRushP50Ms)} / ${f1(r.pageRushP99Ms)} (${r.pageReads}) | ${r.durable} |`,
    ),
    '',
    'Spread over the runs (min / median / max):',
    '',
    '| database | runs | rush s | order p99 ms | page p99 under rush ms |',
    '|---|---:|---|---|---|',
    ...databases.map((database) => {
      const mine = results.filter((r) => r.database === database);
      return `| ${database} | ${mine.length} | ${spread(mine, (r) => r.seconds, 2)} | ${spread(mine, (r) => r.p99Ms, 1)} | ${spread(mine, (r) => r.pageRushP99Ms, 1)} |`;
    }),
  ].join('\n');
}

function writeSection(text: string): void {
  const file = join(import.meta.dirname ?? '.', '..', 'docs', 'benchmarks.md');
  const start = '<!-- bench:flash:start -->';
  const end = '<!-- bench:flash:end -->';
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  if (!doc.includes(start) || !doc.includes(end))
    doc = `${doc.replace(/\n*$/, '\n')}\n## Flash sale rush (秒杀)\n\n${start}\n${end}\n`;
  const before = doc.slice(0, doc.indexOf(start) + start.length);
  const after = doc.slice(doc.indexOf(end));
  writeFileSync(file, `${before}\n${text}\n${after}`);
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (let run = 1; run <= RUNS; run += 1) {
    const dir = mkdtempSync(join(tmpdir(), 'mall-flash-'));
    try {
      results.push(await runOn('SQLite', run, `sqlite:${join(dir, 'bench.db')}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const pgUrl = process.env.BENCH_DATABASE_URL;
  if (pgUrl !== undefined && pgUrl !== '') {
    for (let run = 1; run <= RUNS; run += 1) {
      const schema = `flash_${Date.now().toString(36)}`;
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`create schema ${schema}`);
      try {
        results.push(await runOn('PostgreSQL', run, `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`));
      } finally {
        await client.query(`drop schema ${schema} cascade`);
        await client.end();
      }
    }
  }
  const text = table(results);
  process.stdout.write(`${text}\n`);
  if (!values['no-write']) writeSection(text);
  const bad = results.filter((r) => r.paid !== Math.min(r.units, r.shoppers) || r.failures > 0);
  if (bad.length > 0) process.exitCode = 1;
}

await main();
