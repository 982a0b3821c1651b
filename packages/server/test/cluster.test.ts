import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './helpers';
import { MALL, leaderPid, startMall, type MallProcess } from './processes';

/** `mall start --workers N`: N servers behind one port (node:cluster), on PostgreSQL only. */
const PASSWORD = 'cluster-test-pw';

function workerPids(primary: number): number[] {
  const text = readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

/** CPU ticks a process has used (user + system), from /proc. */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('mall start --workers on SQLite', () => {
  it('refuses more than one process on one SQLite file, and a worker count that is not a number, with exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mall-cluster-'));
    try {
      const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'mall.db')}`, MALL_SKIP_WEB_BUILD: '1' };
      const two = spawnSync(process.execPath, [MALL, 'start', '--workers', '2'], { env, encoding: 'utf8' });
      expect(two.status).toBe(2);
      expect(two.stderr).toMatch(/--workers 2 needs PostgreSQL/);
      expect(two.stderr).toMatch(/SQLite/);
      for (const bad of ['0', 'two', '1.5', '65']) {
        const answer = spawnSync(process.execPath, [MALL, 'start', '--workers', bad], { env, encoding: 'utf8' });
        expect(answer.status, bad).toBe(2);
        expect(answer.stderr).toMatch(/--workers must be a whole number from 1 to 64/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

if (backends().some((b) => b.name === 'postgres')) {
  const baseUrl = process.env.TEST_DATABASE_URL ?? '';
  describe('mall start --workers 2 on PostgreSQL', () => {
    const schema = `t_cl_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
    let primary: MallProcess;

    beforeAll(async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`create schema ${schema}`);
      await client.end();
      primary = await startMall(
        {
          DATABASE_URL: `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}schema=${schema}`,
          MALL_PORT: '0',
          MALL_ADMIN_PASSWORD: PASSWORD,
          MALL_LEADER_RETRY_MS: '200',
        },
        ['--workers', '2'],
      );
    }, 120_000);

    afterAll(async () => {
      if (primary?.child.exitCode === null) primary.child.kill('SIGTERM');
      await primary?.exited;
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    });

    it('serves from both workers on one port, sums their metrics, replaces a killed worker, and stops on SIGTERM', async () => {
      const pid = primary.child.pid as number;
      const workers = workerPids(pid);
      expect(workers).toHaveLength(2);
      expect(primary.output()).toContain(`workers      2 processes (pids ${workers.join(', ')})`);
      expect(workers).toContain(await until('a leader', () => leaderPid(baseUrl, schema)));

      // Round-robin: a burst of sign-ins (scrypt, CPU-heavy) uses both workers' CPU.
      const before = workers.map(cpuTicks);
      const logins = 24;
      for (let i = 0; i < logins; i += 1) {
        const answer = await fetch(`${primary.url}/api/admin/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: PASSWORD }),
        });
        expect(answer.status).toBe(200);
      }
      const used = workers.map((w, i) => cpuTicks(w) - (before[i] ?? 0));
      for (const ticks of used) expect(ticks).toBeGreaterThan(0);

      // Whichever worker answers the scrape reports every worker's requests.
      const metrics = await (await fetch(`${primary.url}/metrics`)).text();
      const count =
        /http_request_duration_seconds_count\{method="POST",route="\/api\/admin\/login",status_code="200"\} (\d+)/.exec(
          metrics,
        );
      expect(Number(count?.[1])).toBe(logins);
      expect(metrics).toMatch(/^mall_leaders 1$/m);

      // A worker that dies is replaced; the mall keeps answering.
      const [victim] = workers as [number];
      process.kill(victim, 'SIGKILL');
      const replaced = await until('a replacement worker to serve', () => {
        const line = new RegExp(`worker ${victim} replaced by (\\d+)`).exec(primary.output());
        return line === null ? undefined : workerPids(pid);
      });
      expect(primary.output()).toMatch(new RegExp(`worker ${victim} exited \\(SIGKILL\\); starting another`));
      expect(replaced).toHaveLength(2);
      expect(replaced).not.toContain(victim);
      for (let i = 0; i < 4; i += 1) expect((await fetch(`${primary.url}/readyz`)).status).toBe(200);
      expect(replaced).toContain(await until('a leader', () => leaderPid(baseUrl, schema)));

      primary.child.kill('SIGTERM');
      expect(await primary.exited).toBe(0);
      for (const worker of replaced) expect(() => process.kill(worker, 0)).toThrow();
    }, 180_000);
  });
}
