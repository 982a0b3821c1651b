import type { Kysely, Migration } from 'kysely';

type Db = Kysely<unknown>;

/**
 * Issue 12, blind boxes (盲盒, SPEC 3.3): a series sells one box SKU and draws one of its items per box by published
 * weights. The server seed is stored from creation and only its sha256 is shown until the series closes. The box
 * lines of an order are written when it is placed (with the buyer's seed); the draws when it is paid: the unique
 * (order_id, unit) makes a paid order draw exactly once, the unique (series_id, user_id, nonce) keeps each buyer's
 * nonces a gapless count. A shopper's answer to the age question (SAMR 2023: no sale under 8) is kept once.
 */
export const m0011BlindBox: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('blind_box_series')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('product_id', 'text', (c) => c.notNull())
      .addColumn('sku_id', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('server_seed', 'text', (c) => c.notNull())
      .addColumn('seed_hash', 'text', (c) => c.notNull())
      .addColumn('daily_cap_fen', 'bigint', (c) => c.notNull())
      .addColumn('guarantee', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text')
      .addColumn('closed_at', 'text')
      .execute();
    await db.schema
      .createTable('blind_box_items')
      .addColumn('series_id', 'text', (c) => c.notNull())
      .addColumn('idx', 'bigint', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value_fen', 'bigint', (c) => c.notNull())
      .addColumn('weight', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('blind_box_items_pk', ['series_id', 'idx'])
      .execute();
    await db.schema
      .createTable('blind_box_lines')
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('line', 'bigint', (c) => c.notNull())
      .addColumn('series_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('buyer_seed', 'text', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      .addColumn('paid_fen', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('blind_box_lines_pk', ['order_id', 'line'])
      .execute();
    await db.schema
      .createIndex('blind_box_lines_user')
      .on('blind_box_lines')
      .columns(['user_id', 'series_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('blind_box_draws')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('series_id', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('unit', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('buyer_seed', 'text', (c) => c.notNull())
      .addColumn('nonce', 'bigint', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('item_idx', 'bigint', (c) => c.notNull())
      .addColumn('drawn_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('blind_box_draws_order_unit', ['order_id', 'unit'])
      .addUniqueConstraint('blind_box_draws_nonce', ['series_id', 'user_id', 'nonce'])
      .execute();
    await db.schema.createIndex('blind_box_draws_series').on('blind_box_draws').columns(['series_id', 'id']).execute();
    await db.schema
      .createTable('blind_box_ages')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('at_least_8', 'bigint', (c) => c.notNull())
      .addColumn('answered_at', 'text', (c) => c.notNull())
      .execute();
  },
};
