import type { Tx } from '../../platform/db/database';
import { isPostgres } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { MINUTE_MS, isoPlusMs } from '../../platform/clock';
import { prepared, preparedInsert } from '../../platform/db/prepared';
import { isTrue } from '../../platform/db/sql-truth';
import { preparedInsertChain } from '../../platform/db/prepared-chain';
import type { Settings } from '../../platform/settings';
import { creationRow, recordCreation, transition } from '../order-machine';
import type { Address, OrderView } from '../order-views';
import * as inventory from '../inventory';
import { priceCheckout, type CheckoutItem, type CheckoutLine } from './pricing';
import { useCoupon } from './coupons';
import { commitFlash, reserveFlash } from './flash-sales';
import { drawPaidBoxes, placeBoxLines } from './blind-box-draws';

/**
 * Places an order inside its transaction: prices it again on the server (the quote is advice), checks the hoarding
 * guards under the shopper's lock, reserves stock (flash lines from their sale), uses the coupon, and writes the
 * priced lines. An order that comes to 0 fen is paid at once through the order machine, without a gateway.
 */
export interface PlaceOrderInput {
  items: CheckoutItem[];
  address: Address;
  couponId: string | null;
  /** The buyer's seed for the draws of blind box lines (SPEC 3.3). */
  blindBoxSeed?: string | undefined;
}

const unpaidCountQuery = prepared((trx, userId: string, status: string) =>
  trx
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .where('user_id', '=', userId)
    .where('status', '=', status),
);

const insertOrder = preparedInsert('orders');
const insertOrderItem = preparedInsert('order_items');
const insertOrderChain = preparedInsertChain(['orders', 'order_items', 'order_transitions'] as const);

const lockUserQuery = prepared((trx, userId: string) =>
  trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate(),
);

/** A paid order's lines, with whether each is a flash line (its sale id) or a blind box (a box line exists). */
const orderStockQuery = prepared((trx, orderId: string) =>
  trx
    .selectFrom('order_items')
    .select((eb) => [
      'order_items.sku_id',
      'order_items.quantity',
      'order_items.flash_sale_id',
      eb
        .exists(
          eb
            .selectFrom('blind_box_lines')
            .select('blind_box_lines.line')
            .whereRef('blind_box_lines.order_id', '=', 'order_items.order_id')
            .whereRef('blind_box_lines.line', '=', 'order_items.line'),
        )
        .as('blind_box'),
    ])
    .where('order_items.order_id', '=', orderId),
);

/** Statuses in which an order still holds its goods for the shopper (counted against a purchase limit). */
const HOLDING = ['created', 'paid', 'shipped', 'received', 'settled', 'refunding'];

/**
 * Stock hoarding guards, checked under the shopper's row lock on PostgreSQL (SQLite runs one writer at a time): at
 * most `maxUnpaidOrders` open unpaid orders, and per product at most its purchase limit in orders that still hold
 * goods. The flash sales' per-user limits are checked under the same lock when their units are reserved.
 */
