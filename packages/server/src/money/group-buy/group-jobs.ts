import type { Db } from '../../platform/db/database';
import { inTx } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { nowIso } from '../../platform/clock';
import { submitRefund } from '../payments/gateway-refunds';
import type { GatewayRegistry } from '../payments/gateways';
import { failExpiredGroup } from './group-payments';

/**
 * The group-buy timer (leader only) and its admin twin: groups past their deadline fail, each in its own
 * transaction, and their WeChat Pay / Alipay refunds are sent after commit (the payment job retries any that did not
 * reach the gateway; sandbox and wallet refunds are done inside the transaction).
 */
export async function sendGroupRefunds(db: Db, gateways: GatewayRegistry, refundIds: readonly string[]): Promise<void> {
  for (const id of refundIds) await submitRefund(db, gateways, id);
}

export async function expireGroups(db: Db, gateways: GatewayRegistry, limit = 200): Promise<number> {
  const now = nowIso();
  const due = await db
    .selectFrom('group_buy_groups')
    .select('id')
    .where('status', '=', 'open')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  let failed = 0;
  for (const { id } of due) {
    const refunds = await inTx(db, (trx) => failExpiredGroup(trx, id, nowIso()));
    if (refunds === null) continue;
    failed += 1;
    await sendGroupRefunds(db, gateways, refunds);
  }
  return failed;
}

/** Staff end an open group now (its deadline moves to now), as the timer would at its deadline. */
export async function expireGroupNow(db: Db, gateways: GatewayRegistry, id: string): Promise<void> {
  const refunds = await inTx(db, async (trx) => {
    const now = nowIso();
    const moved = await trx
      .updateTable('group_buy_groups')
      .set({ expires_at: now })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (moved.numUpdatedRows !== 1n) {
      const found = await trx.selectFrom('group_buy_groups').select('id').where('id', '=', id).executeTakeFirst();
      if (found === undefined) fail('group_not_found');
      fail('group_not_open');
    }
    return failExpiredGroup(trx, id, now);
  });
  await sendGroupRefunds(db, gateways, refunds ?? []);
}

/** After a gateway payment committed: the refunds a group's draw started in that transaction go to the gateway now. */
export async function sendRefundsOfPaymentGroup(db: Db, gateways: GatewayRegistry, paymentId: string): Promise<void> {
  const rows = await db
    .selectFrom('payments')
    .innerJoin('group_buy_members as payer', 'payer.order_id', 'payments.order_id')
    .innerJoin('group_buy_members as other', 'other.group_id', 'payer.group_id')
    .innerJoin('refunds', 'refunds.order_id', 'other.order_id')
    .select('refunds.id')
    .where('payments.id', '=', paymentId)
    .where('refunds.status', '=', 'processing')
    .where('refunds.channel', 'not in', ['sandbox', 'wallet'])
    .execute();
  await sendGroupRefunds(db, gateways, [...new Set(rows.map((r) => r.id))]);
}
