import type { Kysely, Migration } from 'kysely';

type Db = Kysely<unknown>;

/**
 * Issue 12: group buys (拼团) and lottery groups (拼团抽奖). A member row per order; the unique (group, seat) pair
 * is the second guard (after the group's conditional seat counter) against a group with more paid members than seats.
 */
export const m0010GroupBuy: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('group_buy_activities')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('product_id', 'text', (c) => c.notNull())
      .addColumn('sku_id', 'text', (c) => c.notNull())
      .addColumn('price_fen', 'bigint', (c) => c.notNull())
      .addColumn('group_size', 'bigint', (c) => c.notNull())
      .addColumn('hours', 'bigint', (c) => c.notNull())
      .addColumn('lottery_winners', 'bigint', (c) => c.notNull())
      .addColumn('consolation_template_id', 'text')
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('group_buy_activities_product')
      .on('group_buy_activities')
      .columns(['product_id', 'status'])
      .execute();
    await db.schema
      .createTable('group_buy_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('activity_id', 'text', (c) => c.notNull())
      .addColumn('leader_id', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('lottery_winners', 'bigint', (c) => c.notNull())
      .addColumn('price_fen', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('paid_count', 'bigint', (c) => c.notNull())
      .addColumn('seed_hash', 'text', (c) => c.notNull())
      .addColumn('server_seed', 'text', (c) => c.notNull())
      .addColumn('group_seed', 'text')
      .addColumn('winners', 'text')
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .execute();
    await db.schema
      .createIndex('group_buy_groups_activity')
      .on('group_buy_groups')
      .columns(['activity_id', 'status'])
      .execute();
    await db.schema
      .createIndex('group_buy_groups_status_expires')
      .on('group_buy_groups')
      .columns(['status', 'expires_at'])
      .execute();
    await db.schema
      .createTable('group_buy_members')
      .addColumn('order_id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('seat', 'bigint')
      .addColumn('joined_at', 'text', (c) => c.notNull())
      .addColumn('paid_at', 'text')
      .addUniqueConstraint('group_buy_members_seat', ['group_id', 'seat'])
      .execute();
    await db.schema
      .createIndex('group_buy_members_user')
      .on('group_buy_members')
      .columns(['user_id', 'group_id'])
      .execute();
  },
};
