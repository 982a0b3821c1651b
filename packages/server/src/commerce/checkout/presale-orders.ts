import { createHash } from 'node:crypto';
import { depositFate, presalePhase, presaleQuote } from '@mall/core';
import type { Db, Tx } from '../../platform/db/database';
import { inTx, isPostgres } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { isUniqueViolation } from '../../platform/idempotency';
import { newId } from '../../platform/ids';
import { MINUTE_MS, isoPlusMs, nowIso } from '../../platform/clock';
import type { Settings } from '../../platform/settings';
import { recordCreation } from '../order-machine';
import type { Address } from '../order-views';
import { getAddress } from '../addresses';
import * as inventory from '../inventory';
import { termsOf } from './presales';

/**
 * A presale order is ONE order paid in two payments. It is created when the shopper takes the deposit: the order's
 * lines and amount are final from the start (unit price = the presale price, paid = deposit + balance, the deposit's
 * extra worth is the order's discount), its stock is reserved, and it stays `created` until the balance lands, so it
 * can neither ship nor settle before it is fully paid. The `presale_orders` row says which part is paid. Settlement
 * and the incentive plans then see the order like any other: its lines' paid amounts, deposit + balance.
 *
 * Stock stays reserved from the deposit to the balance (committed as sold when the balance lands, released when the
 * deposit is refunded or forfeited). Presale goods ship free and take no coupon or 满减 (core's rules say so).
 */
export interface PresaleOrderInput {
  presaleId: string;
  quantity: number;
  address?: Address | undefined;
  addressId?: string | undefined;
}

export const MAX_PRESALE_UNITS = 99;

