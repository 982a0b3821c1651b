import { createHash } from 'node:crypto';
import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { fail, Failure } from '../platform/errors';
import { isUniqueViolation } from '../platform/idempotency';
import { newId } from '../platform/ids';
import { nowIso } from '../platform/clock';
import { transition } from './order-machine';
import { assertOrderOwner, type Address, type OrderView } from './order-views';
import * as inventory from './inventory';
import type { Settings } from '../platform/settings';
import { prepared } from '../platform/db/prepared';
import { getAddress } from './addresses';
import type { CheckoutItem } from './checkout/pricing';
import { placeOrder } from './checkout/place-order';
import { returnCoupon } from './checkout/coupons';
import { closeEndedFlashSales, flashRemaining, releaseFlash } from './checkout/flash-sales';
import { FlashGate } from './checkout/flash-gate';
import { closePresaleWithOrder } from './checkout/presale-orders';
import { assertGroupOrderMayShip } from './group-buy/groups';

export interface CreateOrderInput {
  items: CheckoutItem[];
  /** The address to ship to, or `addressId` from the shopper's address book (the order keeps a copy). */
  address?: Address | undefined;
  addressId?: string | undefined;
  /** A coupon of the shopper's; absent or null: none. */
  couponId?: string | null | undefined;
  /** The buyer's seed for blind box draws (required when the order has a blind box). */
  blindBoxSeed?: string | undefined;
}

