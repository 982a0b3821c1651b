import { sql } from 'kysely';
import type { Db, Tx } from '../../platform/db/database';
import { prepared } from '../../platform/db/prepared';
import { inTx } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';

/**
 * Flash sales (秒杀). A sale sets `quantity` units of a SKU aside from its stock when it is created (the SKU's
 * `stock` goes down, so ordinary buyers cannot take them). The durable truth of what is left is the sale row:
 * a reservation is one conditional UPDATE `sold + reserved + q <= quantity`, and one `flash_reservations` row per
 * order says what that order holds. The reserved units are also the SKU's `reserved`, so paying the order moves
 * them to `sold` through the ordinary inventory commit; a cancelled reservation goes back to the sale, not to the
 * SKU's stock. When the sale ends, what was never sold nor reserved goes back to the SKU's stock, and a
 * reservation released after that goes back to the stock directly.
 */
export interface FlashSaleInput {
  skuId: string;
  priceFen: bigint;
  quantity: bigint;
  perUserLimit: bigint;
  timeoutMinutes: bigint;
  startsAt: string;
  endsAt: string;
}

export interface FlashSaleView {
  id: string;
  productId: string;
  skuId: string;
  title: string;
  skuName: string;
  imageUrl: string;
  skuPriceFen: bigint;
  priceFen: bigint;
  quantity: bigint;
  sold: bigint;
  reserved: bigint;
  remaining: bigint;
  perUserLimit: bigint;
  timeoutMinutes: bigint;
  startsAt: string;
  endsAt: string;
  /** upcoming | running | ended | cancelled (ended also once sold out? no: a sold-out sale is still running). */
  state: 'upcoming' | 'running' | 'ended' | 'cancelled';
}

function saleQuery(db: Db | Tx) {
  return db
    .selectFrom('flash_sales')
    .innerJoin('skus', 'skus.id', 'flash_sales.sku_id')
    .innerJoin('products', 'products.id', 'flash_sales.product_id')
    .selectAll('flash_sales')
    .select([
      'products.title',
      'products.image_url',
      'products.on_shelf',
      'skus.name as sku_name',
      'skus.price_fen as sku_price_fen',
    ]);
}
type SaleRow = Awaited<ReturnType<ReturnType<typeof saleQuery>['execute']>>[number];

function stateOf(row: { status: string; starts_at: string; ends_at: string }, now: string): FlashSaleView['state'] {
  if (row.status === 'cancelled') return 'cancelled';
  if (row.status === 'ended' || row.ends_at <= now) return 'ended';
  return row.starts_at <= now ? 'running' : 'upcoming';
}

function view(row: SaleRow, now: string): FlashSaleView {
  const state = stateOf(row, now);
  return {
    id: row.id,
    productId: row.product_id,
    skuId: row.sku_id,
    title: row.title,
    skuName: row.sku_name,
    imageUrl: row.image_url,
    skuPriceFen: row.sku_price_fen,
    priceFen: row.price_fen,
    quantity: row.quantity,
    sold: row.sold,
    reserved: row.reserved,
    remaining: state === 'running' || state === 'upcoming' ? row.quantity - row.sold - row.reserved : 0n,
    perUserLimit: row.per_user_limit,
    timeoutMinutes: row.timeout_minutes,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    state,
  };
}

export async function listFlashSales(db: Db | Tx, filter: { shopper?: boolean } = {}): Promise<FlashSaleView[]> {
  const now = nowIso();
  let query = saleQuery(db).orderBy('flash_sales.starts_at').orderBy('flash_sales.id');
  // Shoppers see what runs now or later, of products on the shelf.
  if (filter.shopper === true)
    query = query
      .where('flash_sales.status', '=', 'active')
      .where('flash_sales.ends_at', '>', now)
      .where('products.on_shelf', '=', 1n);
  return (await query.execute()).map((row) => view(row, now));
}

export async function getFlashSale(db: Db | Tx, id: string, shopper = false): Promise<FlashSaleView> {
  const row = await saleQuery(db).where('flash_sales.id', '=', id).executeTakeFirst();
  if (!row || (shopper && (row.on_shelf !== 1n || row.status === 'cancelled'))) fail('flash_sale_not_found');
  return view(row, nowIso());
}