async function checkHoarding(trx: Tx, userId: string, settings: Settings, lines: readonly CheckoutLine[]) {
  if (isPostgres(trx)) await lockUserQuery(trx, userId);
  const unpaid = (await unpaidCountQuery(trx, userId, 'created')).rows[0];
  if (BigInt(unpaid?.n ?? 0) >= BigInt(settings.maxUnpaidOrders)) fail('too_many_unpaid_orders');
  const limited = new Map<string, { limit: bigint; quantity: bigint; title: string }>();
  for (const line of lines) {
    if (line.purchaseLimit <= 0n) continue;
    const entry = limited.get(line.productId) ?? { limit: line.purchaseLimit, quantity: 0n, title: line.title };
    entry.quantity += line.quantity;
    limited.set(line.productId, entry);
  }
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

/**
 * The stock of a paid order becomes sold: ordinary lines through the inventory, flash lines on their sale too; its
 * blind boxes draw their items (once: this runs in the transaction that makes the order paid).
 */
export async function commitOrderStock(trx: Tx, orderId: string): Promise<void> {
  const items = (await orderStockQuery(trx, orderId)).rows;
  for (const item of items) await inventory.commit(trx, item.sku_id, item.quantity);
  // Most orders have neither: their lines say so, and the flash and blind-box steps cost no statement then.
  if (items.some((item) => item.flash_sale_id !== null)) await commitFlash(trx, orderId);
  if (items.some((item) => isTrue(item.blind_box))) await drawPaidBoxes(trx, orderId);
}

/** The line query said which SKUs are blind boxes: an order with none skips the series read and its checks. */
async function placeNewOrderBoxes(
  trx: Tx,
  userId: string,
  orderId: string,
  items: readonly { line: bigint; sku_id: string; quantity: bigint; paid_fen: bigint }[],
  seed: string | undefined,
  boxes: boolean,
  now: string,
): Promise<void> {
  if (!boxes) return;
  const boxLines = items.map((i) => ({
    line: Number(i.line),
    skuId: i.sku_id,
    quantity: i.quantity,
    paidFen: i.paid_fen,
  }));
  await placeBoxLines(trx, userId, orderId, boxLines, seed, now);
}

export async function placeOrder(
  trx: Tx,
  userId: string,
  orderId: string,
  key: string,
  hash: string,
  input: PlaceOrderInput,
  settings: Settings,
  now: string,
): Promise<OrderView> {
  const pricing = await priceCheckout(
    trx,
    userId,
    { items: input.items, region: input.address.region, couponId: input.couponId },
    now,
    true,
  );
  const { lines, priced } = pricing;
  await checkHoarding(trx, userId, settings, lines);
  let timeoutMs = settings.unpaidTimeoutMinutes * MINUTE_MS;
  for (const line of lines) {
    if (line.flashSale === null) await inventory.reserve(trx, line.skuId, line.quantity);
    else {
      await reserveFlash(trx, line.flashSale, orderId, userId, line.quantity, now);
      timeoutMs = Math.min(timeoutMs, Number(line.flashSale.timeout_minutes) * MINUTE_MS);
    }
  }
  const couponId = priced.coupon?.applied === true ? priced.coupon.couponId : null;
  if (couponId !== null) await useCoupon(trx, couponId, userId, orderId, now);
  const address = JSON.stringify(input.address);
  const orderRow = {
    id: orderId,
    user_id: userId,
    status: 'created',
    amount_fen: priced.totalFen,
    subtotal_fen: priced.subtotalFen,
    discount_fen: priced.discountFen,
    shipping_fen: priced.shippingFen,
    coupon_id: couponId,
    threshold_activity_id: priced.threshold?.applied === true ? priced.threshold.activityId : null,
    address,
    idempotency_key: key,
    request_hash: hash,
    created_at: now,
    expires_at: isoPlusMs(now, timeoutMs),
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
  };
  const items = lines.map((line, i) => {
    const p = priced.lines[i]!;
    return {
      order_id: orderId,
      line: BigInt(i),
      sku_id: line.skuId,
      product_id: line.productId,
      title: line.title,
      sku_name: line.skuName,
      price_fen: line.skuPriceFen,
      quantity: line.quantity,
      unit_price_fen: p.unitPriceFen,
      price_source: p.priceSource,
      threshold_discount_fen: p.thresholdDiscountFen,
      coupon_discount_fen: p.couponDiscountFen,
      paid_fen: p.paidFen,
      category_id: line.categoryId,
      cost_fen: line.skuCostFen * line.quantity,
      flash_sale_id: line.flashSale?.id ?? null,
    };
  });
  const actor = `user:${userId}`;
  const boxes = lines.some((line) => line.blindBox);
  if (isPostgres(trx) && items.length === 1 && !boxes) {
    // The common order (one line, no box) on PostgreSQL: order, line and first transition in one round trip.
    await insertOrderChain(trx, [orderRow, items[0]!, creationRow(orderId, actor, now)]);
  } else {
    await insertOrder(trx, orderRow);
    for (const item of items) await insertOrderItem(trx, item);
    await placeNewOrderBoxes(trx, userId, orderId, items, boxes ? input.blindBoxSeed : undefined, boxes, now);
    await recordCreation(trx, orderId, actor, now);
  }
  const transitions = [{ from: 'none', to: 'created', at: now, actor, note: null as string | null }];
  let status = 'created';
  let paidAt: string | null = null;
  if (!priced.paymentRequired) {
    const note = 'zero total: paid without a gateway';
    await transition(trx, orderId, 'paid', 'system:free', { paid_at: now }, 'created', note);
    await commitOrderStock(trx, orderId);
    transitions.push({ from: 'created', to: 'paid', at: now, actor: 'system:free', note });
    status = 'paid';
    paidAt = now;
  }
  return {
    id: orderId,
    userId,
    status,
    amountFen: priced.totalFen,
    subtotalFen: priced.subtotalFen,
    discountFen: priced.discountFen,
    shippingFen: priced.shippingFen,
    couponId,
    items: items.map((i) => ({
      skuId: i.sku_id,
      productId: i.product_id,
      title: i.title,
      skuName: i.sku_name,
      priceFen: i.price_fen,
      quantity: i.quantity,
      refundedQuantity: 0n,
      refundedFen: 0n,
      unitPriceFen: i.unit_price_fen,
      priceSource: i.price_source,
      thresholdDiscountFen: i.threshold_discount_fen,
      couponDiscountFen: i.coupon_discount_fen,
      paidFen: i.paid_fen,
      flashSaleId: i.flash_sale_id,
    })),
    address: input.address,
    createdAt: now,
    paidAt,
    receivedAt: null,
    settledAt: null,
    transitions,
    refund: null,
    refundedFen: 0n,
    afterSales: [],
    payment: null,
    shipment: null,
  };
}
