import { sql, type Kysely, type Migration } from 'kysely';

type Db = Kysely<unknown>;

/**
 * Checkout (issues 11 and 13): the priced order (per line unit price, price source, 满减 and coupon shares, paid
 * amount; per order subtotal, discount, shipping), coupons, 满减 activities, flash sales with their reservations,
 * freight templates, and the shoppers' address books.
 *
 * `order_items.paid_fen` and `order_items.category_id` are also added by other branches (after-sales, campaigns) with
 * the same names and meanings; a column that already exists is left alone, so this migration runs after either.
 */
async function hasColumn(db: Db, table: string, column: string): Promise<boolean> {
  // Only the current schema counts on PostgreSQL (tests keep many schemas in one database).
  const postgres = db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
  const found = postgres
    ? await sql<{ n: unknown }>`select 1 as n from information_schema.columns
        where table_schema = current_schema() and table_name = ${table} and column_name = ${column}`.execute(db)
    : await sql<{ n: unknown }>`select 1 as n from pragma_table_info(${table}) where name = ${column}`.execute(db);
  return found.rows.length > 0;
}

async function addBigint(db: Db, table: string, column: string): Promise<void> {
  if (await hasColumn(db, table, column)) return;
  await db.schema
    .alterTable(table)
    .addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

async function addText(db: Db, table: string, column: string, fallback?: string): Promise<void> {
  if (await hasColumn(db, table, column)) return;
  await db.schema
    .alterTable(table)
    .addColumn(column, 'text', (c) => (fallback === undefined ? c : c.notNull().defaultTo(fallback)))
    .execute();
}

export const m0007: Migration = {
  async up(db: Db) {
    // Lines of orders placed before pricing existed were paid their SKU price times quantity.
    const hadPaid = await hasColumn(db, 'order_items', 'paid_fen');
    await addBigint(db, 'order_items', 'paid_fen');
    await addBigint(db, 'order_items', 'unit_price_fen');
    await addBigint(db, 'order_items', 'threshold_discount_fen');
    await addBigint(db, 'order_items', 'coupon_discount_fen');
    await addText(db, 'order_items', 'price_source', 'sku');
    await addText(db, 'order_items', 'category_id');
    await addText(db, 'order_items', 'flash_sale_id');
    await db
      .updateTable('order_items' as never)
      .set({ unit_price_fen: sql`price_fen` } as never)
      .execute();
    if (!hadPaid) {
      await db
        .updateTable('order_items' as never)
        .set({ paid_fen: sql`price_fen * quantity` } as never)
        .execute();
    }
    await addBigint(db, 'orders', 'subtotal_fen');
    await addBigint(db, 'orders', 'discount_fen');
    await addBigint(db, 'orders', 'shipping_fen');
    await addText(db, 'orders', 'coupon_id');
    await addText(db, 'orders', 'threshold_activity_id');
    await db
      .updateTable('orders' as never)
      .set({ subtotal_fen: sql`amount_fen` } as never)
      .execute();

    await addText(db, 'products', 'freight_template_id');
    await addBigint(db, 'skus', 'weight_grams');

    await db.schema
      .createTable('addresses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('is_default', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('addresses_user').on('addresses').columns(['user_id', 'created_at']).execute();

    await db.schema
      .createTable('freight_templates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('basis', 'text', (c) => c.notNull())
      .addColumn('rules', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('coupon_templates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value_fen', 'bigint', (c) => c.notNull())
      .addColumn('off_bps', 'bigint', (c) => c.notNull())
      .addColumn('cap_fen', 'bigint')
      .addColumn('threshold_fen', 'bigint', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('validity', 'text', (c) => c.notNull())
      .addColumn('total_quantity', 'bigint', (c) => c.notNull())
      .addColumn('issued', 'bigint', (c) => c.notNull())
      .addColumn('per_user_limit', 'bigint', (c) => c.notNull())
      .addColumn('claimable', 'bigint', (c) => c.notNull())
      .addColumn('new_shopper_gift', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('coupons')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('template_id', 'text', (c) => c.notNull().references('coupon_templates.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text')
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('claimed_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema.createIndex('coupons_user').on('coupons').columns(['user_id', 'status']).execute();
    await db.schema.createIndex('coupons_template_user').on('coupons').columns(['template_id', 'user_id']).execute();
    await db.schema.createIndex('coupons_order').on('coupons').column('order_id').execute();

    await db.schema
      .createTable('spend_thresholds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('tiers', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('flash_sales')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
      .addColumn('sku_id', 'text', (c) => c.notNull().references('skus.id'))
      .addColumn('price_fen', 'bigint', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      .addColumn('sold', 'bigint', (c) => c.notNull())
      .addColumn('reserved', 'bigint', (c) => c.notNull())
      .addColumn('per_user_limit', 'bigint', (c) => c.notNull())
      .addColumn('timeout_minutes', 'bigint', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('flash_sales_window').on('flash_sales').columns(['status', 'ends_at']).execute();
    await db.schema
      .createTable('flash_reservations')
      // No foreign key to orders: the units are taken before the order row is written, in the same transaction.
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('sale_id', 'text', (c) => c.notNull().references('flash_sales.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('flash_reservations_pk', ['order_id', 'sale_id'])
      .execute();
    await db.schema
      .createIndex('flash_reservations_user')
      .on('flash_reservations')
      .columns(['sale_id', 'user_id', 'status'])
      .execute();
  },
};
