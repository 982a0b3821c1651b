import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { inTx, openStore, type Db, type Store } from './database';
import { WalSyncError } from './group-commit';

/** A WAL sync the test finishes by hand, recording when it started. */
function controlledSync(events: string[]): {
  syncWal: () => Promise<void>;
  finish: (error?: Error) => void;
  pending: () => number;
} {
  const waiting: ((error?: Error) => void)[] = [];
  let count = 0;
  return {
    syncWal: () => {
      count += 1;
      events.push(`sync ${count} started`);
      return new Promise<void>((resolve, reject) =>
        waiting.push((error) => (error === undefined ? resolve() : reject(error))),
      );
    },
    finish: (error) => waiting.shift()?.(error),
    pending: () => waiting.length,
  };
}

const turns = (n: number): Promise<void> =>
  Array.from({ length: n }).reduce<Promise<void>>(
    (p) => p.then(() => new Promise<void>((resolve) => setImmediate(resolve))),
    Promise.resolve(),
  );

async function count(db: Db): Promise<number> {
  const { rows } = await sql<{ n: bigint }>`select count(*) as n from item`.execute(db);
  return Number(rows[0]?.n ?? -1);
}

let dir: string | undefined;
const stores: Store[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function fileStore(syncWal?: () => Promise<void>): Promise<Store> {
  dir = mkdtempSync(join(tmpdir(), 'mall-group-commit-'));
  const store = openStore(`sqlite:${join(dir, 'test.db')}`, syncWal === undefined ? {} : { syncWal: () => syncWal });
  stores.push(store);
  await sql`create table item (id integer primary key, name text not null unique)`.execute(store.db);
  return store;
}

const insert = (db: Db, name: string): Promise<string> =>
  inTx(db, async (trx) => {
    await sql`insert into item (name) values (${name})`.execute(trx);
    return name;
  });

describe('SQLite group commit with the WAL synced off the event loop', () => {
  it('answers a transaction only after the WAL sync that follows its commit returns, and the loop runs meanwhile', async () => {
    const events: string[] = [];
    const sync = controlledSync(events);
    const store = await fileStore(sync.syncWal);
    const answered = insert(store.db, 'a').then(() => events.push('answered a'));
    await turns(3);
    expect(sync.pending()).toBe(1);
    // Committed (a read sees it) but not answered: the sync has not returned.
    expect(await count(store.db)).toBe(1);
    let timerRan = false;
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        timerRan = true;
        resolve();
      }, 5),
    );
    expect(timerRan).toBe(true);
    expect(events).toEqual(['sync 1 started']);
    sync.finish();
    await answered;
    expect(events).toEqual(['sync 1 started', 'answered a']);
  });

  it('runs the next group while the previous group syncs, and answers it only after a sync of its own', async () => {
    const events: string[] = [];
    const sync = controlledSync(events);
    const store = await fileStore(sync.syncWal);
    const first = insert(store.db, 'a').then(() => events.push('answered a'));
    await turns(3);
    const second = inTx(store.db, async (trx) => {
      events.push('b runs');
      await sql`insert into item (name) values ('b')`.execute(trx);
    }).then(() => events.push('answered b'));
    const third = insert(store.db, 'c').then(() => events.push('answered c'));
    await turns(3);
    expect(events).toEqual(['sync 1 started', 'b runs']);
    expect(await count(store.db)).toBe(3);
    sync.finish();
    await first;
    await turns(3);
    // b and c committed while sync 1 ran: one more sync covers both, and neither is answered before it returns.
    expect(events.slice(0, 2)).toEqual(['sync 1 started', 'b runs']);
    expect(events.slice(2).sort()).toEqual(['answered a', 'sync 2 started']);
    sync.finish();
    await Promise.all([second, third]);
    expect(events.slice(4).sort()).toEqual(['answered b', 'answered c']);
  });

  it('keeps a failed unit to its own savepoint and answers both after the sync', async () => {
    const events: string[] = [];
    const sync = controlledSync(events);
    const store = await fileStore(sync.syncWal);
    const ok = insert(store.db, 'a');
    const duplicate = insert(store.db, 'a');
    const settled = Promise.allSettled([ok, duplicate]);
    await turns(3);
    expect(sync.pending()).toBe(1);
    sync.finish();
    const [first, second] = await settled;
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    expect(await count(store.db)).toBe(1);
  });

  it('fails the waiting callers when the sync fails, and refuses every later transaction', async () => {
    const events: string[] = [];
    const sync = controlledSync(events);
    const store = await fileStore(sync.syncWal);
    const first = insert(store.db, 'a');
    await turns(3);
    const second = insert(store.db, 'b');
    await turns(3);
    sync.finish(new Error('EIO: i/o error, fdatasync'));
    await expect(first).rejects.toBeInstanceOf(WalSyncError);
    await expect(second).rejects.toBeInstanceOf(WalSyncError);
    await expect(insert(store.db, 'c')).rejects.toBeInstanceOf(WalSyncError);
    expect(events).toEqual(['sync 1 started']);
  });

  it('commits with synchronous=NORMAL on a WAL file and keeps what it answered across a reopen (real fdatasync)', async () => {
    const store = await fileStore();
    const { rows } = await sql<{ synchronous: bigint }>`pragma synchronous`.execute(store.db);
    expect(Number(rows[0]?.synchronous)).toBe(1);
    await Promise.all(['a', 'b', 'c'].map((name) => insert(store.db, name)));
    const path = join(dir ?? '', 'test.db');
    await stores.splice(0)[0]?.close();
    const again = openStore(`sqlite:${path}`);
    stores.push(again);
    expect(await count(again.db)).toBe(3);
  });

  it('answers at the commit on :memory: (no WAL file to sync)', async () => {
    const store = openStore('sqlite::memory:');
    stores.push(store);
    await sql`create table item (id integer primary key, name text not null unique)`.execute(store.db);
    expect(await insert(store.db, 'a')).toBe('a');
    expect(await count(store.db)).toBe(1);
  });
});