/** Creates a sale, setting its units aside from the SKU's stock in the same transaction. */
export async function createFlashSale(db: Db, input: FlashSaleInput): Promise<FlashSaleView> {
  const starts = Date.parse(input.startsAt);
  const ends = Date.parse(input.endsAt);
  if (Number.isNaN(starts) || Number.isNaN(ends) || ends <= starts)
    fail('invalid_parameter', 'endsAt must be after startsAt (ISO-8601 times)');
  if (input.quantity < 1n) fail('invalid_parameter', 'quantity must be at least 1');
  if (input.priceFen < 0n) fail('invalid_parameter', 'priceFen must be at least 0');
  const id = newId('fls');
  await inTx(db, async (trx) => {
    const sku = await trx
      .selectFrom('skus')
      .select(['id', 'product_id'])
      .where('id', '=', input.skuId)
      .executeTakeFirst();
    if (!sku) fail('sku_not_found');
    const aside = await trx
      .updateTable('skus')
      .set({ stock: sql`stock - ${input.quantity}` })
      .where('id', '=', input.skuId)
      .where('stock', '>=', input.quantity)
      .executeTakeFirst();
    if (aside.numUpdatedRows !== 1n) fail('out_of_stock', 'the SKU has fewer units in stock than the sale needs');
    await trx
      .insertInto('flash_sales')
      .values({
        id,
        product_id: sku.product_id,
        sku_id: input.skuId,
        price_fen: input.priceFen,
        quantity: input.quantity,
        sold: 0n,
        reserved: 0n,
        per_user_limit: input.perUserLimit,
        timeout_minutes: input.timeoutMinutes,
        starts_at: new Date(starts).toISOString(),
        ends_at: new Date(ends).toISOString(),
        status: 'active',
        created_at: nowIso(),
      })
      .execute();
  });
  return getFlashSale(db, id);
}

/**
 * Ends a sale: what was neither sold nor reserved goes back to the SKU's stock, once (the status flip is the claim).
 * `cancelled` is the same ended early by staff.
 */
async function closeSale(trx: Tx, id: string, status: 'ended' | 'cancelled'): Promise<boolean> {
  const sale = await trx.selectFrom('flash_sales').selectAll().where('id', '=', id).executeTakeFirst();
  if (!sale) fail('flash_sale_not_found');
  const flipped = await trx
    .updateTable('flash_sales')
    .set({ status, quantity: sql`sold + reserved` })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (flipped.numUpdatedRows !== 1n) return false;
  const leftover = sale.quantity - sale.sold - sale.reserved;
  if (leftover > 0n)
    await trx
      .updateTable('skus')
      .set({ stock: sql`stock + ${leftover}` })
      .where('id', '=', sale.sku_id)
      .execute();
  return true;
}

export async function cancelFlashSale(db: Db, id: string): Promise<FlashSaleView> {
  await inTx(db, async (trx) => {
    if (!(await closeSale(trx, id, 'cancelled'))) fail('flash_sale_not_running');
  });
  return getFlashSale(db, id);
}

/** The sweep: sales whose window has passed give their leftover units back to stock. */
export async function closeEndedFlashSales(db: Db): Promise<number> {
  const due = await db
    .selectFrom('flash_sales')
    .select('id')
    .where('status', '=', 'active')
    .where('ends_at', '<=', nowIso())
    .execute();
  let closed = 0;
  for (const { id } of due) if (await inTx(db, (trx) => closeSale(trx, id, 'ended'))) closed += 1;
  return closed;
}

/** What a sale tells the checkout: its price and its terms, if it is running now for this SKU. */
export async function runningSale(trx: Tx, saleId: string, skuId: string, now: string) {
  const sale = await trx.selectFrom('flash_sales').selectAll().where('id', '=', saleId).executeTakeFirst();
  if (!sale || sale.sku_id !== skuId) fail('flash_sale_not_found');
  if (sale.status !== 'active' || sale.starts_at > now || sale.ends_at <= now) fail('flash_sale_not_running');
  return sale;
}

/**
 * Takes `quantity` units of a sale for an order: the shopper's units in this sale (reserved or paid) plus these may
 * not pass the per-user limit (the caller holds the shopper's lock), and the sale may not pass its quantity.
 */