function requestHash(input: CreateOrderInput): string {
  const canonical = {
    items: input.items.map((i) => [i.skuId, i.quantity, i.flashSaleId ?? null]),
    address:
      input.address === undefined
        ? null
        : [input.address.name, input.address.phone, input.address.region, input.address.detail],
    addressId: input.addressId ?? null,
    couponId: input.couponId ?? null,
    // Only when given, so the hashes of orders without a box stay what they were before blind boxes.
    ...(input.blindBoxSeed === undefined ? {} : { blindBoxSeed: input.blindBoxSeed }),
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

export { MAX_UNITS_PER_SKU } from './checkout/pricing';

// One flash-sale gate per database handle, that is per process (see flash-gate.ts).
const gates = new WeakMap<Db, FlashGate>();
export function flashGate(db: Db): FlashGate {
  let gate = gates.get(db);
  if (gate === undefined) {
    gate = new FlashGate((saleId) => flashRemaining(db, saleId));
    gates.set(db, gate);
  }
  return gate;
}

/** Flash units wanted per sale, for the gate. */
function flashWanted(items: readonly CheckoutItem[]): Map<string, bigint> {
  const wanted = new Map<string, bigint>();
  for (const item of items) {
    if (item.flashSaleId === undefined || !Number.isSafeInteger(item.quantity) || item.quantity < 1) continue;
    wanted.set(item.flashSaleId, (wanted.get(item.flashSaleId) ?? 0n) + BigInt(item.quantity));
  }
  return wanted;
}

/**
 * Creates an order, reserving stock in the same transaction. Same Idempotency-Key + same body returns the first
 * order; same key + different body is idempotency_key_reused. Two concurrent first attempts race on the unique
 * (user, key) constraint: the loser reads the winner's order. Flash lines pass the in-memory gate first, so buyers
 * of a sold-out sale are answered without touching the database.
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
  const gate = flashGate(db);
  const admitted: [string, bigint][] = [];
  let outcome: 'kept' | 'returned' | 'sold_out' = 'returned';
  try {
    for (const [saleId, quantity] of flashWanted(input.items)) {
      const admission = await gate.admit(saleId, quantity);
      if (admission === 'sold_out') fail('flash_sold_out');
      if (admission === 'not_running') fail('flash_sale_not_running');
      admitted.push([saleId, quantity]);
    }
    const orderId = newId('ord');
    const view = await inTx(db, async (trx) => {
      const address =
        input.address ??
        (input.addressId === undefined
          ? fail('invalid_request', 'an address or an addressId is required')
          : await getAddress(trx, userId, input.addressId));
      const copy = { name: address.name, phone: address.phone, region: address.region, detail: address.detail };
      const place = {
        items: input.items,
        address: copy,
        couponId: input.couponId ?? null,
        blindBoxSeed: input.blindBoxSeed,
      };
      return placeOrder(trx, userId, orderId, key, hash, place, settings, nowIso());
    });
    outcome = 'kept';
    return { orderId: view.id, replayed: false, view };
  } catch (error) {
    if (error instanceof Failure && error.code === 'flash_sold_out') outcome = 'sold_out';
    if (!isUniqueViolation(error)) throw error;
    const winner = await findByKey(db, userId, key);
    if (!winner) throw error;
    if (winner.request_hash !== hash) fail('idempotency_key_reused');
    return { orderId: winner.id, replayed: true };
  } finally {
    for (const [saleId, quantity] of admitted) gate.done(saleId, quantity, outcome);
  }
}

const orderItemsQuery = prepared((db, orderId: string) =>
  db.selectFrom('order_items').select(['sku_id', 'quantity']).where('order_id', '=', orderId).orderBy('line'),
);

export async function orderItems(trx: Db | Tx, orderId: string): Promise<{ sku_id: string; quantity: bigint }[]> {
  return (await orderItemsQuery(trx, orderId)).rows;
}

/**
 * Cancels an unpaid order and gives back what it held, exactly once (the transition is conditional): ordinary stock
 * to the shelf, flash units to their sale, the coupon to the shopper while it is valid. Returns the flash units that
 * went back to running sales, for the in-memory gate.
 */
export async function cancelOrder(
  trx: Tx,
  orderId: string,
  actor: string,
  note: string | null,
): Promise<{ saleId: string; quantity: bigint }[]> {
  const now = nowIso();
  await closePresaleWithOrder(trx, orderId);
  await transition(trx, orderId, 'cancelled', actor, {}, 'created', note);
  const items = await trx
    .selectFrom('order_items')
    .select(['sku_id', 'quantity', 'flash_sale_id'])
    .where('order_id', '=', orderId)
    .execute();
  for (const item of items) if (item.flash_sale_id === null) await inventory.release(trx, item.sku_id, item.quantity);
  await returnCoupon(trx, orderId, now);
  return releaseFlash(trx, orderId);
}

function giveBackToGate(db: Db, released: readonly { saleId: string; quantity: bigint }[]): void {
  for (const r of released) flashGate(db).returned(r.saleId, r.quantity);
}

/**
 * The unpaid-timeout sweep: each expired order cancels in its own transaction (a lost race is skipped); flash
 * reservations expire on their sale's shorter timeout the same way. Then flash sales past their window give their
 * leftover units back to stock.
 */
export async function expireUnpaid(db: Db, limit = 500): Promise<number> {
  const cancelled = await expireUnpaidOrders(db, limit);
  await closeEndedFlashSales(db);
  return cancelled;
}

async function expireUnpaidOrders(db: Db, limit: number): Promise<number> {
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
      giveBackToGate(db, await inTx(db, (trx) => cancelOrder(trx, id, 'system', 'unpaid timeout')));
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
  giveBackToGate(db, await inTx(db, (trx) => cancelOrder(trx, orderId, `user:${userId}`, null)));
}

/** The shopper confirms receipt of their shipped order: the after-sales window starts now. */
export async function confirmReceipt(db: Db, orderId: string, userId: string): Promise<void> {
  await assertOrderOwner(db, orderId, userId);
  await inTx(db, (trx) => transition(trx, orderId, 'received', `user:${userId}`, { received_at: nowIso() }, 'shipped'));
}

export async function shipOrder(
  db: Db,
  orderId: string,
  actor: string,
  shipment: { carrier: string; trackingNo: string },
): Promise<void> {
  await inTx(db, async (trx) => {
    await assertGroupOrderMayShip(trx, orderId);
    return transition(
      trx,
      orderId,
      'shipped',
      actor,
      { shipped_at: nowIso(), carrier: shipment.carrier, tracking_no: shipment.trackingNo },
      'paid',
    );
  });
}
