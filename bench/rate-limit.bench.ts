/**
 * What the shared sign-in rate limit costs (not a test): one counted request is one upsert into `rate_limits`
 * (platform/rate-limit-store.ts). Times N sequential counts against a plain `select 1` round trip on the same pool,
 * on SQLite and, with BENCH_DATABASE_URL, on PostgreSQL (a scratch schema, dropped afterwards).
 * Usage: npm run bench:rate-limit [-- --count 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openStore } from '../packages/server/src/platform/db/database';
import { countHit } from '../packages/server/src/platform/rate-limit-store';

const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' } } });
const COUNT = Math.min(Math.max(Number(values.count), 100), 100_000);

async function timeEach(fn: (i: number) => Promise<unknown>): Promise<{ median: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < COUNT; i += 1) {
    const started = process.hrtime.bigint();
    await fn(i);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[samples.length >> 1] ?? 0, p99: samples[Math.floor(samples.length * 0.99)] ?? 0 };
}

async function measure(label: string, url: string): Promise<string> {
  const store = openStore(url);
  try {
    await migrateToLatest(store.db, store.schema);
    const now = Date.now();
    // 50 addresses, so most counts update an existing window, as under a real burst.
    const upsert = await timeEach((i) => countHit(store.db, `POST /api/shop/login 10.0.0.${i % 50}`, 60_000, now));
    const ping = await timeEach(() => sql`select 1`.execute(store.db));
    return `| ${label} | ${upsert.median.toFixed(3)} | ${upsert.p99.toFixed(3)} | ${ping.median.toFixed(3)} | ${ping.p99.toFixed(3)} |`;
  } finally {
    await store.close();
  }
}

const rows: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'mall-rl-bench-'));
try {
  rows.push(
    await measure('SQLite (the server keeps the in-memory store here; for scale)', `sqlite:${join(dir, 'rl.db')}`),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const pgUrl = process.env.BENCH_DATABASE_URL;
if (pgUrl !== undefined && pgUrl !== '') {
  const schema = `rl_bench_${Date.now().toString(36)}`;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(`create schema ${schema}`);
  try {
    rows.push(await measure('PostgreSQL', `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`));
  } finally {
    await client.query(`drop schema ${schema} cascade`);
    await client.end();
  }
}
process.stdout.write(
  [
    `${COUNT} sequential calls each, load average ${(loadavg()[0] ?? 0).toFixed(1)}, Node ${process.version}.`,
    '',
    '| database | rate-limit count ms (median) | p99 | `select 1` ms (median) | p99 |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n'),
);
