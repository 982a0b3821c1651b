import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type QueryResult,
  type SqliteDatabase,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema';
import { migrationProvider } from './migrations';
import { useNamedStatements } from './pg-named';

export type Tx = Transaction<Database>;
export type Db = Kysely<Database>;
export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  db: Db;
  dialect: DialectName;
  /** Human-readable location without credentials, for logs. */
  where: string;
  /** PostgreSQL schema the tables live in, when not the default search path. */
  schema?: string | undefined;
  /** PostgreSQL only: how to open a connection of one's own (the leader lock's), without the schema parameter. */
  connectionString?: string | undefined;
  close(): Promise<void>;
}

export const DEFAULT_SQLITE_PATH = './data/mall.db';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Opens `postgres://...` (optionally `?schema=name`, used by tests to isolate themselves) or `sqlite:PATH`
 * (default ./data/mall.db). Both hand integers back as bigint: money never becomes a float.
 */
export function openStore(url: string | undefined): Store {
  const target = url ?? `sqlite:${DEFAULT_SQLITE_PATH}`;
  if (target.startsWith('postgres://') || target.startsWith('postgresql://')) {
    const parsed = new URL(target);
    const schema = parsed.searchParams.get('schema');
    parsed.searchParams.delete('schema');
    if (schema !== null && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    const pool = new pg.Pool({
      connectionString: parsed.toString(),
      max: 10,
      ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID || oid === NUMERIC_OID
            ? (value: string) => BigInt(value)
            : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
      },
    });
    pool.on('connect', useNamedStatements);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      schema: schema ?? undefined,
      connectionString: parsed.toString(),
      where: `postgres://${parsed.host}${parsed.pathname}${schema === null ? '' : ` (schema ${schema})`}`,
      close: () => db.destroy(),
    };
  }
  const path = target.startsWith('sqlite:') ? target.slice('sqlite:'.length) : target;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite(path);
  sqlite.defaultSafeIntegers(true);
  sqlite.pragma('journal_mode = WAL');
  // Money: a committed transaction must survive power loss, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Kysely prepares every query afresh; better-sqlite3 statements are reusable, so keep them by SQL text.
  const statements = new Map<string, BetterSqlite.Statement>();
  const statementFor = (text: string): BetterSqlite.Statement => {
    let statement = statements.get(text);
    if (statement === undefined) {
      if (statements.size >= 1000) statements.clear();
      statement = sqlite.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
  const database: SqliteDatabase = { close: () => sqlite.close(), prepare: statementFor };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  const raw: RawWriter = {
    run: (text, params) => statementFor(text).run(params) as unknown,
    execute: (text, params) => executeOn(statementFor(text), params),
  };
  groupCommitters.set(db, new GroupCommitter(db, raw));
  return { db, dialect: 'sqlite', where: `sqlite:${path}`, close: () => db.destroy() };
}

export async function migrateToLatest(db: Db, schema?: string): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one is ours.
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of the migrations this code knows that the database has not run yet (readiness). */
export async function pendingMigrations(db: Db, schema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // PostgreSQL deadlock / serialization failure, SQLite busy: the transaction did nothing, so running it again is safe.
  return code === '40P01' || code === '40001' || code === 'SQLITE_BUSY';
}

interface Unit {
  fn: (trx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite. With synchronous=FULL every commit is an fsync (about 1 ms here), and SQLite has one
 * writer anyway, so transactions that arrive together run one after another inside ONE database transaction, each
 * in its own savepoint: a unit that fails rolls back to its savepoint alone, and every caller is answered only
 * after the shared commit is on disk. Same isolation as running them serially, one fsync per group.
 * A unit must use only the transaction it is given (a query on the outer Db inside it would wait forever).
 */
class GroupCommitter {
  private queue: Unit[] = [];
  private running = false;

  constructor(
    private readonly db: Db,
    // Savepoint statements go straight to the connection the open transaction holds (cached prepared statements),
    // not through Kysely's query pipeline: three of them per unit.
    private readonly raw: RawWriter,
  ) {}

  run<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        // The fsync blocks the event loop, so nothing queues up during a commit: wait one timer tick to let the
        // requests already in flight reach their transactions and share the next commit.
        setTimeout(() => void this.drain(), 1);
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const units = this.queue.splice(0, 256);
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
          units.forEach((unit, i) => {
            const outcome = outcomes[i];
            if (outcome?.ok === true) unit.resolve(outcome.value);
            else unit.reject(outcome?.value);
          });
        } catch (error) {
          for (const unit of units) unit.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

const groupCommitters = new WeakMap<Db, GroupCommitter>();

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

/** What Kysely's SQLite driver answers for a statement, computed the same way. */
function executeOn<O>(statement: BetterSqlite.Statement, params: readonly unknown[]): QueryResult<O> {
  if (statement.reader) return { rows: statement.all(params) as O[] };
  const { changes, lastInsertRowid } = statement.run(params);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}
const rawHandles = new WeakMap<Tx, RawWriter>();

export function rawWriterOf(trx: Tx): RawWriter | undefined {
  return rawHandles.get(trx);
}

/** Whether a handle talks to PostgreSQL (row locks with FOR UPDATE exist there; SQLite has one writer anyway). */
export function isPostgres(db: Db | Tx): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

/** Runs fn in one transaction, retrying a few times when the database aborted it for a lock conflict. */
export async function inTx<T>(db: Db, fn: (trx: Tx) => Promise<T>): Promise<T> {
  const group = groupCommitters.get(db);
  if (group !== undefined) return group.run(fn);
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await db.transaction().execute(fn);
    } catch (error) {
      if (attempt >= 4 || !isRetryable(error)) throw error;
    }
  }
}
