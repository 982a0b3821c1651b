import { BackupError, backupDatabase, restoreDatabase } from '../platform/db/backup';

const BACKUP_HELP = `usage: mall backup FILE

Copies the database of DATABASE_URL into FILE, safely while the server runs.
  SQLite      SQLite's online backup: one consistent snapshot, integrity-checked
  PostgreSQL  pg_dump --format=custom (needs the PostgreSQL client tools on PATH)
Exit codes: 0 done, 2 bad input (FILE exists, no database), 1 the copy failed.
`;

const RESTORE_HELP = `usage: mall restore FILE [--force]

Restores a backup made by \`mall backup\` into the database of DATABASE_URL. Stop the server first.
A target that already holds a database is refused unless --force is given (then it is replaced).
  SQLite      copies FILE into the database file
  PostgreSQL  pg_restore (with --clean --if-exists under --force)
Exit codes: 0 done, 2 bad input (no file, wrong kind, target not empty), 1 the restore failed.
`;

async function guarded(work: () => Promise<void>, done: string): Promise<number> {
  try {
    await work();
    process.stdout.write(`${done}\n`);
    return 0;
  } catch (error) {
    if (error instanceof BackupError) {
      process.stderr.write(`${error.message}\n`);
      return /failed|could not run/.test(error.message) ? 1 : 2;
    }
    throw error;
  }
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length !== 1) {
    process[argv.length === 1 ? 'stdout' : 'stderr'].write(BACKUP_HELP);
    return argv.length === 1 ? 0 : 2;
  }
  const file = argv[0] as string;
  return guarded(() => backupDatabase(process.env.DATABASE_URL, file), `backup written to ${file}`);
}

export async function runRestore(argv: string[]): Promise<number> {
  const force = argv.includes('--force');
  const rest = argv.filter((a) => a !== '--force');
  if (rest.includes('--help') || rest.includes('-h') || rest.length !== 1 || rest[0]?.startsWith('-')) {
    const asked = rest.includes('--help') || rest.includes('-h');
    process[asked ? 'stdout' : 'stderr'].write(RESTORE_HELP);
    return asked ? 0 : 2;
  }
  const file = rest[0] as string;
  return guarded(() => restoreDatabase(process.env.DATABASE_URL, file, { force }), `restored from ${file}`);
}
