import type { Kysely, Migration } from 'kysely';

/**
 * Several processes on one PostgreSQL: the per-IP limit of the sign-in routes is counted in a table all of them
 * share (platform/rate-limit-store.ts). The operators' gauge of waiting withdrawals reads them by status through the
 * index 0003_payments made (status, updated_at).
 */
export const m0005Ops: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('hits', 'bigint', (c) => c.notNull())
      // Milliseconds since the epoch: compared with the clock of the process that counts, never shown.
      .addColumn('window_ends_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limits_window').on('rate_limits').column('window_ends_ms').execute();
  },
};
