import type { Kysely, Migration } from 'kysely';

type Db = Kysely<unknown>;

/**
 * Issue 12 part 3: presales (预售). A presale order is one order paid in two payments (deposit, then balance); its
 * presale row says which part is paid, and each payment's part is recorded when it is created. The sweep of unpaid
 * balances reads `presale_orders` by (status, balance_ends_at).
 */
export const m0012Presale: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('presales')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
      .addColumn('sku_id', 'text', (c) => c.notNull().references('skus.id'))
      .addColumn('price_fen', 'bigint', (c) => c.notNull())
      .addColumn('deposit_fen', 'bigint', (c) => c.notNull())
      .addColumn('counts_as_fen', 'bigint', (c) => c.notNull())
      .addColumn('deposit_starts_at', 'text', (c) => c.notNull())
      .addColumn('deposit_ends_at', 'text', (c) => c.notNull())
      .addColumn('balance_starts_at', 'text', (c) => c.notNull())
      .addColumn('balance_ends_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('presales_sku').on('presales').columns(['sku_id', 'status']).execute();
    await db.schema
      .createTable('presale_orders')
      .addColumn('order_id', 'text', (c) => c.primaryKey().references('orders.id'))
      .addColumn('presale_id', 'text', (c) => c.notNull().references('presales.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      .addColumn('deposit_fen', 'bigint', (c) => c.notNull())
      .addColumn('balance_fen', 'bigint', (c) => c.notNull())
      .addColumn('balance_starts_at', 'text', (c) => c.notNull())
      .addColumn('balance_ends_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('deposit_payment_id', 'text')
      .addColumn('deposit_paid_at', 'text')
      .addColumn('deposit_simulated_fen', 'bigint', (c) => c.notNull())
      .addColumn('balance_payment_id', 'text')
      .addColumn('balance_paid_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('presale_orders_due')
      .on('presale_orders')
      .columns(['status', 'balance_ends_at'])
      .execute();
    await db.schema
      .createIndex('presale_orders_presale')
      .on('presale_orders')
      .columns(['presale_id', 'status'])
      .execute();
    await db.schema
      .createTable('presale_payments')
      .addColumn('payment_id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('part', 'text', (c) => c.notNull())
      .execute();
  },
};
