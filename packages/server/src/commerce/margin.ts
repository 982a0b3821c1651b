import { keptLineCost, marginFen } from '@mall/core';
import { sql } from 'kysely';
import type { Db, Tx } from '../platform/db/database';
import { PAID_STATUSES } from './order-views';

/**
 * The mall's margin over the orders sales count (paid, not wholly refunded): revenue kept minus the frozen cost of
 * the units kept (core's keptLineCost). Lines with no refunded unit keep their whole cost and are summed by the
 * database; only partly refunded lines, few, are read and apportioned by core.
 */
export async function marginFigures(db: Db | Tx, revenueFen: bigint) {
  const whole = await db
    .selectFrom('order_items')
    .innerJoin('orders', 'orders.id', 'order_items.order_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<bigint>('order_items.cost_fen'), sql<bigint>`0`).as('fen'))
    .where('orders.status', 'in', PAID_STATUSES)
    .where('order_items.refunded_quantity', '=', 0n)
    .executeTakeFirstOrThrow();
  const partial = await db
    .selectFrom('order_items')
    .innerJoin('orders', 'orders.id', 'order_items.order_id')
    .select(['order_items.cost_fen', 'order_items.quantity', 'order_items.refunded_quantity'])
    .where('orders.status', 'in', PAID_STATUSES)
    .where('order_items.refunded_quantity', '>', 0n)
    .execute();
  let costFen = BigInt(whole.fen);
  for (const line of partial)
    costFen += keptLineCost({
      costFen: line.cost_fen,
      quantity: line.quantity,
      refundedQuantity: line.refunded_quantity,
    });
  return { costFen, marginFen: marginFen(revenueFen, costFen) };
}
