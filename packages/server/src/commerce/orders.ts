import { createHash } from 'node:crypto';
import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { fail, Failure } from '../platform/errors';
import { isUniqueViolation } from '../platform/idempotency';
import { newId } from '../platform/ids';
import { MINUTE_MS, isoPlusMs, nowIso } from '../platform/clock';
import { canTransition, recordCreation, transition, type OrderStatus } from './order-machine';
import * as inventory from './inventory';
import { ACCOUNTS, postTransfer } from '../money/ledger';
import type { Settings } from '../platform/settings';
import { prepared } from '../platform/db/prepared';

export interface Address {
  name: string;
  phone: string;
  region: string[];
  detail: string;
}

export interface CreateOrderInput {
  items: { skuId: string; quantity: number }[];
  address: Address;
}

export interface OrderView {
  id: string;
  userId: string;
  status: string;
  amountFen: bigint;
  items: {
    skuId: string;
    productId: string;
    title: string;
    skuName: string;
    priceFen: bigint;
    quantity: bigint;
    plans: string[];
  }[];
  address: Address;
  createdAt: string;
  paidAt: string | null;
  receivedAt: string | null;
  settledAt: string | null;
  transitions: { from: string; to: string; at: string; actor: string; note: string | null }[];
  refund: { status: string; reason: string | null } | null;
  payment: { id: string; channel: string; status: string } | null;
  shipment: { carrier: string; trackingNo: string } | null;
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
  'products.plans',
] as const;

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
  const quantities = new Map<string, bigint>();
  for (const item of input.items) {
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1)
      fail('invalid_request', 'quantity must be a positive integer');
    quantities.set(item.skuId, (quantities.get(item.skuId) ?? 0n) + BigInt(item.quantity));
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
      plans: row.plans,
    };
  });
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
      plans: JSON.parse(i.plans) as string[],
    })),
    address: JSON.parse(address) as Address,
    createdAt: now,
    paidAt: null,
    receivedAt: null,
    settledAt: null,
    transitions: [{ from: 'none', to: 'created', at: now, actor, note: null }],
    refund: null,
    payment: null,
    shipment: null,
  };
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

export async function requestRefund(trx: Tx, orderId: string, userId: string, reason: string): Promise<void> {
  const order = await trx
    .selectFrom('orders')
    .select(['status', 'user_id'])
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!order || order.user_id !== userId) fail('order_not_found');
  const from = order.status as OrderStatus;
  if (!canTransition(from, 'refunding')) fail('order_transition_not_allowed', `${from} -> refunding`);
  await transition(
    trx,
    orderId,
    'refunding',
    `user:${userId}`,
    { refund_status: 'requested', refund_reason: reason, refund_from: from },
    from,
    reason,
  );
}

/**
 * Approving a refund pays the money back through the channel it came from (the gateway or the wallet) with a
 * transfer whose id is derived from the order, so it happens once, and puts the goods back on the shelf.
 */
export async function approveRefund(trx: Tx, orderId: string, actor: string, note: string | null): Promise<void> {
  const order = await trx.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!order) fail('order_not_found');
  if (order.status !== 'refunding') fail('refund_not_open');
  await transition(trx, orderId, 'refunded', actor, { refund_status: 'approved' }, 'refunding', note);
  const payment =
    order.payment_id === null
      ? undefined
      : await trx.selectFrom('payments').selectAll().where('id', '=', order.payment_id).executeTakeFirst();
  if (!payment) throw new Error(`refunding order ${orderId} has no payment`);
  const to = payment.channel === 'wallet' ? `user:${order.user_id}:wallet` : ACCOUNTS.gateway(payment.channel);
  await postTransfer(
    trx,
    {
      id: `refund:${orderId}`,
      from: ACCOUNTS.escrow,
      to,
      amountFen: order.amount_fen,
      reason: 'refund',
      orderId,
      userId: order.user_id,
    },
    nowIso(),
  );
  await trx.updateTable('payments').set({ status: 'refunded' }).where('id', '=', payment.id).execute();
  for (const item of await orderItems(trx, orderId)) await inventory.restock(trx, item.sku_id, item.quantity);
}

