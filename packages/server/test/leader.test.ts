import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/platform/db/database';
import { createLeadership, type Leadership } from '../src/platform/leader';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function lead(store: Store, retryMs = 50): Leadership {
  const leadership = createLeadership(store, { retryMs });
  cleanups.push(() => leadership.close());
  return leadership;
}

describe('leadership on SQLite', () => {
  it('always leads: one process per database file, so leader jobs run in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mall-leader-'));
    const store = openStore(`sqlite:${join(dir, 'mall.db')}`);
    cleanups.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const leader = lead(store);
    expect(leader.isLeader).toBe(true);
    expect(await leader.run(async () => 42)).toBe(42);
    await leader.close();
    expect(await leader.run(async () => 42)).toBeUndefined();
  });
});

const pgUrl = process.env.TEST_DATABASE_URL;
describe.skipIf(pgUrl === undefined || pgUrl === '')('leadership on PostgreSQL (advisory lock)', () => {
  const schema = `t_lead_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const open = (name = schema): Store => {
    const store = openStore(`${pgUrl}${pgUrl?.includes('?') ? '&' : '?'}schema=${name}`);
    cleanups.push(() => store.close());
    return store;
  };

  it('lets exactly one of several processes lead; the others run nothing and take over when it closes', async () => {
    const one = lead(open());
    const two = lead(open());
    await until('a leader', () => one.isLeader || two.isLeader);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([one.isLeader, two.isLeader].filter(Boolean)).toHaveLength(1);
    const [leader, follower] = one.isLeader ? [one, two] : [two, one];
    let ran = 0;
    expect(await follower.run(async () => (ran += 1))).toBeUndefined();
    expect(await leader.run(async () => (ran += 1))).toBe(1);
    await leader.close();
    await until('the follower to take over', () => follower.isLeader);
    expect(await follower.run(async () => (ran += 1))).toBe(2);
  });

  it('takes over when the leader connection dies without a goodbye (the process was killed)', async () => {
    const one = lead(open());
    await until('a leader', () => one.isLeader);
    const two = lead(open());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(two.isLeader).toBe(false);
    // What PostgreSQL sees when a process dies: its session ends, and the session's advisory locks go with it.
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    cleanups.push(() => admin.end());
    const killed = await admin.query(
      `select pg_terminate_backend(l.pid) as ok from pg_locks l
        where l.locktype = 'advisory' and l.granted
          and (l.classid::bigint << 32 | l.objid::bigint) = (hashtextextended($1, 0) & x'ffffffffffffffff'::bigint)`,
      [`mall:leader:${schema}`],
    );
    expect(killed.rows).toHaveLength(1);
    await until('the survivor to lead', () => two.isLeader);
    await until('the killed leader to notice', () => !one.isLeader);
    // It reconnects as a follower, not as a second leader.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(one.isLeader).toBe(false);
    expect(two.isLeader).toBe(true);
  });

  it('leads each schema on its own: installations sharing a database do not wait on each other', async () => {
    const here = lead(open());
    const elsewhere = lead(open(`${schema}_other`));
    await until('both to lead', () => here.isLeader && elsewhere.isLeader);
  });
});
