import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
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
import { GroupCommitter, type RawWriter, type SyncWal } from './group-commit';

export { rawWriterOf, type RawWriter } from './group-commit';

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
export interface StoreOptions {
  /**
   * SQLite in WAL mode: how a commit is made durable (tests inject one to watch the order of events); by default an
   * fdatasync of the `-wal` file in the libuv thread pool.
   */
  syncWal?: (defaultSync: SyncWal) => SyncWal;
}

export function openStore(url: string | undefined, options: StoreOptions = {}): Store {
  const target = url ?? `sqlite:${DEFAULT_SQLITE_PATH}`;
  if (target.startsWith('postgres://') || target.startsWith('postgresql://')) {
    const parsed = new URL(target);
    const schema = parsed.searchParams.get('schema');
    parsed.searchParams.delete('schema');
    if (schema !== null && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    const pool = new pg.Pool({
      connectionString: parsed.toString(),
      max: 10,
      // Pipeline mode lets a held `begin` go out in the same write as the first statement (pg-named.ts). Kysely
      // awaits each query before sending the next, so otherwise a connection carries one query at a time as before.
      pipeline: true,
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
  const wal = String(sqlite.pragma('journal_mode = WAL', { simple: true })) === 'wal';
  // Money: a committed transaction must survive power loss, not only a process crash. In WAL mode the commit does
  // not sync (NORMAL) and the group committer syncs the WAL off the event loop before answering anyone; checkpoints
  // still sync the WAL and the database file under NORMAL. Anything else (`:memory:`) syncs in the commit, as before.
  sqlite.pragma(wal ? 'synchronous = NORMAL' : 'synchronous = FULL');
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
  const walFile = wal ? new WalFile(`${path}-wal`) : undefined;
  const syncWal = walFile === undefined ? undefined : (options.syncWal ?? ((sync) => sync))(() => walFile.sync());
  const group = new GroupCommitter(db, raw, syncWal);
  groupCommitters.set(db, group);
  const close = async (): Promise<void> => {
    await group.idle();
    await db.destroy();
    await walFile?.close();
  };
  return { db, dialect: 'sqlite', where: `sqlite:${path}`, close };
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

/**
 * The `-wal` file, opened at the first sync (a commit has created it by then). SQLite keeps the same file while a
 * connection is open: after a checkpoint it writes the WAL again from its start (same inode), and it deletes the file
 * only when the last connection closes, which is ours at close. A new file's directory entry is synced once, as
 * SQLite does for the WAL it creates, so the file itself survives power loss.
 */
class WalFile {
  private handle: Promise<FileHandle | undefined> | undefined;

  constructor(private readonly path: string) {}

  async sync(): Promise<void> {
    this.handle ??= this.openSynced();
    const file = await this.handle;
    // No WAL yet: no transaction has written anything (a group of reads), so there is nothing to sync.
    if (file === undefined) this.handle = undefined;
    else await file.datasync();
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await (await handle)?.close();
  }

  private async openSynced(): Promise<FileHandle | undefined> {
    let file: FileHandle;
    try {
      file = await open(this.path, 'r');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    }
    const directory = await open(dirname(this.path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    return file;
  }
}

/** What Kysely's SQLite driver answers for a statement, computed the same way. */
function executeOn<O>(statement: BetterSqlite.Statement, params: readonly unknown[]): QueryResult<O> {
  if (statement.reader) return { rows: statement.all(params) as O[] };
  const { changes, lastInsertRowid } = statement.run(params);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

const groupCommitters = new WeakMap<Db, GroupCommitter>();

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