export async function rejectRefund(trx: Tx, orderId: string, actor: string, note: string | null): Promise<void> {
  const order = await trx
    .selectFrom('orders')
    .select(['status', 'refund_from'])
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!order) fail('order_not_found');
  if (order.status !== 'refunding' || order.refund_from === null) fail('refund_not_open');
  await transition(
    trx,
    orderId,
    order.refund_from as OrderStatus,
    actor,
    { refund_status: 'rejected' },
    'refunding',
    note,
  );
}

type OrderRow = Awaited<ReturnType<typeof loadOrderRows>>[number];

async function loadOrderRows(db: Db | Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('orders').selectAll().where('id', 'in', ids).execute();
}

async function views(db: Db | Tx, rows: OrderRow[]): Promise<OrderView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [items, transitions, payments] = await Promise.all([
    db.selectFrom('order_items').selectAll().where('order_id', 'in', ids).orderBy('order_id').orderBy('line').execute(),
    db.selectFrom('order_transitions').selectAll().where('order_id', 'in', ids).orderBy('id').execute(),
    db
      .selectFrom('payments')
      .select(['id', 'channel', 'status'])
      .where(
        'id',
        'in',
        rows
          .map((r) => r.payment_id)
          .filter((p): p is string => p !== null)
          .concat(['']),
      )
      .execute(),
  ]);
  const paymentById = new Map(payments.map((p) => [p.id, p]));
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    status: r.status,
    amountFen: r.amount_fen,
    items: items
      .filter((i) => i.order_id === r.id)
      .map((i) => ({
        skuId: i.sku_id,
        productId: i.product_id,
        title: i.title,
        skuName: i.sku_name,
        priceFen: i.price_fen,
        quantity: i.quantity,
        plans: JSON.parse(i.plans) as string[],
      })),
    address: JSON.parse(r.address) as Address,
    createdAt: r.created_at,
    paidAt: r.paid_at,
    receivedAt: r.received_at,
    settledAt: r.settled_at,
    transitions: transitions
      .filter((t) => t.order_id === r.id)
      .map((t) => ({ from: t.from_status, to: t.to_status, at: t.at, actor: t.actor, note: t.note })),
    refund: r.refund_status === null ? null : { status: r.refund_status, reason: r.refund_reason },
    payment: r.payment_id === null ? null : (paymentById.get(r.payment_id) ?? null),
    shipment: r.carrier === null ? null : { carrier: r.carrier, trackingNo: r.tracking_no ?? '' },
  }));
}

export async function getOrderView(db: Db | Tx, orderId: string, ownerId?: string): Promise<OrderView> {
  const rows = await loadOrderRows(db, [orderId]);
  const row = rows[0];
  // Another shopper's order is indistinguishable from a missing one.
  if (!row || (ownerId !== undefined && row.user_id !== ownerId)) fail('order_not_found');
  const [view] = await views(db, rows);
  if (!view) fail('order_not_found');
  return view;
}

export async function listOrders(
  db: Db | Tx,
  filter: { userId?: string; status?: string | undefined; q?: string | undefined; page: number; pageSize: number },
): Promise<{ items: OrderView[]; total: number }> {
  let query = db.selectFrom('orders');
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.status !== undefined && filter.status !== '') query = query.where('status', '=', filter.status);
  if (filter.q !== undefined && filter.q !== '') {
    const q = filter.q;
    query = query.where((eb) =>
      eb.or([
        eb('id', '=', q),
        eb('user_id', '=', q),
        eb('user_id', 'in', eb.selectFrom('users').select('id').where('phone', '=', q)),
      ]),
    );
  }
  const total = await query.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { items: await views(db, rows), total: Number(total.n) };
}
