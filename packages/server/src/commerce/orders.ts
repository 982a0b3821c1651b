import { createHash } from 'node:crypto';
import { allocateProportionally } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { inTx, isPostgres } from '../platform/db/database';
import { fail, Failure } from '../platform/errors';
import { isUniqueViolation } from '../platform/idempotency';
import { newId } from '../platform/ids';
import { DAY_MS, MINUTE_MS, isoPlusMs, nowIso } from '../platform/clock';
import { recordCreation, transition } from './order-machine';
import { assertOrderOwner, type Address, type OrderView } from './order-views';
import * as inventory from './inventory';
import { loadSettings, type Settings } from '../platform/settings';
import { prepared } from '../platform/db/prepared';

export interface CreateOrderInput {
  items: { skuId: string; quantity: number }[];
  address: Address;
}

function requestHash(input: CreateOrderInput): string {
  const canonical = {
    items: input.items.map((i) => [i.skuId, i.quantity]),
    address: [input.address.name, input.address.phone, input.address.region, input.address.detail],
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

const findByKeyQuery = prepared((db, userId: string, key: string) =>
  db
    .selectFrom('orders')
    .select(['id', 'request_hash'])
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', key),
);

async function findByKey(
  db: Db | Tx,
  userId: string,
  key: string,
): Promise<{ id: string; request_hash: string } | undefined> {
  return (await findByKeyQuery(db, userId, key)).rows[0];
}

const insertOrderQuery = prepared(
  (
    trx,
    id: string,
    userId: string,
    amountFen: bigint,
    address: string,
    key: string,
    hash: string,
    createdAt: string,
    expiresAt: string,
  ) =>
    trx.insertInto('orders').values({
      id,
      user_id: userId,
      status: 'created',
      amount_fen: amountFen,
      address,
      idempotency_key: key,
      request_hash: hash,
      created_at: createdAt,
      expires_at: expiresAt,
      paid_at: null,
      shipped_at: null,
      received_at: null,
      settled_at: null,
      carrier: null,
      tracking_no: null,
      payment_id: null,
      refund_status: null,
      refund_reason: null,
      refund_from: null,
    }),
);

const skuLineSelect = [
  'skus.id as sku_id',
  'skus.name as sku_name',
  'skus.price_fen',
  'products.id as product_id',
  'products.title',
  'products.on_shelf',
  'products.category_id',
  'products.purchase_limit',
] as const;

/** One SKU per order line at most this many units, counted after duplicate lines are merged. */
export const MAX_UNITS_PER_SKU = 1000n;

const unpaidCountQuery = prepared((trx, userId: string, status: string) =>
  trx
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .where('user_id', '=', userId)
    .where('status', '=', status),
);

const lockUserQuery = prepared((trx, userId: string) =>
  trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate(),
);

/** Statuses in which an order still holds its goods for the shopper (counted against a purchase limit). */
const HOLDING = ['created', 'paid', 'shipped', 'received', 'settled', 'refunding'];

/**
 * Stock hoarding guards, checked under the shopper's row lock on PostgreSQL (SQLite runs one writer at a time): at
 * most `maxUnpaidOrders` open unpaid orders, and per product at most its purchase limit in orders that still hold
 * goods.
 */
async function checkHoarding(
  trx: Tx,
  userId: string,
  settings: Settings,
  limited: ReadonlyMap<string, { limit: bigint; quantity: bigint; title: string }>,
): Promise<void> {
  if (isPostgres(trx)) await lockUserQuery(trx, userId);
  const unpaid = (await unpaidCountQuery(trx, userId, 'created')).rows[0];
  if (BigInt(unpaid?.n ?? 0) >= BigInt(settings.maxUnpaidOrders)) fail('too_many_unpaid_orders');
  if (limited.size === 0) return;
  const held = await trx
    .selectFrom('order_items')
    .innerJoin('orders', 'orders.id', 'order_items.order_id')
    .select(['order_items.product_id', (eb) => eb.fn.sum<bigint>('order_items.quantity').as('quantity')])
    .where('orders.user_id', '=', userId)
    .where('orders.status', 'in', HOLDING)
    .where('order_items.product_id', 'in', [...limited.keys()])
    .groupBy('order_items.product_id')
    .execute();
  const heldBy = new Map(held.map((h) => [h.product_id, BigInt(h.quantity)]));
  for (const [productId, want] of limited) {
    const already = heldBy.get(productId) ?? 0n;
    if (already + want.quantity > want.limit) {
      fail('purchase_limit_exceeded', `${want.title}: limit ${want.limit}, already ${already}`);
    }
  }
}

/** The one-SKU order (the usual case) reads its line with a prepared query; more SKUs build the IN list. */
const oneSkuLineQuery = prepared((trx, skuId: string) =>
  trx
    .selectFrom('skus')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select(skuLineSelect)
    .where('skus.id', '=', skuId),
);

const orderItemsQuery = prepared((db, orderId: string) =>
  db.selectFrom('order_items').select(['sku_id', 'quantity']).where('order_id', '=', orderId).orderBy('line'),
);

/**
 * Creates an order, reserving stock in the same transaction. Same Idempotency-Key + same body returns the first
 * order; same key + different body is idempotency_key_reused. Two concurrent first attempts race on the unique
 * (user, key) constraint: the loser reads the winner's order.
 */
export async function createOrder(
  db: Db,
  userId: string,
  key: string,
  input: CreateOrderInput,
  settings: Settings,
): Promise<{ orderId: string; replayed: boolean; view?: OrderView }> {
  const hash = requestHash(input);
  const existing = await findByKey(db, userId, key);
  if (existing) {
    if (existing.request_hash !== hash) fail('idempotency_key_reused');
    return { orderId: existing.id, replayed: true };
  }
  try {
    const view = await inTx(db, (trx) => insertOrder(trx, userId, key, hash, input, settings));
    return { orderId: view.id, replayed: false, view };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findByKey(db, userId, key);
    if (!winner) throw error;
    if (winner.request_hash !== hash) fail('idempotency_key_reused');
    return { orderId: winner.id, replayed: true };
  }
}

async function insertOrder(
  trx: Tx,
  userId: string,
  key: string,
  hash: string,
  input: CreateOrderInput,
  settings: Settings,
): Promise<OrderView> {
  if (input.items.length === 0) fail('invalid_request', 'an order needs at least one item');
  // Lines of one SKU are merged first, so repeating a line cannot get around the per-SKU cap.
  const quantities = new Map<string, bigint>();
  for (const item of input.items) {
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1)
      fail('invalid_request', 'quantity must be a positive integer');
    const merged = (quantities.get(item.skuId) ?? 0n) + BigInt(item.quantity);
    if (merged > MAX_UNITS_PER_SKU) fail('invalid_request', `at most ${MAX_UNITS_PER_SKU} units of one SKU per order`);
    quantities.set(item.skuId, merged);
  }
  const skuIds = [...quantities.keys()].sort();
  const rows =
    skuIds.length === 1
      ? (await oneSkuLineQuery(trx, skuIds[0] ?? '')).rows
      : await trx
          .selectFrom('skus')
          .innerJoin('products', 'products.id', 'skus.product_id')
          .select(skuLineSelect)
          .where('skus.id', 'in', skuIds)
          .execute();
  const bySku = new Map(rows.map((r) => [r.sku_id, r]));
  let amountFen = 0n;
  const now = nowIso();
  const orderId = newId('ord');
  const items = skuIds.map((skuId, line) => {
    const row = bySku.get(skuId);
    if (!row) fail('sku_not_found', skuId);
    if (row.on_shelf !== 1n) fail('product_off_shelf', row.title);
    const quantity = quantities.get(skuId) ?? 0n;
    amountFen += row.price_fen * quantity;
    return {
      order_id: orderId,
      line: BigInt(line),
      sku_id: skuId,
      product_id: row.product_id,
      title: row.title,
      sku_name: row.sku_name,
      price_fen: row.price_fen,
      quantity,
      category_id: row.category_id,
      paid_fen: row.price_fen * quantity,
    };
  });
  // No order-level discount exists yet (promotions will pass theirs here): each line is paid its price x quantity.
  const paid = linePaidFen(
    items.map((i) => i.paid_fen),
    0n,
  );
  items.forEach((item, i) => {
    item.paid_fen = paid[i] ?? item.paid_fen;
  });
  const limited = new Map<string, { limit: bigint; quantity: bigint; title: string }>();
  for (const item of items) {
    const limit = bySku.get(item.sku_id)?.purchase_limit ?? 0n;
    if (limit <= 0n) continue;
    const entry = limited.get(item.product_id) ?? { limit, quantity: 0n, title: item.title };
    entry.quantity += item.quantity;
    limited.set(item.product_id, entry);
  }
  await checkHoarding(trx, userId, settings, limited);
  // Reserve in sku-id order so two orders for the same SKUs always lock them in the same order (no deadlock on PG).
  for (const item of items) await inventory.reserve(trx, item.sku_id, item.quantity);
  const address = JSON.stringify(input.address);
  const expiresAt = isoPlusMs(now, settings.unpaidTimeoutMinutes * MINUTE_MS);
  await insertOrderQuery(trx, orderId, userId, amountFen, address, key, hash, now, expiresAt);
  await trx.insertInto('order_items').values(items).execute();
  const actor = `user:${userId}`;
  await recordCreation(trx, orderId, actor, now);
  // The new order's view is exactly what was just written (getOrderView would read it back: four more queries).
  return {
    id: orderId,
    userId,
    status: 'created',
    amountFen,
    items: items.map((i) => ({
      skuId: i.sku_id,
      productId: i.product_id,
      title: i.title,
      skuName: i.sku_name,
      priceFen: i.price_fen,
      quantity: i.quantity,
      paidFen: i.paid_fen,
      refundedQuantity: 0n,
      refundedFen: 0n,
    })),
    address: JSON.parse(address) as Address,
    createdAt: now,
    paidAt: null,
    receivedAt: null,
    settledAt: null,
    transitions: [{ from: 'none', to: 'created', at: now, actor, note: null }],
    refund: null,
    refundedFen: 0n,
    afterSales: [],
    payment: null,
    shipment: null,
  };
}

/**
 * What each line is paid: its gross (price x quantity) less its share of an order-level discount, allocated by core's
 * allocateProportionally (floors, with the fen they leave going to the largest line). Stored as order_items.paid_fen,
 * it is what a line refund returns, to the fen, and what settlement counts for the line.
 */
export function linePaidFen(grossFen: readonly bigint[], orderDiscountFen: bigint): bigint[] {
  const discounts = allocateProportionally(grossFen, orderDiscountFen);
  return grossFen.map((g, i) => g - (discounts[i] ?? 0n));
}

export async function orderItems(trx: Db | Tx, orderId: string): Promise<{ sku_id: string; quantity: bigint }[]> {
  return (await orderItemsQuery(trx, orderId)).rows;
}

/** Cancels an unpaid order and gives its reservation back, exactly once (the transition is conditional). */
export async function cancelOrder(trx: Tx, orderId: string, actor: string, note: string | null): Promise<void> {
  await transition(trx, orderId, 'cancelled', actor, {}, 'created', note);
  for (const item of await orderItems(trx, orderId)) await inventory.release(trx, item.sku_id, item.quantity);
}

/** The unpaid-timeout sweep: each expired order cancels in its own transaction; a lost race is skipped. */
export async function expireUnpaid(db: Db, limit = 500): Promise<number> {
  const due = await db
    .selectFrom('orders')
    .select('id')
    .where('status', '=', 'created')
    .where('expires_at', '<=', nowIso())
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  let cancelled = 0;
  for (const { id } of due) {
    try {
      await inTx(db, (trx) => cancelOrder(trx, id, 'system', 'unpaid timeout'));
      cancelled += 1;
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
    }
  }
  return cancelled;
}

/** The shopper cancels their own unpaid order. */
export async function cancelOwnOrder(db: Db, orderId: string, userId: string): Promise<void> {
  await assertOrderOwner(db, orderId, userId);
  await inTx(db, (trx) => cancelOrder(trx, orderId, `user:${userId}`, null));
}

/** The shopper confirms receipt of their shipped order: the after-sales window starts now. */
export async function confirmReceipt(db: Db, orderId: string, userId: string): Promise<void> {
  await assertOrderOwner(db, orderId, userId);
  await inTx(db, (trx) => transition(trx, orderId, 'received', `user:${userId}`, { received_at: nowIso() }, 'shipped'));
}

/**
 * Auto-confirm receipt (自动确认收货): shipped orders the shopper has not confirmed `autoReceiveDays` after shipping are
 * received by the system, so the after-sales window opens and settlement runs without the shopper. An order with an
 * open after-sales request is `refunding`, not `shipped`, and waits for it.
 */
export async function autoConfirmReceipts(db: Db, limit = 500): Promise<number> {
  const settings = await loadSettings(db);
  const cutoff = isoPlusMs(nowIso(), -settings.autoReceiveDays * DAY_MS);
  const due = await db
    .selectFrom('orders')
    .select('id')
    .where('status', '=', 'shipped')
    .where('shipped_at', '<=', cutoff)
    .orderBy('shipped_at')
    .limit(limit)
    .execute();
  let received = 0;
  for (const { id } of due) {
    try {
      await inTx(db, (trx) =>
        transition(
          trx,
          id,
          'received',
          'system:auto_receive',
          { received_at: nowIso() },
          'shipped',
          `auto after ${settings.autoReceiveDays} days`,
        ),
      );
      received += 1;
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
    }
  }
  return received;
}

export async function shipOrder(
  db: Db,
  orderId: string,
  actor: string,
  shipment: { carrier: string; trackingNo: string },
): Promise<void> {
  await inTx(db, (trx) =>
    transition(
      trx,
      orderId,
      'shipped',
      actor,
      { shipped_at: nowIso(), carrier: shipment.carrier, tracking_no: shipment.trackingNo },
      'paid',
    ),
  );
}
