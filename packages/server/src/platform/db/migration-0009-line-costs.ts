import { sql, type Kysely, type Migration } from 'kysely';

type Db = Kysely<unknown>;

/**
 * Issue 9, margin on the dashboard: each order line freezes its cost (quantity x the SKU's cost) when the order is
 * placed, so a later cost edit does not rewrite the margin of orders already sold. Lines placed before this existed
 * are backfilled from their SKU's cost now, the best figure there is for them (a SKU since deleted leaves 0).
 */
export const m0009LineCosts: Migration = {
  async up(db: Db) {
    await db.schema
      .alterTable('order_items')
      .addColumn('cost_fen', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`update order_items set cost_fen = quantity * coalesce(
        (select skus.cost_fen from skus where skus.id = order_items.sku_id), 0)`.execute(db);
  },
};
