/**
 * What one PostgreSQL round trip costs on this machine, client and backend CPU apart (issue 14: the table that
 * explains the database CPU per checkout). One connection, N times each: `select 1`; `begin` + `commit`; `begin`
 * written with the next statement in one socket write (pipelined, as the server now sends it) against `begin`
 * on its own; a named one-row select. The list runs twice (the spread on a shared machine). CPU from /proc: this process (the client side, pg's JavaScript and the socket
 * syscalls) and the backend serving the connection.
 * Usage: npx tsx bench/pg-round-trips.ts --database-url postgres://... [--n 20000]
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({
  options: { 'database-url': { type: 'string' }, n: { type: 'string', default: '20000' } },
});
const url = values['database-url'] ?? process.env.BENCH_DATABASE_URL;
if (url === undefined) {
  process.stderr.write('pg-round-trips: --database-url (or BENCH_DATABASE_URL) is required\n');
  process.exit(2);
}
const N = Math.max(100, Number(values.n));
const TICK_MS = 1000 / Number(execSync('getconf CLK_TCK').toString().trim() || '100');

function cpuMs(pid: number | 'self'): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

const client = new pg.Client({ connectionString: url, pipeline: true });
await client.connect();
const backend = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
const stream = (client as unknown as { connection: { stream: Writable } }).connection.stream;

async function measure(label: string, trips: number, once: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i += 1) await once();
  const client0 = cpuMs('self');
  const backend0 = cpuMs(backend);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i += 1) await once();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = (cpuMs('self') - client0) / N;
  const b = (cpuMs(backend) - backend0) / N;
  process.stdout.write(
    `| ${label} | ${trips} | ${(wall / N).toFixed(3)} | ${(c * 1000).toFixed(0)} | ${(b * 1000).toFixed(0)} |\n`,
  );
}

process.stdout.write(
  `${N} times each on one connection, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}\n\n`,
);
process.stdout.write(
  '| what | round trips | wall ms each | client CPU µs each | backend CPU µs each |\n|---|---:|---:|---:|---:|\n',
);
// Twice over, alternating, so a change in the machine's load shows as a difference between the two passes.
for (let pass = 0; pass < 2; pass += 1) {
  await measure('`select 1`', 1, () => client.query('select 1'));
  await measure('`select 1` as a named statement', 1, () =>
    client.query({ name: 'one', text: 'select $1::int', values: [1] }),
  );
  await measure('`begin`, `commit`', 2, async () => {
    await client.query('begin');
    await client.query('commit');
  });
  await measure('`begin`, `select 1`, `commit`', 3, async () => {
    await client.query('begin');
    await client.query({ name: 'one', text: 'select $1::int', values: [1] });
    await client.query('commit');
  });
  await measure('`begin` + `select 1` in one write, `commit`', 2, async () => {
    stream.cork();
    const begun = client.query('begin');
    const selected = client.query({ name: 'one', text: 'select $1::int', values: [1] });
    stream.uncork();
    await Promise.all([begun, selected]);
    await client.query('commit');
  });
}
await client.end();
