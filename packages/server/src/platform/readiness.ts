import { sql } from 'kysely';
import { pendingMigrations, type Store } from './db/database';

export interface Readiness {
  ready: boolean;
  database: 'ok' | 'unreachable';
  /** Migrations this code knows that the database has not run (a process started before `mall migrate` finished). */
  pendingMigrations: string[];
}

/** Ready to serve: the database answers and holds every migration this code expects. */
export async function checkReadiness(store: Store): Promise<Readiness> {
  try {
    await sql`select 1`.execute(store.db);
  } catch {
    return { ready: false, database: 'unreachable', pendingMigrations: [] };
  }
  const pending = await pendingMigrations(store.db, store.schema);
  return { ready: pending.length === 0, database: 'ok', pendingMigrations: pending };
}
