import type { Db } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { OPEN_STATUSES } from './machine';
import type { AfterSaleRow } from './records';

/** What shoppers and staff see of an after-sales request. */
export interface AfterSaleView {
  id: string;
  orderId: string;
  userId: string;
  kind: string;
  status: string;
  open: boolean;
  reason: string;
  decisionNote: string | null;
  amountFen: bigint;
  destination: string;
  restock: boolean;
  returnShipment: { carrier: string; trackingNo: string } | null;
  refund: { id: string; status: string; channel: string; failureReason: string | null } | null;
  lines: { line: bigint; title: string; skuName: string; quantity: bigint; amountFen: bigint }[];
  transitions: { from: string; to: string; at: string; actor: string; note: string | null }[];
  createdAt: string;
  updatedAt: string;
  userPhone?: string;
}

async function views(db: Db, rows: AfterSaleRow[], withPhones: boolean): Promise<AfterSaleView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const orderIds = [...new Set(rows.map((r) => r.order_id))];
  const refundIds = rows.map((r) => r.refund_id).filter((x): x is string => x !== null);
  const [lines, items, transitions, refunds, users] = await Promise.all([
    db.selectFrom('after_sale_lines').selectAll().where('after_sale_id', 'in', ids).orderBy('line').execute(),
    db
      .selectFrom('order_items')
      .select(['order_id', 'line', 'title', 'sku_name'])
      .where('order_id', 'in', orderIds)
      .execute(),
    db.selectFrom('after_sale_transitions').selectAll().where('after_sale_id', 'in', ids).orderBy('id').execute(),
    refundIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('refunds')
          .select(['id', 'status', 'channel', 'failure_reason'])
          .where('id', 'in', refundIds)
          .execute(),
    withPhones
      ? db
          .selectFrom('users')
          .select(['id', 'phone'])
          .where('id', 'in', [...new Set(rows.map((r) => r.user_id))])
          .execute()
      : Promise.resolve([]),
  ]);
  const itemOf = new Map(items.map((i) => [`${i.order_id}:${i.line}`, i]));
  const refundOf = new Map(refunds.map((r) => [r.id, r]));
  const phoneOf = new Map(users.map((u) => [u.id, u.phone]));
  return rows.map((r) => {
    const refund = r.refund_id === null ? undefined : refundOf.get(r.refund_id);
    const phone = phoneOf.get(r.user_id);
    return {
      id: r.id,
      orderId: r.order_id,
      userId: r.user_id,
      kind: r.kind,
      status: r.status,
      open: (OPEN_STATUSES as readonly string[]).includes(r.status),
      reason: r.reason,
      decisionNote: r.decision_note,
      amountFen: r.amount_fen,
      destination: r.destination,
      restock: r.restock === 1n,
      returnShipment:
        r.return_carrier === null ? null : { carrier: r.return_carrier, trackingNo: r.return_tracking_no ?? '' },
      refund:
        refund === undefined
          ? null
          : { id: refund.id, status: refund.status, channel: refund.channel, failureReason: refund.failure_reason },
      lines: lines
        .filter((l) => l.after_sale_id === r.id)
        .map((l) => {
          const item = itemOf.get(`${r.order_id}:${l.line}`);
          return {
            line: l.line,
            title: item?.title ?? '',
            skuName: item?.sku_name ?? '',
            quantity: l.quantity,
            amountFen: l.amount_fen,
          };
        }),
      transitions: transitions
        .filter((t) => t.after_sale_id === r.id)
        .map((t) => ({ from: t.from_status, to: t.to_status, at: t.at, actor: t.actor, note: t.note })),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      ...(phone === undefined ? {} : { userPhone: phone }),
    };
  });
}

/** One request; a shopper asking for another shopper's request gets not found. */
export async function getAfterSale(db: Db, id: string, ownerId?: string): Promise<AfterSaleView> {
  const row = await db.selectFrom('after_sales').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined || (ownerId !== undefined && row.user_id !== ownerId)) fail('after_sale_not_found');
  const [view] = await views(db, [row], ownerId === undefined);
  if (view === undefined) fail('after_sale_not_found');
  return view;
}

export async function listAfterSales(
  db: Db,
  filter: {
    userId?: string;
    orderId?: string | undefined;
    status?: string | undefined;
    kind?: string | undefined;
    page: number;
    pageSize: number;
  },
): Promise<{ items: AfterSaleView[]; total: number }> {
  let query = db.selectFrom('after_sales');
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.orderId !== undefined && filter.orderId !== '') query = query.where('order_id', '=', filter.orderId);
  if (filter.status === 'open') query = query.where('status', 'in', [...OPEN_STATUSES]);
  else if (filter.status !== undefined && filter.status !== '') query = query.where('status', '=', filter.status);
  if (filter.kind !== undefined && filter.kind !== '') query = query.where('kind', '=', filter.kind);
  const total = await query.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { items: await views(db, rows, filter.userId === undefined), total: Number(total.n) };
}
