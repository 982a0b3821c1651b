import type { Db, Tx } from '../../platform/db/database';
import { inTx } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';
import { insertRefund, refundTarget, type RefundDestination } from '../refunds';
import { submitRefund } from '../payments/gateway-refunds';
import type { GatewayRegistry } from '../payments/gateways';
import { kindAllowed, type AfterSaleKind } from './machine';
import {
  afterSaleLines,
  applyLineRefunds,
  holdOrder,
  insertAfterSale,
  lockAfterSale,
  lockOrder,
  moveAfterSale,
  releaseOrder,
  replaceLines,
  restockLines,
  type AfterSaleRow,
  type OrderRow,
} from './records';
import { refundSucceeded } from './refund-outcome';
import { baseStatus, priceLines, requestAmount, type LineRequest } from './request-amounts';
import { coveredForRequest, splitRefund } from './refund-split';
import { assertGroupOrderOutOfOpenGroup } from '../../commerce/group-buy/groups';

/**
 * After-sales commands (售后): each runs in one transaction that starts by locking the order, then calls the gateway
 * (if a refund must go back through one) after that transaction has committed.
 */
export type { LineRequest } from './request-amounts';

export interface RefundChoice {
  /** original: back through the channel that paid (gateway, sandbox or wallet); wallet: to the shopper's wallet. */
  destination?: RefundDestination;
  /** The goods came back (or never left): put the units back on the shelf when the refund is done. */
  restock?: boolean;
  note?: string;
}

/** The shopper asks for a refund (仅退款) or a return (退货退款) of some units of some lines of their order. */
export async function openAfterSale(
  db: Db,
  userId: string,
  orderId: string,
  input: { kind: 'refund_only' | 'return_refund'; reason: string; lines?: LineRequest[] | undefined },
): Promise<string> {
  return inTx(db, async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (order === undefined || order.user_id !== userId) fail('order_not_found');
    if (!['paid', 'shipped', 'received', 'refunding'].includes(order.status)) {
      fail('order_transition_not_allowed', `${order.status} -> refunding`);
    }
    await assertGroupOrderOutOfOpenGroup(trx, orderId);
    const base = baseStatus(order);
    if (!kindAllowed(input.kind, base)) fail('after_sale_kind_not_allowed', `${input.kind} of a ${base} order`);
    const lines = await priceLines(trx, order, input.lines);
    const now = nowIso();
    const row: AfterSaleRow = {
      id: newId('afs'),
      order_id: orderId,
      user_id: userId,
      kind: input.kind,
      status: 'requested',
      reason: input.reason,
      decision_note: null,
      amount_fen: await requestAmount(trx, order, lines),
      destination: 'original',
      // Goods that never left the warehouse go back on the shelf with the refund; shipped goods only when they return.
      restock: base === 'paid' ? 1n : 0n,
      return_carrier: null,
      return_tracking_no: null,
      refund_id: null,
      created_at: now,
      updated_at: now,
    };
    const actor = `user:${userId}`;
    await insertAfterSale(trx, row, lines, actor, input.reason);
    await holdOrder(trx, order, actor, input.reason);
    return row.id;
  });
}

/**
 * Starts the request's refund: a refund row, then at once for the wallet and the sandbox (ledger only), or a gateway
 * refund to send after commit (the returned id). A request whose lines were paid nothing is refunded without money.
 */
async function issueRefund(
  trx: Tx,
  request: AfterSaleRow,
  order: OrderRow,
  actor: string,
  choice: RefundChoice,
): Promise<string[]> {
  const destination = choice.destination ?? (request.destination as RefundDestination);
  const restock = choice.restock === undefined ? request.restock : choice.restock ? 1n : 0n;
  let amount = request.amount_fen;
  if (request.kind !== 'goodwill') {
    const lines = await afterSaleLines(trx, request.id);
    const repriced = await priceLines(
      trx,
      order,
      lines.map((l) => ({ line: Number(l.line), quantity: Number(l.quantity) })),
      request.id,
    );
    amount = await requestAmount(trx, order, repriced, request.id);
  }
  const fields = { destination, restock, amount_fen: amount, decision_note: choice.note ?? request.decision_note };
  if (amount === 0n) {
    const moved = await moveAfterSale(trx, request, 'refunded', actor, fields, choice.note ?? null);
    const lines = await afterSaleLines(trx, moved.id);
    await applyLineRefunds(trx, order.id, lines);
    if (restock === 1n) await restockLines(trx, order.id, lines);
    await releaseOrder(trx, order.id, actor, `after-sales ${moved.id} refunded`);
    return [];
  }
  // A presale order was paid twice: its refund is split over its payments (refund-split.ts says in what order).
  const pieces = await splitRefund(trx, order, amount - (await coveredForRequest(trx, request.id)));
  const refunds = [];
  for (const piece of pieces) {
    const refund = await insertRefund(trx, {
      orderId: order.id,
      paymentId: piece.payment.id,
      afterSaleId: request.id,
      channel: piece.payment.channel,
      amountFen: piece.amountFen,
      source: request.kind === 'goodwill' ? 'goodwill' : 'escrow',
      destination,
    });
    refunds.push({
      id: refund.id,
      viaGateway: refundTarget(piece.payment.channel, destination, order.user_id).gateway,
    });
  }
  const first = refunds[0]!.id;
  if (request.status === 'refunding') {
    // A goodwill request is born refunding: it only learns its refund's number.
    await trx
      .updateTable('after_sales')
      .set({ ...fields, refund_id: first })
      .where('id', '=', request.id)
      .execute();
  } else {
    await moveAfterSale(trx, request, 'refunding', actor, { ...fields, refund_id: first }, choice.note ?? null);
  }
  // Wallet and sandbox pieces land now; the request is refunded when its last piece has (gateways confirm later).
  for (const r of refunds) if (r.viaGateway === undefined) await refundSucceeded(trx, r.id, null, actor);
  return refunds.filter((r) => r.viaGateway !== undefined).map((r) => r.id);
}

