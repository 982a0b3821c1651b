import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';
import { migrationProvider } from './migrations';

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
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      schema: schema ?? undefined,
      where: `postgres://${parsed.host}${parsed.pathname}${schema === null ? '' : ` (schema ${schema})`}`,
      close: () => db.destroy(),
    };
  }
  const path = target.startsWith('sqlite:') ? target.slice('sqlite:'.length) : target;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.defaultSafeIntegers(true);
  sqlite.pragma('journal_mode = WAL');
  // Money: a committed transaction must survive power loss, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
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

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // PostgreSQL deadlock / serialization failure, SQLite busy: the transaction did nothing, so running it again is safe.
  return code === '40P01' || code === '40001' || code === 'SQLITE_BUSY';
}

/** Runs fn in one transaction, retrying a few times when the database aborted it for a lock conflict. */
export async function inTx<T>(db: Db, fn: (trx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await db.transaction().execute(fn);
    } catch (error) {
      if (attempt >= 4 || !isRetryable(error)) throw error;
    }
  }
}
