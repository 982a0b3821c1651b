import { sql, type ExpressionBuilder } from 'kysely';
import type { Database } from '../platform/db/schema';
import { isPostgres, type Tx } from '../platform/db/database';
import { prepared } from '../platform/db/prepared';
import { bulkWriter, runNamed } from '../platform/db/bulk';
import { fail } from '../platform/errors';
import { newId } from '../platform/ids';
import { nowIso } from '../platform/clock';

/**
 * The order state machine of SPEC 2 as a transition table. A refund that is rejected returns the order to the
 * state it was requested from. Nothing else may move an order: every move below checks the table, updates the
 * order conditionally and writes its `order_transitions` row.
 */
export type OrderStatus =
  'created' | 'paid' | 'shipped' | 'received' | 'settled' | 'cancelled' | 'refunding' | 'refunded';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'created',
  'paid',
  'shipped',
  'received',
  'settled',
  'cancelled',
  'refunding',
  'refunded',
];

export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  created: ['paid', 'cancelled'],
  paid: ['shipped', 'refunding'],
  shipped: ['received', 'refunding'],
  received: ['settled', 'refunding'],
  refunding: ['refunded', 'paid', 'shipped', 'received'],
  settled: [],
  cancelled: [],
  refunded: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

const insertTransitionQuery = prepared(
  (trx, id: string, orderId: string, from: string, to: string, actor: string, at: string, note: string | null) =>
    trx
      .insertInto('order_transitions')
      .values({ id, order_id: orderId, from_status: from, to_status: to, actor, at, note }),
);

const writeTransitions = bulkWriter('order_transitions', [
  'id',
  'order_id',
  'from_status',
  'to_status',
  'actor',
  'at',
  'note',
]);

async function recordTransition(
  trx: Tx,
  orderId: string,
  from: OrderStatus | 'none',
  to: OrderStatus,
  actor: string,
  at: string,
  note: string | null = null,
): Promise<void> {
  await insertTransitionQuery(trx, newId('trn'), orderId, from, to, actor, at, note);
}

/** The first row of an order's history: the order was just inserted as `created`. */
export async function recordCreation(trx: Tx, orderId: string, actor: string, at: string): Promise<void> {
  await recordTransition(trx, orderId, 'none', 'created', actor, at);
}

/** The same first row, for a caller that inserts it together with the order (one statement on PostgreSQL). */
export function creationRow(orderId: string, actor: string, at: string) {
  return { id: newId('trn'), order_id: orderId, from_status: 'none', to_status: 'created', actor, at, note: null };
}

/** Columns a transition may set beside the status. */
export type TransitionFields = Partial<{
  paid_at: string;
  shipped_at: string;
  received_at: string;
  settled_at: string;
  carrier: string;
  tracking_no: string;
  payment_id: string;
  refund_status: string | null;
  refund_reason: string | null;
  refund_from: string | null;
  simulated_fen: bigint;
}>;

async function statusOf(trx: Tx, orderId: string): Promise<string> {
  const row = await trx.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirst();
  if (!row) fail('order_not_found');
  return row.status;
}

/**
 * Moves an order with one conditional UPDATE (status must still be one the table allows), then records who and
 * when. Zero rows updated means another request moved it first: order_transition_not_allowed.
 */
export async function transition(
  trx: Tx,
  orderId: string,
  to: OrderStatus,
  actor: string,
  extra: TransitionFields = {},
  from?: OrderStatus,
  note: string | null = null,
): Promise<OrderStatus> {
  // With the source state known the UPDATE alone decides; the status is read only to explain a refusal.
  const fromStatus = (from ?? (await statusOf(trx, orderId))) as OrderStatus;
  if (!canTransition(fromStatus, to)) fail('order_transition_not_allowed', `${fromStatus} -> ${to}`);
  const at = nowIso();
  const result = await trx
    .updateTable('orders')
    .set({ status: to, ...extra })
    .where('id', '=', orderId)
    .where('status', '=', fromStatus)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) fail('order_transition_not_allowed', `${await statusOf(trx, orderId)} -> ${to}`);
  await recordTransition(trx, orderId, fromStatus, to, actor, at, note);
  return fromStatus;
}

const markPaidQuery = prepared((trx, orderId: string, at: string, paymentId: string, simulatedFen: bigint) =>
  trx
    .updateTable('orders')
    .set({ status: 'paid', paid_at: at, payment_id: paymentId, simulated_fen: simulatedFen })
    .where('id', '=', orderId)
    .where('status', '=', 'created'),
);

// created -> paid for an order whose payment is no presale part and that is no group order: those two kinds have
// their own steps (deposit and balance, the group seat) and take the general path.
const isPlainOrder = (eb: ExpressionBuilder<Database, 'orders'>, presalePaymentId: string) =>
  eb.and([
    eb.not(
      eb.exists(
        eb
          .selectFrom('presale_payments')
          .select('presale_payments.payment_id')
          .where('presale_payments.payment_id', '=', presalePaymentId),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom('group_buy_members')
          .select('group_buy_members.order_id')
          .whereRef('group_buy_members.order_id', '=', 'orders.id'),
      ),
    ),
  ]);

