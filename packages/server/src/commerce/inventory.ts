import { sql } from 'kysely';
import type { Tx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { prepared } from '../platform/db/prepared';

const reserveQuery = prepared((trx, skuId: string, quantity: bigint, minimum: bigint) =>
  trx
    .updateTable('skus')
    .set({ stock: sql`stock - ${quantity}`, reserved: sql`reserved + ${quantity}` })
    .where('id', '=', skuId)
    .where('stock', '>=', minimum),
);

const commitQuery = prepared((trx, skuId: string, quantity: bigint) =>
  trx
    .updateTable('skus')
    .set({ reserved: sql`reserved - ${quantity}`, sold: sql`sold + ${quantity}` })
    .where('id', '=', skuId),
);

/**
 * Stock per SKU: `stock` is what buyers can still take, `reserved` is held by unpaid orders, `sold` by paid ones.
 * Every change is one conditional UPDATE, never read-then-write, so concurrent buyers cannot oversell.
 */
export async function reserve(trx: Tx, skuId: string, quantity: bigint): Promise<void> {
  const result = await reserveQuery(trx, skuId, quantity, quantity);
  if (result.numAffectedRows !== 1n) fail('out_of_stock');
}

export async function commit(trx: Tx, skuId: string, quantity: bigint): Promise<void> {
  await commitQuery(trx, skuId, quantity);
}

export async function release(trx: Tx, skuId: string, quantity: bigint): Promise<void> {
  await trx
    .updateTable('skus')
    .set({ stock: sql`stock + ${quantity}`, reserved: sql`reserved - ${quantity}` })
    .where('id', '=', skuId)
    .execute();
}

/** A refunded paid order's goods come back to the shelf. */
export async function restock(trx: Tx, skuId: string, quantity: bigint): Promise<void> {
  await trx
    .updateTable('skus')
    .set({ stock: sql`stock + ${quantity}`, sold: sql`sold - ${quantity}` })
    .where('id', '=', skuId)
    .execute();
}