function requestHash(input: PresaleOrderInput): string {
  const a = input.address;
  const canonical = [
    'presale',
    input.presaleId,
    input.quantity,
    a === undefined ? null : [a.name, a.phone, a.region, a.detail],
    input.addressId ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

async function findByKey(db: Db | Tx, userId: string, key: string) {
  return db
    .selectFrom('orders')
    .select(['id', 'request_hash'])
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** Takes a presale: the order with its final lines, the stock reserved, the deposit due until the deposit window ends. */
export async function createPresaleOrder(
  db: Db,
  userId: string,
  key: string,
  input: PresaleOrderInput,
  settings: Settings,
): Promise<{ orderId: string; replayed: boolean }> {
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1 || input.quantity > MAX_PRESALE_UNITS)
    fail('invalid_parameter', `quantity must be 1 to ${MAX_PRESALE_UNITS}`);
  const hash = requestHash(input);
  const existing = await findByKey(db, userId, key);
  if (existing) {
    if (existing.request_hash !== hash) fail('idempotency_key_reused');
    return { orderId: existing.id, replayed: true };
  }
  const orderId = newId('ord');
  try {
    await inTx(db, (trx) => placePresaleOrder(trx, userId, orderId, key, hash, input, settings));
    return { orderId, replayed: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findByKey(db, userId, key);
    if (!winner) throw error;
    if (winner.request_hash !== hash) fail('idempotency_key_reused');
    return { orderId: winner.id, replayed: true };
  }
}

async function placePresaleOrder(
  trx: Tx,
  userId: string,
  orderId: string,
  key: string,
  hash: string,
  input: PresaleOrderInput,
  settings: Settings,
): Promise<void> {
  const now = nowIso();
  const presale = await trx
    .selectFrom('presales')
    .innerJoin('products', 'products.id', 'presales.product_id')
    .innerJoin('skus', 'skus.id', 'presales.sku_id')
    .selectAll('presales')
    .select([
      'products.title',
      'products.on_shelf',
      'products.category_id',
      'skus.name as sku_name',
      'skus.price_fen as sku_price_fen',
      'skus.cost_fen as sku_cost_fen',
    ])
    .where('presales.id', '=', input.presaleId)
    .executeTakeFirst();
  if (!presale || presale.on_shelf !== 1n) fail('presale_not_found');
  const terms = termsOf(presale);
  if (presale.status !== 'scheduled' || presalePhase(terms, Date.parse(now)) !== 'deposit') fail('presale_not_open');
  const address =
    input.address ??
    (input.addressId === undefined
      ? fail('invalid_request', 'an address or an addressId is required')
      : await getAddress(trx, userId, input.addressId));
  if (isPostgres(trx)) await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
  const unpaid = await trx
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .where('user_id', '=', userId)
    .where('status', '=', 'created')
    .executeTakeFirst();
  if (BigInt(unpaid?.n ?? 0) >= BigInt(settings.maxUnpaidOrders)) fail('too_many_unpaid_orders');
  const quantity = BigInt(input.quantity);
  const quote = presaleQuote(terms, quantity);
  await inventory.reserve(trx, presale.sku_id, quantity);
  // The deposit is due within the ordinary unpaid timeout, and never after the deposit window closes.
  const timeout = isoPlusMs(now, settings.unpaidTimeoutMinutes * MINUTE_MS);
  const expiresAt = timeout < presale.deposit_ends_at ? timeout : presale.deposit_ends_at;
  const copy = { name: address.name, phone: address.phone, region: address.region, detail: address.detail };
  await trx
    .insertInto('orders')
    .values({
      id: orderId,
      user_id: userId,
      status: 'created',
      amount_fen: quote.totalPaidFen,
      subtotal_fen: quote.goodsFen,
      discount_fen: quote.inflationFen,
      shipping_fen: 0n,
      coupon_id: null,
      threshold_activity_id: null,
      address: JSON.stringify(copy),
      idempotency_key: key,
      request_hash: hash,
      created_at: now,
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
    })
    .execute();
  await trx
    .insertInto('order_items')
    .values({
      order_id: orderId,
      line: 0n,
      sku_id: presale.sku_id,
      product_id: presale.product_id,
      title: presale.title,
      sku_name: presale.sku_name,
      price_fen: presale.sku_price_fen,
      quantity,
      unit_price_fen: presale.price_fen,
      price_source: 'presale',
      threshold_discount_fen: 0n,
      coupon_discount_fen: 0n,
      // What the line was paid in all, deposit + balance: refunds by line and the plans' scope use it.
      paid_fen: quote.totalPaidFen,
      // The cost is frozen at order time like every other line, so the dashboard's margin stays what it was.
      cost_fen: presale.sku_cost_fen * quantity,
      category_id: presale.category_id,
      flash_sale_id: null,
    })
    .execute();
  await trx
    .insertInto('presale_orders')
    .values({
      order_id: orderId,
      presale_id: presale.id,
      user_id: userId,
      quantity,
      deposit_fen: quote.depositFen,
      balance_fen: quote.balanceFen,
      balance_starts_at: presale.balance_starts_at,
      balance_ends_at: presale.balance_ends_at,
      status: 'awaiting_deposit',
      deposit_payment_id: null,
      deposit_paid_at: null,
      deposit_simulated_fen: 0n,
      balance_payment_id: null,
      balance_paid_at: null,
      closed_at: null,
      created_at: now,
    })
    .execute();
  await recordCreation(trx, orderId, `user:${userId}`, now);
}

export type PresaleOrderRow = NonNullable<Awaited<ReturnType<typeof presaleOrderOf>>>;

export async function presaleOrderOf(db: Db | Tx, orderId: string) {
  return db.selectFrom('presale_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export interface PresaleOrderView {
  presaleId: string;
  quantity: bigint;
  depositFen: bigint;
  balanceFen: bigint;
  status: string;
  balanceStartsAt: string;
  balanceEndsAt: string;
  depositPaidAt: string | null;
  balancePaidAt: string | null;
  /** What the shopper may do now: pay_deposit, pay_balance, wait_balance (cancel refunds the deposit), or none. */
  next: 'pay_deposit' | 'pay_balance' | 'wait_balance' | 'none';
}

/** The presale part of an order for its page: what is paid, what is due, and when. */
export function presaleOrderView(row: PresaleOrderRow, nowMs: number): PresaleOrderView {
  const fate = depositFate(
    {
      priceFen: 0n,
      depositFen: 0n,
      countsAsFen: 0n,
      depositStartsMs: 0,
      depositEndsMs: 0,
      balanceStartsMs: Date.parse(row.balance_starts_at),
      balanceEndsMs: Date.parse(row.balance_ends_at),
    },
    nowMs,
  );
  let next: PresaleOrderView['next'] = 'none';
  if (row.status === 'awaiting_deposit') next = 'pay_deposit';
  if (row.status === 'deposit_paid')
    next = fate === 'refundable' ? 'wait_balance' : fate === 'payable' ? 'pay_balance' : 'none';
  return {
    presaleId: row.presale_id,
    quantity: row.quantity,
    depositFen: row.deposit_fen,
    balanceFen: row.balance_fen,
    status: row.status,
    balanceStartsAt: row.balance_starts_at,
    balanceEndsAt: row.balance_ends_at,
    depositPaidAt: row.deposit_paid_at,
    balancePaidAt: row.balance_paid_at,
    next,
  };
}

/**
 * Called by every cancellation of an unpaid order, before it moves: a presale order whose deposit is paid cannot be
 * cancelled as an unpaid order (its deposit is refunded or forfeited by presale-deposits.ts, which closes the presale
 * row first); one still awaiting its deposit is closed with the order, so a deposit landing later is refunded.
 */
export async function closePresaleWithOrder(trx: Tx, orderId: string): Promise<void> {
  const row = await presaleOrderOf(trx, orderId);
  if (row === undefined) return;
  if (row.status === 'deposit_paid') fail('presale_deposit_paid');
  if (row.status === 'awaiting_deposit')
    await trx
      .updateTable('presale_orders')
      .set({ status: 'cancelled', closed_at: nowIso() })
      .where('order_id', '=', orderId)
      .where('status', '=', 'awaiting_deposit')
      .execute();
}

/** The simulated part of a presale order's deposit: what its refund or its forfeit carries. */
export async function depositSimulatedFen(trx: Tx, orderId: string): Promise<bigint> {
  const row = await presaleOrderOf(trx, orderId);
  if (row === undefined) throw new Error(`presale deposit of ${orderId} without its presale row`);
  return row.deposit_simulated_fen;
}