const markPlainPaidQuery = prepared(
  (trx, orderId: string, at: string, paymentId: string, simulatedFen: bigint, presalePaymentId: string) =>
    trx
      .updateTable('orders')
      .set({ status: 'paid', paid_at: at, payment_id: paymentId, simulated_fen: simulatedFen })
      .where('id', '=', orderId)
      .where('status', '=', 'created')
      .where((eb) => isPlainOrder(eb, presalePaymentId)),
);

// On PostgreSQL the move and its transition row are one statement (a data-modifying CTE): one round trip less.
const markPlainPaidPgQuery = prepared(
  (
    trx,
    orderId: string,
    at: string,
    paymentId: string,
    simulatedFen: bigint,
    presalePaymentId: string,
    transitionId: string,
    actor: string,
    recordedAt: string,
  ) =>
    trx
      .with('moved', (qc) =>
        qc
          .updateTable('orders')
          .set({ status: 'paid', paid_at: at, payment_id: paymentId, simulated_fen: simulatedFen })
          .where('id', '=', orderId)
          .where('status', '=', 'created')
          .where((eb) => isPlainOrder(eb, presalePaymentId))
          .returning('orders.id'),
      )
      .insertInto('order_transitions')
      .columns(['id', 'order_id', 'from_status', 'to_status', 'actor', 'at', 'note'])
      .expression((eb) =>
        eb
          .selectFrom('moved')
          .select((s) => [
            s.val(transitionId).as('id'),
            'moved.id as order_id',
            s.val('created').as('from_status'),
            s.val('paid').as('to_status'),
            s.val(actor).as('actor'),
            s.val(recordedAt).as('at'),
            sql<null>`null`.as('note'),
          ]),
      ),
);

/**
 * created -> paid in one statement when the landed payment is an ordinary one (not a presale part, not for a group
 * order), with its transition row; false (nothing changed) otherwise, and the caller takes the general path.
 */
export async function markPlainOrderPaid(
  trx: Tx,
  orderId: string,
  paymentId: string,
  actor: string,
  at: string,
  simulatedFen: bigint,
): Promise<boolean> {
  if (isPostgres(trx)) {
    const row = [orderId, at, paymentId, simulatedFen, paymentId, newId('trn'), actor, nowIso()] as const;
    return (await markPlainPaidPgQuery(trx, ...row)).numAffectedRows === 1n;
  }
  const moved = await markPlainPaidQuery(trx, orderId, at, paymentId, simulatedFen, paymentId);
  if (moved.numAffectedRows !== 1n) return false;
  await recordTransition(trx, orderId, 'created', 'paid', actor, nowIso());
  return true;
}

/**
 * created -> paid, the checkout's hot path: one prepared conditional UPDATE and the transition row. A lost race goes
 * through transition() to report the order's actual state.
 */
export async function markOrderPaid(
  trx: Tx,
  orderId: string,
  paymentId: string,
  actor: string,
  at: string,
  simulatedFen: bigint,
) {
  const moved = await markPaidQuery(trx, orderId, at, paymentId, simulatedFen);
  if (moved.numAffectedRows === 1n) await recordTransition(trx, orderId, 'created', 'paid', actor, nowIso());
  else
    await transition(
      trx,
      orderId,
      'paid',
      actor,
      { paid_at: at, payment_id: paymentId, simulated_fen: simulatedFen },
      'created',
    );
}

/**
 * PostgreSQL: one statement for the whole batch, joined on the primary key. `id in (...) and status = 'received'`
 * let the planner take the status index (its statistics lag a fresh backlog) and filter every received order for
 * each chunk of 500: half of the settlement batch's database time at a 20,000-order backlog.
 */
const CLAIM_RECEIVED_PG = `update orders set status = 'settled', settled_at = $2 from unnest($1::text[]) as claim(id)
  where orders.id = claim.id and orders.status = 'received' returning orders.id`;

/**
 * Settlement's batch move received -> settled: conditional UPDATEs in chunks (an order that moved to refunding since
 * it was selected is simply not claimed), then one transition row per claimed order. Returns the claimed ids.
 */
export async function settleReceived(
  trx: Tx,
  orderIds: readonly string[],
  actor: string,
  at: string,
): Promise<Set<string>> {
  if (!canTransition('received', 'settled')) throw new Error('the transition table no longer settles received orders');
  const claimed = new Set<string>();
  if (isPostgres(trx)) {
    for (const r of await runNamed<{ id: string }>(trx, CLAIM_RECEIVED_PG, [orderIds, at])) claimed.add(r.id);
  } else {
    for (let i = 0; i < orderIds.length; i += 500) {
      const rows = await trx
        .updateTable('orders')
        .set({ status: 'settled', settled_at: at })
        .where('id', 'in', orderIds.slice(i, i + 500))
        .where('status', '=', 'received')
        .returning('id')
        .execute();
      for (const r of rows) claimed.add(r.id);
    }
  }
  await writeTransitions(
    trx,
    orderIds
      .filter((id) => claimed.has(id))
      .map((id) => ({
        id: newId('trn'),
        order_id: id,
        from_status: 'received',
        to_status: 'settled',
        actor,
        at,
        note: null,
      })),
  );
  return claimed;
}
