import { sql } from 'kysely';
import pg from 'pg';
import type { Store } from './db/database';

/**
 * Leadership among the processes that serve one database: jobs that should run in one place at a time (the
 * settlement timer, the unpaid-order sweep, housekeeping, period closes) ask `leader.run(job)` or register with
 * `leader.every(...)`, and only the leading process runs them.
 *
 * PostgreSQL: the leader holds a session-level advisory lock on a connection of its own (not from the pool). The
 * lock lives exactly as long as that connection: a process that dies, even by SIGKILL, drops its socket and
 * PostgreSQL releases the lock; the others try again every `retryMs` and one of them takes over. The key is derived
 * from the schema name, so installations (and tests) in different schemas of one database lead independently.
 *
 * SQLite: one process per database file (several are not supported), so that process always leads.
 *
 * Leadership avoids duplicate work; it is not what keeps money right. A leader that loses its connection may still
 * be inside a job while another process takes over: settlement stays exactly-once because it runs under the
 * `locks` row and claims orders with conditional updates, and every other leader job must be equally safe to run
 * twice at once.
 */
export interface Leadership {
  readonly isLeader: boolean;
  /** Runs `job` now if this process leads and returns its result; otherwise runs nothing and returns `undefined`. */
  run<T>(job: () => Promise<T>): Promise<T | undefined>;
  /** Runs `job` every `ms` while this process leads; a run never overlaps the previous one. `ms <= 0` does nothing. */
  every(name: string, ms: number, job: () => Promise<unknown>): void;
  /** How many processes of this installation hold the leader lock now (1 when healthy; SQLite: 1). */
  leaders(): Promise<number>;
  /** Gives leadership up (the lock is released) and stops the timers. */
  close(): Promise<void>;
}

export interface LeadershipOptions {
  /** How often a follower tries to take the lock, and the leader checks its connection (default 5 s). */
  retryMs?: number;
  onError?: (error: unknown, what: string) => void;
  onChange?: (leading: boolean) => void;
}

export function createLeadership(store: Store, options: LeadershipOptions = {}): Leadership {
  const timers: NodeJS.Timeout[] = [];
  const onError = options.onError ?? (() => undefined);
  const lock = store.dialect === 'postgres' ? new AdvisoryLock(store, options) : undefined;
  let closed = false;

  const leads = (): boolean => !closed && (lock === undefined || lock.held);
  const leadership: Leadership = {
    get isLeader() {
      return leads();
    },
    async run(job) {
      if (!leads()) return undefined;
      return job();
    },
    every(name, ms, job) {
      if (ms <= 0) return;
      let busy = false;
      const timer = setInterval(() => {
        if (busy || !leads()) return;
        busy = true;
        job()
          .catch((error: unknown) => onError(error, name))
          .finally(() => {
            busy = false;
          });
      }, ms);
      timer.unref();
      timers.push(timer);
    },
    async leaders() {
      if (lock === undefined) return closed ? 0 : 1;
      // A bigint advisory key is stored as its high and low 32 bits (classid, objid) with objsubid 1.
      const answer = await sql<{ n: bigint }>`
        select count(*) as n from pg_locks
         where locktype = 'advisory' and granted and objsubid = 1
           and ((classid::bigint << 32) | objid::bigint) = hashtextextended(${lock.key}, 0)`.execute(store.db);
      return Number(answer.rows[0]?.n ?? 0n);
    },
    async close() {
      closed = true;
      for (const t of timers) clearInterval(t);
      await lock?.close();
    },
  };
  if (lock === undefined) options.onChange?.(true);
  else lock.start();
  return leadership;
}

class AdvisoryLock {
  held = false;
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<void> | undefined;
  private stopped = false;
  /** A leader whose connection broke sits out a few tries, so a follower that is still connected takes over. */
  private standDownUntil = 0;
  readonly key: string;

  constructor(
    private readonly store: Store,
    private readonly options: LeadershipOptions,
  ) {
    this.key = `mall:leader:${store.schema ?? 'public'}`;
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.retryMs ?? 5_000);
    this.timer.unref();
  }

  private tick(): Promise<void> {
    this.attempt ??= this.tryOnce().finally(() => {
      this.attempt = undefined;
    });
    return this.attempt;
  }

  private async tryOnce(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.client === undefined) this.client = await this.connect();
      if (this.held) {
        // The lock is as alive as the connection that holds it.
        await this.client.query('select 1');
        return;
      }
      if (Date.now() < this.standDownUntil) return;
      const answer = await this.client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
        [this.key],
      );
      if (answer.rows[0]?.ok === true && !this.stopped) this.setHeld(true);
    } catch (error) {
      this.lost();
      this.options.onError?.(error, 'leader lock');
    }
  }

  private async connect(): Promise<pg.Client> {
    const connectionString = this.store.connectionString;
    if (connectionString === undefined) throw new Error('the leader lock needs a PostgreSQL connection string');
    const client = new pg.Client({ connectionString, application_name: `mall-leader:${process.pid}` });
    // A connection that breaks takes the lock with it: stop leading at once, reconnect at the next try.
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    return client;
  }

  private lost(client = this.client): void {
    if (client !== this.client) return;
    this.client = undefined;
    if (this.held) this.standDownUntil = Date.now() + 3 * (this.options.retryMs ?? 5_000);
    this.setHeld(false);
    client?.end().catch(() => undefined);
  }

  private setHeld(held: boolean): void {
    if (this.held === held) return;
    this.held = held;
    this.options.onChange?.(held);
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.attempt?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.setHeld(false);
    // Ending the session releases its advisory locks.
    await client?.end().catch(() => undefined);
  }
}