/**
 * Sends each gateway refund after the commit, every one even when an earlier one failed: each is its own refund of
 * its own payment, and a failed one leaves the request in `refund_failed` for staff to retry (only what is left).
 */
async function afterCommit(db: Db, gateways: GatewayRegistry, refundIds: readonly string[]): Promise<void> {
  for (const id of refundIds) await submitRefund(db, gateways, id);
}

/** The operator approves: a refund request is refunded now; a return request waits for the goods. */
export async function approveAfterSale(
  db: Db,
  gateways: GatewayRegistry,
  id: string,
  actor: string,
  choice: RefundChoice,
): Promise<void> {
  const refundIds = await inTx(db, async (trx) => {
    const { request, order } = await lockAfterSale(trx, id);
    if (request.status !== 'requested') fail('after_sale_transition_not_allowed', `${request.status} -> approved`);
    if (request.kind === 'return_refund') {
      await moveAfterSale(
        trx,
        request,
        'awaiting_return',
        actor,
        { decision_note: choice.note ?? null },
        choice.note ?? null,
      );
      return [];
    }
    return issueRefund(trx, request, order, actor, choice);
  });
  await afterCommit(db, gateways, refundIds);
}

export async function rejectAfterSale(db: Db, id: string, actor: string, note: string): Promise<void> {
  await inTx(db, async (trx) => {
    const { request, order } = await lockAfterSale(trx, id);
    await moveAfterSale(trx, request, 'rejected', actor, { decision_note: note }, note);
    await releaseOrder(trx, order.id, actor, `after-sales ${id} rejected`);
  });
}

/** The shopper asks again after a rejection, with a new reason: the same lines, priced again. */
export async function reopenAfterSale(db: Db, userId: string, id: string, reason: string): Promise<void> {
  await inTx(db, async (trx) => {
    const { request, order } = await lockAfterSale(trx, id);
    if (request.user_id !== userId) fail('after_sale_not_found');
    if (!['paid', 'shipped', 'received', 'refunding'].includes(order.status)) {
      fail('order_transition_not_allowed', `${order.status} -> refunding`);
    }
    const kind = request.kind as AfterSaleKind;
    if (!kindAllowed(kind, baseStatus(order)))
      fail('after_sale_kind_not_allowed', `${kind} of a ${order.status} order`);
    const old = await afterSaleLines(trx, id);
    const lines = await priceLines(
      trx,
      order,
      old.map((l) => ({ line: Number(l.line), quantity: Number(l.quantity) })),
      id,
    );
    await replaceLines(trx, id, lines);
    const actor = `user:${userId}`;
    await moveAfterSale(
      trx,
      request,
      'requested',
      actor,
      { reason, amount_fen: await requestAmount(trx, order, lines, id) },
      reason,
    );
    await holdOrder(trx, order, actor, reason);
  });
}

export async function cancelAfterSale(db: Db, userId: string, id: string): Promise<void> {
  await inTx(db, async (trx) => {
    const { request, order } = await lockAfterSale(trx, id);
    if (request.user_id !== userId) fail('after_sale_not_found');
    const actor = `user:${userId}`;
    await moveAfterSale(trx, request, 'cancelled', actor);
    await releaseOrder(trx, order.id, actor, `after-sales ${id} cancelled`);
  });
}

/** The shopper sent the goods back and says with which carrier and tracking number. */
export async function shipReturn(
  db: Db,
  userId: string,
  id: string,
  shipment: { carrier: string; trackingNo: string },
): Promise<void> {
  await inTx(db, async (trx) => {
    const { request } = await lockAfterSale(trx, id);
    if (request.user_id !== userId) fail('after_sale_not_found');
    await moveAfterSale(
      trx,
      request,
      'returning',
      `user:${userId}`,
      { return_carrier: shipment.carrier, return_tracking_no: shipment.trackingNo },
      `${shipment.carrier} ${shipment.trackingNo}`,
    );
  });
}

