import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { m0003 } from './migration-0003-payments';
import { m0004 } from './migration-0004-operator';
import { m0005Ops } from './migration-0005-ops';
import { m0006Campaigns } from './migration-0006-campaigns';
import { m0007 } from './migration-0007-checkout';
import { m0008Modes } from './migration-0008-modes';
import { m0009LineCosts } from './migration-0009-line-costs';
import { m0010GroupBuy } from './migration-0010-group-buy';
import { m0011BlindBox } from './migration-0011-blind-box';
import { m0012Presale } from './migration-0012-presale';

/**
 * Numbered migrations, written once with Kysely's schema builder so the same file runs on SQLite and PostgreSQL.
 * Never edit a released migration: add the next number.
 */
type Db = Kysely<unknown>;

const m0001: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('kv')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('locks')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('phone', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text')
      .addColumn('invite_code', 'text', (c) => c.notNull().unique())
      .addColumn('referrer_id', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('users_referrer').on('users').column('referrer_id').execute();
    await db.schema
      .createTable('staff')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('login_codes')
      .addColumn('phone', 'text', (c) => c.primaryKey())
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('categories')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('sort', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('products')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('subtitle', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('category_id', 'text', (c) => c.references('categories.id'))
      .addColumn('image_url', 'text', (c) => c.notNull())
      .addColumn('images', 'text', (c) => c.notNull())
      .addColumn('on_shelf', 'bigint', (c) => c.notNull())
      .addColumn('plans', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('skus')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('price_fen', 'bigint', (c) => c.notNull())
      .addColumn('cost_fen', 'bigint', (c) => c.notNull())
      .addColumn('stock', 'bigint', (c) => c.notNull())
      .addColumn('reserved', 'bigint', (c) => c.notNull())
      .addColumn('sold', 'bigint', (c) => c.notNull())
      .addCheckConstraint('skus_stock_non_negative', sql`stock >= 0 and reserved >= 0 and sold >= 0`)
      .execute();
    await db.schema.createIndex('skus_product').on('skus').column('product_id').execute();

    await db.schema
      .createTable('orders')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('paid_at', 'text')
      .addColumn('shipped_at', 'text')
      .addColumn('received_at', 'text')
      .addColumn('settled_at', 'text')
      .addColumn('carrier', 'text')
      .addColumn('tracking_no', 'text')
      .addColumn('payment_id', 'text')
      .addColumn('refund_status', 'text')
      .addColumn('refund_reason', 'text')
      .addColumn('refund_from', 'text')
      .addUniqueConstraint('orders_idempotency', ['user_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('orders_user').on('orders').columns(['user_id', 'created_at']).execute();
    await db.schema
      .createIndex('orders_status_received')
      .on('orders')
      .columns(['status', 'received_at', 'id'])
      .execute();
    await db.schema.createIndex('orders_status_expires').on('orders').columns(['status', 'expires_at']).execute();
    await db.schema
      .createTable('order_items')
      .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
      .addColumn('line', 'bigint', (c) => c.notNull())
      .addColumn('sku_id', 'text', (c) => c.notNull())
      .addColumn('product_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('sku_name', 'text', (c) => c.notNull())
      .addColumn('price_fen', 'bigint', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      .addColumn('plans', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('order_items_pk', ['order_id', 'line'])
      .execute();
    await db.schema
      .createTable('order_transitions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('from_status', 'text', (c) => c.notNull())
      .addColumn('to_status', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createIndex('order_transitions_order')
      .on('order_transitions')
      .columns(['order_id', 'id'])
      .execute();

    await db.schema
      .createTable('payments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('paid_at', 'text')
      .addColumn('provider_txn', 'text')
      .execute();
    await db.schema.createIndex('payments_order').on('payments').column('order_id').execute();

    await db.schema
      .createTable('accounts')
      .addColumn('address', 'text', (c) => c.primaryKey())
      .addColumn('balance_fen', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('transfers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('from_account', 'text', (c) => c.notNull())
      .addColumn('to_account', 'text', (c) => c.notNull())
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text')
      .addColumn('user_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addCheckConstraint('transfers_positive', sql`amount_fen > 0 and from_account <> to_account`)
      .execute();
    await db.schema.createIndex('transfers_from').on('transfers').columns(['from_account', 'created_at']).execute();
    await db.schema.createIndex('transfers_to').on('transfers').columns(['to_account', 'created_at']).execute();

    await db.schema
      .createTable('withdrawals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addColumn('fee_fen', 'bigint', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('withdrawals_user').on('withdrawals').columns(['user_id', 'created_at']).execute();

    await db.schema
      .createTable('plans')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('enabled', 'bigint', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('acknowledged_at', 'text')
      .addColumn('acknowledged_by', 'text')
      .addColumn('in_use', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('plan_audit')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('enabled', 'bigint', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('acknowledgement', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('incentive_events')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('referrer_id', 'text')
      .addColumn('order_id', 'text')
      .addColumn('amount_fen', 'bigint')
      .addColumn('units', 'bigint')
      .addColumn('plans', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('positions')
      .addColumn('order_id', 'text', (c) => c.primaryKey())
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('ordinal', 'bigint', (c) => c.notNull())
      .addColumn('units', 'bigint', (c) => c.notNull())
      .addColumn('cap_fen', 'bigint', (c) => c.notNull())
      .addColumn('realized_fen', 'bigint', (c) => c.notNull())
      .addColumn('paid_fen', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('positions_user').on('positions').columns(['user_id', 'ordinal']).execute();
    await db.schema
      .createTable('pool_state')
      .addColumn('plan', 'text', (c) => c.primaryKey())
      .addColumn('cash_fen', 'bigint', (c) => c.notNull())
      .addColumn('supply_units', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('pool_history')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('cash_fen', 'bigint', (c) => c.notNull())
      .addColumn('supply_units', 'bigint', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('referral_progress')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('merchant', 'bigint', (c) => c.notNull())
      .addColumn('base_fen', 'bigint', (c) => c.notNull())
      .addColumn('reward_count', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('idempotency')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('response', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_pk', ['scope', 'key'])
      .execute();
  },
};

/**
 * Hardening (issue 7): durable login-code and login-failure counters, purchase limits, and the simulated share of
 * money, so the ledger knows which money came through the sandbox gateway.
 */
const m0002: Migration = {
  async up(db: Db) {
    await db.schema
      .alterTable('login_codes')
      .addColumn('sent_at', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('login_codes')
      .addColumn('send_day', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('login_codes')
      .addColumn('sends_today', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('login_failures')
      .addColumn('account', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'bigint', (c) => c.notNull())
      .addColumn('locked_until', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_subject').on('sessions').columns(['kind', 'subject_id']).execute();
    await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
    await db.schema.createIndex('idempotency_created').on('idempotency').column('created_at').execute();
    await db.schema
      .alterTable('products')
      .addColumn('purchase_limit', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    for (const table of ['accounts', 'transfers', 'orders', 'withdrawals']) {
      await db.schema
        .alterTable(table)
        .addColumn('simulated_fen', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
    }
  },
};

export const MIGRATIONS: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_hardening': m0002,
  '0003_payments': m0003,
  '0004_operator': m0004,
  '0005_ops': m0005Ops,
  '0006_campaigns': m0006Campaigns,
  '0007_checkout': m0007,
  '0008_modes': m0008Modes,
  '0009_line_costs': m0009LineCosts,
  '0010_group_buy': m0010GroupBuy,
  '0011_blind_box': m0011BlindBox,
  '0012_presale': m0012Presale,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
