import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_SQLITE_PATH } from './database';

/**
 * Backups. SQLite: the online backup API copies the database in one step, inside one read transaction, so the copy
 * is a consistent snapshot even while the server writes (WAL readers never block writers), and then checks it.
 * PostgreSQL: pg_dump (a repeatable-read snapshot) in its custom format, restored with pg_restore. A restore never
 * overwrites a database that holds data unless told to (`force`).
 */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

type Target = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string | undefined };

function targetOf(databaseUrl: string | undefined): Target {
  const url = databaseUrl ?? `sqlite:${DEFAULT_SQLITE_PATH}`;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new BackupError(`invalid schema ${schema}`);
    parsed.searchParams.delete('schema');
    return { kind: 'postgres', url: parsed.toString(), schema };
  }
  return { kind: 'sqlite', path: url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url };
}

function fileKind(file: string): 'sqlite' | 'postgres' | 'unknown' {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    if (head.toString('latin1').startsWith('SQLite format 3')) return 'sqlite';
    if (head.toString('latin1').startsWith('PGDMP')) return 'postgres';
    return 'unknown';
  } finally {
    closeSync(fd);
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', (error) =>
      reject(new BackupError(`${command} could not run (${error.message}); install the PostgreSQL client tools`)),
    );
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new BackupError(`${command} failed (exit ${code}): ${stderr.trim()}`)),
    );
  });
}

/** Copies the database at `databaseUrl` into `file` (which must not exist yet). */
export async function backupDatabase(databaseUrl: string | undefined, file: string): Promise<void> {
  if (existsSync(file)) throw new BackupError(`${file} already exists; choose a new file name`);
  const target = targetOf(databaseUrl);
  if (target.kind === 'postgres') {
    await run('pg_dump', [
      '--format=custom',
      `--file=${file}`,
      ...(target.schema === undefined ? [] : [`--schema=${target.schema}`]),
      `--dbname=${target.url}`,
    ]);
    return;
  }
  if (!existsSync(target.path)) throw new BackupError(`no database at ${target.path}`);
  mkdirSync(dirname(file), { recursive: true });
  const source = new BetterSqlite(target.path, { readonly: true, fileMustExist: true });
  const partial = `${file}.partial`;
  try {
    // Returning the whole page count copies everything in one step: one read transaction, one consistent snapshot.
    await source.backup(partial, { progress: ({ totalPages }) => Math.max(totalPages, 1) });
  } finally {
    source.close();
  }
  const copy = new BetterSqlite(partial, { fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`the copy failed its integrity check: ${String(check)}`);
  } finally {
    copy.close();
  }
  renameSync(partial, file);
}

async function postgresHasTables(target: Extract<Target, { kind: 'postgres' }>): Promise<boolean> {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    const result = await client.query(
      "select count(*)::int as n from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'",
      [target.schema ?? 'public'],
    );
    return (result.rows[0] as { n: number }).n > 0;
  } finally {
    await client.end();
  }
}

function sqliteHasData(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new BetterSqlite(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number };
    return tables.n > 0;
  } finally {
    db.close();
  }
}

/**
 * Restores `file` into the database at `databaseUrl`. Refuses a target that already holds tables unless `force`;
 * the server must not be running on the target while it is restored.
 */
export async function restoreDatabase(
  databaseUrl: string | undefined,
  file: string,
  options: { force: boolean },
): Promise<void> {
  if (!existsSync(file)) throw new BackupError(`no backup file ${file}`);
  const target = targetOf(databaseUrl);
  const kind = fileKind(file);
  if (kind === 'unknown') throw new BackupError(`${file} is neither a SQLite database nor a pg_dump archive`);
  if (kind !== target.kind) throw new BackupError(`${file} is a ${kind} backup; the target is ${target.kind}`);
  if (target.kind === 'postgres') {
    if (!options.force && (await postgresHasTables(target))) {
      throw new BackupError(`the target schema ${target.schema ?? 'public'} is not empty; use --force to replace it`);
    }
    await run('pg_restore', [
      '--no-owner',
      '--exit-on-error',
      ...(options.force ? ['--clean', '--if-exists'] : []),
      `--dbname=${target.url}`,
      file,
    ]);
    return;
  }
  if (!options.force && sqliteHasData(target.path)) {
    throw new BackupError(`${target.path} already holds a database; use --force to replace it`);
  }
  const source = new BetterSqlite(file, { readonly: true, fileMustExist: true });
  try {
    const check = source.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`${file} failed its integrity check: ${String(check)}`);
    mkdirSync(dirname(target.path), { recursive: true });
    for (const suffix of ['-wal', '-shm']) rmSync(`${target.path}${suffix}`, { force: true });
    await source.backup(target.path, { progress: ({ totalPages }) => Math.max(totalPages, 1) });
  } finally {
    source.close();
  }
}