/** The operator has the goods back: restock (unless told otherwise) and refund. */
export async function confirmReturnReceived(
  db: Db,
  gateways: GatewayRegistry,
  id: string,
  actor: string,
  choice: RefundChoice,
): Promise<void> {
  const refundIds = await inTx(db, async (trx) => {
    const { request, order } = await lockAfterSale(trx, id);
    if (request.status !== 'returning') fail('after_sale_transition_not_allowed', `${request.status} -> refunding`);
    return issueRefund(trx, request, order, actor, { ...choice, restock: choice.restock ?? true });
  });
  await afterCommit(db, gateways, refundIds);
}

/** Staff try a failed refund again: through the gateway (a new refund number) or to the wallet. */
export async function retryRefund(
  db: Db,
  gateways: GatewayRegistry,
  id: string,
  actor: string,
  choice: RefundChoice,
): Promise<void> {
  const refundIds = await inTx(db, async (trx) => {
    const { request, order } = await lockAfterSale(trx, id);
    if (request.status !== 'refund_failed') fail('after_sale_transition_not_allowed', `${request.status} -> refunding`);
    return issueRefund(trx, request, order, actor, choice);
  });
  await afterCommit(db, gateways, refundIds);
}

/**
 * A goodwill refund after settlement (staff only): paid from the platform's goodwill expense account, no clawback of
 * any reward, never more than the order's payment has left. Logged on its request with who and why.
 */
export async function goodwillRefund(
  db: Db,
  gateways: GatewayRegistry,
  orderId: string,
  actor: string,
  input: { amountFen: bigint; reason: string; destination: RefundDestination },
): Promise<string> {
  const { id, refundIds } = await inTx(db, async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (order === undefined) fail('order_not_found');
    if (order.status !== 'settled') fail('after_sale_kind_not_allowed', `goodwill of a ${order.status} order`);
    const earlier = await trx
      .selectFrom('after_sales')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<bigint>('amount_fen'), eb.val(0n)).as('fen'))
      .where('order_id', '=', orderId)
      .where('kind', '=', 'goodwill')
      .where('status', 'in', ['refunding', 'refund_failed', 'refunded'])
      .executeTakeFirstOrThrow();
    const left = order.amount_fen - order.refunded_fen - BigInt(earlier.fen);
    if (input.amountFen < 1n || input.amountFen > left) fail('refund_exceeds_paid', `at most ${left} fen`);
    const now = nowIso();
    const row: AfterSaleRow = {
      id: newId('afs'),
      order_id: orderId,
      user_id: order.user_id,
      kind: 'goodwill',
      status: 'refunding',
      reason: input.reason,
      decision_note: null,
      amount_fen: input.amountFen,
      destination: input.destination,
      restock: 0n,
      return_carrier: null,
      return_tracking_no: null,
      refund_id: null,
      created_at: now,
      updated_at: now,
    };
    await insertAfterSale(trx, row, [], actor, input.reason);
    return { id: row.id, refundIds: await issueRefund(trx, row, order, actor, {}) };
  });
  await afterCommit(db, gateways, refundIds);
  return id;
}

/** The order's newest request still waiting for the operator (the whole-order refund routes act on it). */
export async function pendingRequestOf(db: Db, orderId: string): Promise<string> {
  const row = await db
    .selectFrom('after_sales')
    .select('id')
    .where('order_id', '=', orderId)
    .where('status', '=', 'requested')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (row === undefined) fail('refund_not_open');
  return row.id;
}

/**
 * The system refunds a whole paid order through the channel that paid it (a failed group, a lottery group's losers):
 * an approved refund-only request for every unit and the shipping, inside the caller's transaction, so the order,
 * the stock and the ledger move the way every refund does. Returns a gateway refund to send after commit.
 */
export async function refundWholeOrder(trx: Tx, orderId: string, actor: string, reason: string): Promise<string[]> {
  const order = await lockOrder(trx, orderId);
  if (order === undefined) throw new Error(`no order ${orderId} to refund`);
  if (order.status !== 'paid') return [];
  const lines = await priceLines(trx, order, undefined);
  const now = nowIso();
  const row: AfterSaleRow = {
    id: newId('afs'),
    order_id: orderId,
    user_id: order.user_id,
    kind: 'refund_only',
    status: 'requested',
    reason,
    decision_note: null,
    amount_fen: await requestAmount(trx, order, lines),
    destination: 'original',
    restock: 1n,
    return_carrier: null,
    return_tracking_no: null,
    refund_id: null,
    created_at: now,
    updated_at: now,
  };
  await insertAfterSale(trx, row, lines, actor, reason);
  await holdOrder(trx, order, actor, reason);
  const held = await lockOrder(trx, orderId);
  if (held === undefined) throw new Error(`order ${orderId} vanished`);
  return issueRefund(trx, row, held, actor, { note: reason });
}
