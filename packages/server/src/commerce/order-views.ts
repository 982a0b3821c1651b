import { sql } from 'kysely';
import type { Db, Tx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { carrierName } from './carriers';

/** The read side of orders: what shoppers and staff see of an order, and the sales figures. */
export interface Address {
  name: string;
  phone: string;
  region: string[];
  detail: string;
}

export interface OrderView {
  id: string;
  userId: string;
  status: string;
  /** The total to pay: goods paid plus shipping. */
  amountFen: bigint;
  subtotalFen: bigint;
  discountFen: bigint;
  shippingFen: bigint;
  couponId: string | null;
  items: {
    skuId: string;
    productId: string;
    title: string;
    skuName: string;
    /** The SKU's price when ordered; unitPriceFen is what was charged per unit (a flash price, say). */
    priceFen: bigint;
    quantity: bigint;
    paidFen: bigint;
    refundedQuantity: bigint;
    refundedFen: bigint;
    unitPriceFen: bigint;
    priceSource: string;
    thresholdDiscountFen: bigint;
    couponDiscountFen: bigint;
    flashSaleId: string | null;
  }[];
  address: Address;
  createdAt: string;
  paidAt: string | null;
  receivedAt: string | null;
  settledAt: string | null;
  transitions: { from: string; to: string; at: string; actor: string; note: string | null }[];
  refund: { status: string; reason: string | null } | null;
  /** Refunded before settlement, line by line; the order settles what is left. */
  refundedFen: bigint;
  /** The order's after-sales requests (售后单), oldest first. */
  afterSales: { id: string; kind: string; status: string; amountFen: bigint }[];
  payment: { id: string; channel: string; status: string } | null;
  shipment: { carrier: string; carrierName: string; trackingNo: string } | null;
}

type OrderRow = Awaited<ReturnType<typeof loadOrderRows>>[number];

async function loadOrderRows(db: Db | Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('orders').selectAll().where('id', 'in', ids).execute();
}

async function views(db: Db | Tx, rows: OrderRow[]): Promise<OrderView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [items, transitions, payments, afterSales] = await Promise.all([
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
    db
      .selectFrom('after_sales')
      .select(['id', 'order_id', 'kind', 'status', 'amount_fen'])
      .where('order_id', 'in', ids)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ]);
  const paymentById = new Map(payments.map((p) => [p.id, p]));
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    status: r.status,
    amountFen: r.amount_fen,
    subtotalFen: r.subtotal_fen,
    discountFen: r.discount_fen,
    shippingFen: r.shipping_fen,
    couponId: r.coupon_id,
    items: items
      .filter((i) => i.order_id === r.id)
      .map((i) => ({
        skuId: i.sku_id,
        productId: i.product_id,
        title: i.title,
        skuName: i.sku_name,
        priceFen: i.price_fen,
        quantity: i.quantity,
        paidFen: i.paid_fen,
        refundedQuantity: i.refunded_quantity,
        refundedFen: i.refunded_fen,
        unitPriceFen: i.unit_price_fen,
        priceSource: i.price_source,
        thresholdDiscountFen: i.threshold_discount_fen,
        couponDiscountFen: i.coupon_discount_fen,
        flashSaleId: i.flash_sale_id,
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
    refundedFen: r.refunded_fen,
    afterSales: afterSales
      .filter((a) => a.order_id === r.id)
      .map((a) => ({ id: a.id, kind: a.kind, status: a.status, amountFen: a.amount_fen })),
    payment: r.payment_id === null ? null : (paymentById.get(r.payment_id) ?? null),
    shipment:
      r.carrier === null
        ? null
        : { carrier: r.carrier, carrierName: carrierName(r.carrier), trackingNo: r.tracking_no ?? '' },
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

/** An order's owner check: another shopper's order is indistinguishable from a missing one. */
export async function assertOrderOwner(db: Db | Tx, orderId: string, userId: string): Promise<void> {
  const row = await db.selectFrom('orders').select('user_id').where('id', '=', orderId).executeTakeFirst();
  if (!row || row.user_id !== userId) fail('order_not_found');
}

/** Orders for staff: each with the buyer's phone. */
export async function withBuyerPhones<T extends { userId: string }>(
  db: Db | Tx,
  orders: T[],
): Promise<(T & { userPhone: string })[]> {
  const ids = [...new Set(orders.map((o) => o.userId))];
  const users =
    ids.length === 0 ? [] : await db.selectFrom('users').select(['id', 'phone']).where('id', 'in', ids).execute();
  const phone = new Map(users.map((u) => [u.id, u.phone]));
  return orders.map((o) => ({ ...o, userPhone: phone.get(o.userId) ?? '' }));
}

export const PAID_STATUSES = ['paid', 'shipped', 'received', 'settled', 'refunding'];

/** Sales over paid orders (money taken and not refunded), in total and by day of payment. */
export async function salesFigures(db: Db | Tx) {
  const sales = await db
    .selectFrom('orders')
    .select([
      (eb) => eb.fn.coalesce(eb.fn.sum<bigint>(sql`amount_fen - refunded_fen`), sql<bigint>`0`).as('fen'),
      (eb) => eb.fn.countAll<bigint>().as('n'),
    ])
    .where('status', 'in', PAID_STATUSES)
    .executeTakeFirstOrThrow();
  const orderCount = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .executeTakeFirstOrThrow();
  const day = sql<string>`substr(paid_at, 1, 10)`;
  const salesByDay = await db
    .selectFrom('orders')
    .select([
      day.as('day'),
      (eb) => eb.fn.sum<bigint>(sql`amount_fen - refunded_fen`).as('salesFen'),
      (eb) => eb.fn.countAll<bigint>().as('orders'),
    ])
    .where('status', 'in', PAID_STATUSES)
    .groupBy(day)
    .orderBy(day)
    .execute();
  return {
    salesFen: BigInt(sales.fen),
    orderCount: orderCount.n,
    paidOrderCount: sales.n,
    salesByDay: salesByDay.map((d) => ({ day: d.day, salesFen: BigInt(d.salesFen), orders: d.orders })),
  };
}