export async function reserveFlash(
  trx: Tx,
  sale: { id: string; sku_id: string; per_user_limit: bigint },
  orderId: string,
  userId: string,
  quantity: bigint,
  now: string,
): Promise<void> {
  if (sale.per_user_limit > 0n) {
    const held = await trx
      .selectFrom('flash_reservations')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<bigint>('quantity'), sql<bigint>`0`).as('n'))
      .where('sale_id', '=', sale.id)
      .where('user_id', '=', userId)
      .where('status', 'in', ['reserved', 'paid'])
      .executeTakeFirstOrThrow();
    if (BigInt(held.n) + quantity > sale.per_user_limit)
      fail('flash_limit_exceeded', `limit ${sale.per_user_limit}, already ${BigInt(held.n)}`);
  }
  const taken = await trx
    .updateTable('flash_sales')
    .set({ reserved: sql`reserved + ${quantity}` })
    .where('id', '=', sale.id)
    .where('status', '=', 'active')
    .where(sql<boolean>`sold + reserved + ${quantity} <= quantity`)
    .executeTakeFirst();
  if (taken.numUpdatedRows !== 1n) fail('flash_sold_out');
  await trx
    .updateTable('skus')
    .set({ reserved: sql`reserved + ${quantity}` })
    .where('id', '=', sale.sku_id)
    .execute();
  await trx
    .insertInto('flash_reservations')
    .values({ order_id: orderId, sale_id: sale.id, user_id: userId, quantity, status: 'reserved', created_at: now })
    .execute();
}

/** The order was paid: its reservation becomes sold on the sale (the SKU's side is the ordinary commit). */
// Run for every paid order, flash sale or not: a prepared query.
const commitReservationsQuery = prepared((trx, orderId: string) =>
  trx
    .updateTable('flash_reservations')
    .set({ status: 'paid' })
    .where('order_id', '=', orderId)
    .where('status', '=', 'reserved')
    .returning(['sale_id', 'quantity']),
);

export async function commitFlash(trx: Tx, orderId: string): Promise<void> {
  const held = (await commitReservationsQuery(trx, orderId)).rows;
  for (const r of held)
    await trx
      .updateTable('flash_sales')
      .set({ reserved: sql`reserved - ${r.quantity}`, sold: sql`sold + ${r.quantity}` })
      .where('id', '=', r.sale_id)
      .execute();
}

/**
 * The unpaid order was cancelled: its units go back to the sale while it is active (and to the SKU's stock once it
 * has ended). Returns what went back to active sales, so the caller's in-memory gate can count them again.
 */
export async function releaseFlash(trx: Tx, orderId: string): Promise<{ saleId: string; quantity: bigint }[]> {
  const held = await trx
    .updateTable('flash_reservations')
    .set({ status: 'released' })
    .where('order_id', '=', orderId)
    .where('status', '=', 'reserved')
    .returning(['sale_id', 'quantity'])
    .execute();
  const back: { saleId: string; quantity: bigint }[] = [];
  for (const r of held) {
    const sale = await trx
      .selectFrom('flash_sales')
      .select(['status', 'sku_id'])
      .where('id', '=', r.sale_id)
      .executeTakeFirstOrThrow();
    const active = sale.status === 'active';
    // An ended sale's quantity was cut to sold + reserved: the released units leave the sale with the reservation.
    await trx
      .updateTable('flash_sales')
      .set(
        active
          ? { reserved: sql`reserved - ${r.quantity}` }
          : { reserved: sql`reserved - ${r.quantity}`, quantity: sql`quantity - ${r.quantity}` },
      )
      .where('id', '=', r.sale_id)
      .execute();
    await trx
      .updateTable('skus')
      .set(
        active
          ? { reserved: sql`reserved - ${r.quantity}` }
          : { reserved: sql`reserved - ${r.quantity}`, stock: sql`stock + ${r.quantity}` },
      )
      .where('id', '=', sale.sku_id)
      .execute();
    if (active) back.push({ saleId: r.sale_id, quantity: r.quantity });
  }
  return back;
}

/** What is left of a sale right now and whether it runs, from the database (the gate's source of truth). */
export async function flashRemaining(db: Db | Tx, saleId: string): Promise<{ left: bigint; running: boolean }> {
  const sale = await db
    .selectFrom('flash_sales')
    .select(['quantity', 'sold', 'reserved', 'status', 'starts_at', 'ends_at'])
    .where('id', '=', saleId)
    .executeTakeFirst();
  if (!sale) fail('flash_sale_not_found');
  if (sale.status !== 'active') return { left: 0n, running: false };
  const now = nowIso();
  return { left: sale.quantity - sale.sold - sale.reserved, running: sale.starts_at <= now && sale.ends_at > now };
}
