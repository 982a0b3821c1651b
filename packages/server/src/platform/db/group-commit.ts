import type { Kysely, QueryResult, Transaction } from 'kysely';
import type { Database } from './schema';

// The same types database.ts exports, spelled here so this module does not import database.ts (which imports it).
type Db = Kysely<Database>;
type Tx = Transaction<Database>;

/**
 * Bulk writes on SQLite: a cached prepared statement run once per row, on the one connection Kysely also uses, so it
 * takes part in the open transaction. Much cheaper per row than building multi-row inserts (settlement writes ~8
 * rows per order). Handed out only for a transaction the group committer opened; PostgreSQL has no such handle.
 */
export interface RawWriter {
  run(text: string, params: readonly unknown[]): unknown;
  /** One statement with Kysely's result shape (rows for a reader, affected rows otherwise), without its pipeline. */
  execute<O>(text: string, params: readonly unknown[]): QueryResult<O>;
}

const rawHandles = new WeakMap<Tx, RawWriter>();

export function rawWriterOf(trx: Tx): RawWriter | undefined {
  return rawHandles.get(trx);
}

/** Makes every commit so far durable (the WAL file's data on disk); runs off the event loop. */
export type SyncWal = () => Promise<void>;

interface Unit {
  fn: (trx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A committed group whose callers wait for the sync that makes it durable. */
interface Committed {
  answer(): void;
  fail(error: unknown): void;
}

export class WalSyncError extends Error {
  constructor(cause: unknown) {
    super('SQLite: syncing the WAL to disk failed; no write is answered as durable until the server restarts', {
      cause,
    });
    this.name = 'WalSyncError';
  }
}

/**
 * Group commit for SQLite. SQLite has one writer, so transactions that arrive together run one after another inside
 * ONE database transaction, each in its own savepoint: a unit that fails rolls back to its savepoint alone. Same
 * isolation as running them serially.
 *
 * Durability without blocking the event loop: the connection commits with synchronous=NORMAL (in WAL mode a commit
 * then writes the WAL but does not sync it), and `syncWal` fdatasyncs the WAL file in the libuv thread pool. A group's
 * callers are answered only after a sync that started after the group's commit has returned, so "answered means on
 * disk" holds as with synchronous=FULL. While one sync runs, the next group's transaction runs (a pipeline), and every
 * group committed during a sync shares the next one. A crash between a commit and its sync loses only transactions
 * nobody was told about. A failed sync fails the waiting callers and everything after it: once fdatasync has
 * failed the kernel may have dropped the dirty pages, so nothing written since can be promised.
 * Without `syncWal` (`:memory:`, or a journal that is not WAL) the commit itself is the end, as before.
 * A unit must use only the transaction it is given (a query on the outer Db inside it would wait forever).
 */
export class GroupCommitter {
  private queue: Unit[] = [];
  private draining = false;
  private waiting: Committed[] = [];
  private syncing: Promise<void> | undefined;
  private failure: WalSyncError | undefined;

  constructor(
    private readonly db: Db,
    // Savepoint statements go straight to the connection the open transaction holds (cached prepared statements),
    // not through Kysely's query pipeline: three of them per unit.
    private readonly raw: RawWriter,
    private readonly syncWal: SyncWal | undefined,
  ) {}

  run<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // The loop is free while a WAL sync runs, so requests queue up then; when idle, one turn of the loop (the
        // rest of this I/O phase) is enough for requests that arrived together to share the group. The old 1 ms
        // timer existed because the fsync blocked the loop, and it added a millisecond to every quiet request.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves when nothing is queued, running or waiting for a sync (closing the store). */
  async idle(): Promise<void> {
    while (this.draining || this.syncing !== undefined) {
      await (this.syncing ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        if (this.failure !== undefined) {
          for (const unit of this.queue.splice(0)) unit.reject(this.failure);
          return;
        }
        const units = this.queue.splice(0, 256);
        const committed = await this.runGroup(units);
        if (committed !== undefined) this.afterCommit(committed);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Runs one group in one transaction; what answers its callers once durable, or nothing when it did not commit. */
  private async runGroup(units: Unit[]): Promise<Committed | undefined> {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      const trx = await this.db.startTransaction().execute();
      rawHandles.set(trx, this.raw);
      try {
        for (const [i, unit] of units.entries()) {
          this.raw.run(`savepoint u${i}`, []);
          try {
            const value = await unit.fn(trx);
            this.raw.run(`release u${i}`, []);
            outcomes.push({ ok: true, value });
          } catch (error) {
            this.raw.run(`rollback to u${i}`, []);
            this.raw.run(`release u${i}`, []);
            outcomes.push({ ok: false, value: error });
          }
        }
        await trx.commit().execute();
      } catch (error) {
        await trx
          .rollback()
          .execute()
          .catch(() => undefined);
        throw error;
      }
    } catch (error) {
      for (const unit of units) unit.reject(error);
      return undefined;
    }
    return {
      answer: () =>
        units.forEach((unit, i) => {
          const outcome = outcomes[i];
          if (outcome?.ok === true) unit.resolve(outcome.value);
          else unit.reject(outcome?.value);
        }),
      fail: (error) => units.forEach((unit) => unit.reject(error)),
    };
  }

  private afterCommit(committed: Committed): void {
    if (this.failure !== undefined) {
      committed.fail(this.failure);
      return;
    }
    if (this.syncWal === undefined) {
      committed.answer();
      return;
    }
    this.waiting.push(committed);
    this.syncing ??= this.syncWaiting(this.syncWal);
  }

  /** Syncs until no committed group waits; each sync covers every group committed before it started. */
  private async syncWaiting(syncWal: SyncWal): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0);
        try {
          await syncWal();
        } catch (error) {
          this.failure ??= new WalSyncError(error);
          for (const committed of [...batch, ...this.waiting.splice(0)]) committed.fail(this.failure);
          return;
        }
        for (const committed of batch) committed.answer();
      }
    } finally {
      this.syncing = undefined;
    }
  }
}
