import type { Db } from '../../platform/db/database';
import { refundJson } from '../refunds';
import { GATEWAY_CHANNELS } from './gateways';

/** Finance's read side of gateway payments and of refunds. */
export async function listGatewayPayments(
  db: Db,
  filter: { status?: string | undefined; problem: boolean; page: number; pageSize: number },
) {
  let query = db.selectFrom('payments').where('channel', 'in', GATEWAY_CHANNELS);
  if (filter.status !== undefined && filter.status !== '') query = query.where('status', '=', filter.status);
  if (filter.problem) query = query.where('problem', 'is not', null);
  const total = await query.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return {
    items: rows.map((p) => ({
      id: p.id,
      orderId: p.order_id,
      channel: p.channel,
      amountFen: p.amount_fen,
      refundedFen: p.refunded_fen,
      status: p.status,
      gatewayTxnId: p.provider_txn,
      problem: p.problem,
      createdAt: p.created_at,
      paidAt: p.paid_at,
    })),
    total: Number(total.n),
  };
}

export async function listRefunds(db: Db, filter: { status?: string | undefined; page: number; pageSize: number }) {
  let query = db.selectFrom('refunds');
  if (filter.status !== undefined && filter.status !== '') query = query.where('status', '=', filter.status);
  const total = await query.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { items: rows.map(refundJson), total: Number(total.n) };
}
