import type { Kysely, Migration } from 'kysely';

type Db = Kysely<unknown>;

/**
 * Issue 9: member levels (会员等级) as a platform list, the log of what staff did to shoppers' levels and agencies,
 * the regional agents for listing (the engine's own copy lives in the event log), and one row per closed period:
 * its primary key is the claim that makes a period close exactly once, also with several processes.
 */
export const m0008Modes: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('member_levels')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('rank', 'bigint', (c) => c.notNull().unique())
      .addColumn('min_spend_fen', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('member_audit')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text')
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('member_audit_user').on('member_audit').columns(['user_id', 'at']).execute();
    await db.schema
      .createTable('agents')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('appointed_at', 'text', (c) => c.notNull())
      .addColumn('appointed_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('agents_pk', ['user_id', 'region'])
      .execute();
    await db.schema
      .createTable('period_closes')
      .addColumn('period_key', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('closed_at', 'text', (c) => c.notNull())
      .addColumn('closed_by', 'text', (c) => c.notNull())
      .execute();
  },
};
