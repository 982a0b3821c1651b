import type { Selectable } from 'kysely';
import type { Tx } from '../../platform/db/database';
import { isPostgres } from '../../platform/db/database';
import type { AfterSalesTable, OrdersTable } from '../../platform/db/schema';
import { fail } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';
import { transition, type OrderStatus } from '../../commerce/order-machine';
import * as inventory from '../../commerce/inventory';
import { returnCoupon } from '../../commerce/checkout/coupons';
import { ACCOUNTS, postTransfer } from '../ledger';
import { escrowSimulatedRefunded } from '../refunds';
import { OPEN_STATUSES, canMove, type AfterSaleStatus } from './machine';

/**
 * The after-sales tables as building blocks (each takes the transaction): rows, lines, moves with their history,
 * and the two effects a request has on its order: it holds the order in `refunding` while open, and lets it go
 * (back to where it was, or to `refunded` when nothing is left) when the last open request closes.
 */
export type AfterSaleRow = Selectable<AfterSalesTable>;
export type OrderRow = Selectable<OrdersTable>;

export interface AfterSaleLine {
  line: bigint;
  quantity: bigint;
  amountFen: bigint;
}

/**
 * Every after-sales command starts here: the order row, locked on PostgreSQL until commit (SQLite runs one writer at
 * a time), so two requests of one order never both decide that the order is free to leave `refunding`.
 */
export async function lockOrder(trx: Tx, orderId: string): Promise<OrderRow | undefined> {
  const query = trx.selectFrom('orders').selectAll().where('id', '=', orderId);
  return isPostgres(trx) ? query.forUpdate().executeTakeFirst() : query.executeTakeFirst();
}

export async function findAfterSale(trx: Tx, id: string): Promise<AfterSaleRow> {
  const row = await trx.selectFrom('after_sales').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) fail('after_sale_not_found');
  return row;
}

/** The request and its order, the order locked first (the one lock order every command follows). */
export async function lockAfterSale(trx: Tx, id: string): Promise<{ request: AfterSaleRow; order: OrderRow }> {
  const first = await findAfterSale(trx, id);
  const order = await lockOrder(trx, first.order_id);
  if (order === undefined) throw new Error(`after-sales request ${id} has no order`);
  return { request: await findAfterSale(trx, id), order };
}

export async function afterSaleLines(trx: Tx, id: string): Promise<AfterSaleLine[]> {
  const rows = await trx
    .selectFrom('after_sale_lines')
    .selectAll()
    .where('after_sale_id', '=', id)
    .orderBy('line')
    .execute();
  return rows.map((r) => ({ line: r.line, quantity: r.quantity, amountFen: r.amount_fen }));
}

async function recordMove(
  trx: Tx,
  id: string,
  from: AfterSaleStatus | 'none',
  to: AfterSaleStatus,
  actor: string,
  note: string | null,
): Promise<void> {
  await trx
    .insertInto('after_sale_transitions')
    .values({ id: newId('trn'), after_sale_id: id, from_status: from, to_status: to, actor, at: nowIso(), note })
    .execute();
}

export async function insertAfterSale(
  trx: Tx,
  row: AfterSaleRow,
  lines: readonly AfterSaleLine[],
  actor: string,
  note: string | null,
): Promise<void> {
  await trx.insertInto('after_sales').values(row).execute();
  if (lines.length > 0) {
    await trx
      .insertInto('after_sale_lines')
      .values(
        lines.map((l) => ({ after_sale_id: row.id, line: l.line, quantity: l.quantity, amount_fen: l.amountFen })),
      )
      .execute();
  }
  await recordMove(trx, row.id, 'none', row.status as AfterSaleStatus, actor, note);
}

export async function replaceLines(trx: Tx, id: string, lines: readonly AfterSaleLine[]): Promise<void> {
  await trx.deleteFrom('after_sale_lines').where('after_sale_id', '=', id).execute();
  if (lines.length > 0) {
    await trx
      .insertInto('after_sale_lines')
      .values(lines.map((l) => ({ after_sale_id: id, line: l.line, quantity: l.quantity, amount_fen: l.amountFen })))
      .execute();
  }
}

export type AfterSaleFields = Partial<
  Pick<
    AfterSaleRow,
    | 'decision_note'
    | 'destination'
    | 'restock'
    | 'return_carrier'
    | 'return_tracking_no'
    | 'refund_id'
    | 'reason'
    | 'amount_fen'
  >
>;

/**
 * Moves a request by the table with one conditional UPDATE (its status must still be the one read), records who and
 * when, and keeps the order's `refund_status` showing the latest step.
 */
export async function moveAfterSale(
  trx: Tx,
  row: AfterSaleRow,
  to: AfterSaleStatus,
  actor: string,
  fields: AfterSaleFields = {},
  note: string | null = null,
): Promise<AfterSaleRow> {
  const from = row.status as AfterSaleStatus;
  if (!canMove(from, to)) fail('after_sale_transition_not_allowed', `${from} -> ${to}`);
  const now = nowIso();
  const result = await trx
    .updateTable('after_sales')
    .set({ ...fields, status: to, updated_at: now })
    .where('id', '=', row.id)
    .where('status', '=', from)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) fail('after_sale_transition_not_allowed', `${from} -> ${to}`);
  await recordMove(trx, row.id, from, to, actor, note);
  await trx.updateTable('orders').set({ refund_status: to }).where('id', '=', row.order_id).execute();
  return { ...row, ...fields, status: to, updated_at: now };
}

