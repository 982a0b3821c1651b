import { sql, type Kysely, type Migration } from 'kysely';

type Db = Kysely<unknown>;

/**
 * Real money (issue 10): gateway payments and their refunds, after-sales requests by line (售后单), refunded
 * quantities and amounts per order line, the payer's openid, withdrawal payouts through the gateways, notification
 * receipts and reconciliations of the gateways' daily bills.
 */
export const m0003: Migration = {
  async up(db: Db) {
    const bigintZero = (table: string, column: string) =>
      db.schema
        .alterTable(table)
        .addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
    // What each line was paid (its price times quantity, less any discount allocated to it), and what of it went back.
    await bigintZero('order_items', 'paid_fen');
    await bigintZero('order_items', 'refunded_quantity');
    await bigintZero('order_items', 'refunded_fen');
    await db
      .updateTable('order_items' as never)
      .set({ paid_fen: sql`price_fen * quantity` } as never)
      .execute();
    await bigintZero('orders', 'refunded_fen');
    await db.schema.createIndex('orders_status_shipped').on('orders').columns(['status', 'shipped_at']).execute();

    await bigintZero('payments', 'refunded_fen');
    await db.schema.alterTable('payments').addColumn('problem', 'text').execute();
    await db.schema.alterTable('payments').addColumn('checked_at', 'text').execute();
    await db.schema.createIndex('payments_status_created').on('payments').columns(['status', 'created_at']).execute();

    await db.schema
      .createTable('after_sales')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('decision_note', 'text')
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('restock', 'bigint', (c) => c.notNull())
      .addColumn('return_carrier', 'text')
      .addColumn('return_tracking_no', 'text')
      .addColumn('refund_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('after_sales_order').on('after_sales').columns(['order_id', 'created_at']).execute();
    await db.schema.createIndex('after_sales_status').on('after_sales').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('after_sales_user').on('after_sales').columns(['user_id', 'created_at']).execute();
    await db.schema
      .createTable('after_sale_lines')
      .addColumn('after_sale_id', 'text', (c) => c.notNull().references('after_sales.id'))
      .addColumn('line', 'bigint', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('after_sale_lines_pk', ['after_sale_id', 'line'])
      .execute();
    await db.schema
      .createTable('after_sale_transitions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('after_sale_id', 'text', (c) => c.notNull())
      .addColumn('from_status', 'text', (c) => c.notNull())
      .addColumn('to_status', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createIndex('after_sale_transitions_request')
      .on('after_sale_transitions')
      .columns(['after_sale_id', 'id'])
      .execute();

    await db.schema
      .createTable('refunds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('payment_id', 'text', (c) => c.notNull())
      .addColumn('after_sale_id', 'text')
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addColumn('simulated_fen', 'bigint', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('gateway_refund_id', 'text')
      .addColumn('failure_reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text')
      .addCheckConstraint(
        'refunds_positive',
        sql`amount_fen > 0 and simulated_fen >= 0 and simulated_fen <= amount_fen`,
      )
      .execute();
    await db.schema.createIndex('refunds_order').on('refunds').columns(['order_id', 'created_at']).execute();
    await db.schema.createIndex('refunds_status').on('refunds').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('refunds_completed').on('refunds').columns(['channel', 'completed_at']).execute();

    await db.schema
      .createTable('user_openids')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('appid', 'text', (c) => c.notNull())
      .addColumn('openid', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_openids_pk', ['user_id', 'appid'])
      .execute();

    for (const column of [
      'payee',
      'payee_name',
      'payout_channel',
      'gateway_transfer_id',
      'package_info',
      'failure_reason',
    ]) {
      await db.schema.alterTable('withdrawals').addColumn(column, 'text').execute();
    }
    await db.schema.createIndex('withdrawals_status').on('withdrawals').columns(['status', 'updated_at']).execute();

    await db.schema
      .createTable('gateway_notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('gateway', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('verdict', 'text', (c) => c.notNull())
      .addColumn('deliveries', 'bigint', (c) => c.notNull())
      .addColumn('first_at', 'text', (c) => c.notNull())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('reconciliations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('gateway', 'text', (c) => c.notNull())
      .addColumn('bill_date', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('differences', 'bigint', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('reconciliations_day')
      .on('reconciliations')
      .columns(['gateway', 'bill_date', 'created_at'])
      .execute();
  },
};