/** Lines of the order that some open request (other than `except`) already covers. */
export async function linesInOpenRequests(trx: Tx, orderId: string, except?: string): Promise<Set<bigint>> {
  let query = trx
    .selectFrom('after_sale_lines')
    .innerJoin('after_sales', 'after_sales.id', 'after_sale_lines.after_sale_id')
    .select('after_sale_lines.line')
    .where('after_sales.order_id', '=', orderId)
    .where('after_sales.status', 'in', [...OPEN_STATUSES]);
  if (except !== undefined) query = query.where('after_sales.id', '<>', except);
  return new Set((await query.execute()).map((r) => r.line));
}

/** Puts the order in `refunding` (remembering where it was) unless another open request already holds it there. */
export async function holdOrder(trx: Tx, order: OrderRow, actor: string, reason: string): Promise<void> {
  if (order.status === 'refunding') {
    await trx
      .updateTable('orders')
      .set({ refund_status: 'requested', refund_reason: reason })
      .where('id', '=', order.id)
      .execute();
    return;
  }
  const from = order.status as OrderStatus;
  await transition(
    trx,
    order.id,
    'refunding',
    actor,
    { refund_status: 'requested', refund_reason: reason, refund_from: from },
    from,
    reason,
  );
}

/**
 * When the last open request of a `refunding` order closes, the order leaves `refunding`: to `refunded` when every
 * unit of every line has been refunded, otherwise back to the state it was requested from (and from there it ships,
 * is received and settles what was not refunded).
 */
export async function releaseOrder(trx: Tx, orderId: string, actor: string, note: string | null): Promise<void> {
  const order = await trx
    .selectFrom('orders')
    .select(['status', 'refund_from', 'refund_status'])
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (order === undefined || order.status !== 'refunding') return;
  const open = await trx
    .selectFrom('after_sales')
    .select('id')
    .where('order_id', '=', orderId)
    .where('status', 'in', [...OPEN_STATUSES])
    .limit(1)
    .execute();
  if (open.length > 0) return;
  const left = await trx
    .selectFrom('order_items')
    .select('line')
    .where('order_id', '=', orderId)
    .where((eb) => eb('refunded_quantity', '<', eb.ref('quantity')))
    .limit(1)
    .execute();
  const to: OrderStatus = left.length === 0 ? 'refunded' : ((order.refund_from ?? 'paid') as OrderStatus);
  await transition(trx, orderId, to, actor, { refund_status: order.refund_status }, 'refunding', note);
  if (to === 'refunded') await closeRefundedOrder(trx, orderId);
}

/**
 * An order every unit of which was refunded never settles, so what its refunds left in escrow is settled here: the
 * shipping of an order that had shipped (the carrier was paid; the mall keeps it) moves to revenue. Its coupon goes
 * back to the shopper while still valid.
 */
async function closeRefundedOrder(trx: Tx, orderId: string): Promise<void> {
  const order = await trx
    .selectFrom('orders')
    .select(['user_id', 'amount_fen', 'simulated_fen', 'refunded_fen'])
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  const now = nowIso();
  const kept = order.amount_fen - order.refunded_fen;
  if (kept > 0n) {
    const refunded = (await escrowSimulatedRefunded(trx, [orderId])).get(orderId) ?? 0n;
    const simulated = order.simulated_fen - refunded;
    await postTransfer(
      trx,
      {
        id: `shipping:${orderId}`,
        from: ACCOUNTS.escrow,
        to: ACCOUNTS.revenue,
        amountFen: kept,
        reason: 'shipping',
        orderId,
        userId: order.user_id,
        simulated,
      },
      now,
    );
  }
  await returnCoupon(trx, orderId, now);
}

/** The request's lines are refunded: their units and amounts count as refunded, once (checked against the line). */
export async function applyLineRefunds(trx: Tx, orderId: string, lines: readonly AfterSaleLine[]): Promise<void> {
  for (const l of lines) {
    const result = await trx
      .updateTable('order_items')
      .set((eb) => ({
        refunded_quantity: eb('refunded_quantity', '+', l.quantity),
        refunded_fen: eb('refunded_fen', '+', l.amountFen),
      }))
      .where('order_id', '=', orderId)
      .where('line', '=', l.line)
      .where((eb) => eb(eb('refunded_quantity', '+', l.quantity), '<=', eb.ref('quantity')))
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) fail('refund_quantity_exceeds_remaining', `line ${l.line}`);
  }
}

/** The goods came back: their units go back on the shelf. */
export async function restockLines(trx: Tx, orderId: string, lines: readonly AfterSaleLine[]): Promise<void> {
  const items = await trx
    .selectFrom('order_items')
    .select(['line', 'sku_id'])
    .where('order_id', '=', orderId)
    .execute();
  const skuOf = new Map(items.map((i) => [i.line, i.sku_id]));
  // SKUs in id order, so two restocks of the same SKUs lock them in the same order.
  const sorted = [...lines].sort((a, b) => ((skuOf.get(a.line) ?? '') < (skuOf.get(b.line) ?? '') ? -1 : 1));
  for (const l of sorted) {
    const sku = skuOf.get(l.line);
    if (sku !== undefined && l.quantity > 0n) await inventory.restock(trx, sku, l.quantity);
  }
}
