import { sql } from 'kysely';
import { seatDecision, type GroupStatus } from '@mall/core';
import type { Tx } from '../../platform/db/database';
import { nowIso } from '../../platform/clock';
import { cancelOrder } from '../../commerce/orders';
import { refundWholeOrder } from '../after-sales/commands';
import { issueCoupon } from '../../commerce/checkout/coupons';
import { drawGroup } from './group-draw';

/**
 * Where a group order's payment becomes (or fails to become) membership. The seat is one conditional UPDATE of the
 * group's counter, `paid_count < size AND status = 'open' AND expires_at > now`, in the payment's own transaction, so
 * concurrent payments (on PostgreSQL they queue on the group's row) never over-fill a group; the unique
 * (group, seat) pair is the second guard. A payment that finds no seat cancels its order, and the payment path
 * refunds the money as it refunds any payment for an order that can no longer be paid.
 */
export type SeatOutcome =
  { kind: 'none' } | { kind: 'seated'; groupId: string; fills: boolean } | { kind: 'refused'; reason: string };

const ACTOR = 'system:group_buy';

export async function claimGroupSeat(trx: Tx, orderId: string, at: string): Promise<SeatOutcome> {
  const member = await trx
    .selectFrom('group_buy_members')
    .select(['group_id', 'status'])
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (member === undefined) return { kind: 'none' };
  const taken = await trx
    .updateTable('group_buy_groups')
    .set({ paid_count: sql`paid_count + 1` })
    .where('id', '=', member.group_id)
    .where('status', '=', 'open')
    .where('expires_at', '>', at)
    .where(sql<boolean>`paid_count < size`)
    .returning(['paid_count', 'size'])
    .executeTakeFirst();
  if (taken !== undefined) {
    await trx
      .updateTable('group_buy_members')
      .set({ status: 'seated', seat: taken.paid_count, paid_at: at })
      .where('order_id', '=', orderId)
      .where('status', '=', 'pending')
      .execute();
    return { kind: 'seated', groupId: member.group_id, fills: taken.paid_count === taken.size };
  }
  const group = await trx
    .selectFrom('group_buy_groups')
    .select(['status', 'size', 'paid_count', 'expires_at'])
    .where('id', '=', member.group_id)
    .executeTakeFirstOrThrow();
  const decision = seatDecision(
    {
      status: group.status as GroupStatus,
      size: Number(group.size),
      paidCount: Number(group.paid_count),
      expiresAtMs: Date.parse(group.expires_at),
    },
    Date.parse(at),
  );
  const reason = decision.kind === 'refuse' ? decision.reason : 'group_full';
  await dropUnpaidMember(trx, orderId, reason);
  return { kind: 'refused', reason };
}

/**
 * Why an order that is no longer payable cannot be paid, when the reason is its group: its place was dropped because
 * the group filled first. On SQLite a payment that lost the race for the last seat runs after the winner and finds
 * its order already cancelled; this makes it the same `group_full` a PostgreSQL payment blocked on the group's row
 * gets from the seat claim.
 */
export async function droppedFromFullGroup(trx: Tx, orderId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('group_buy_members')
    .innerJoin('group_buy_groups', 'group_buy_groups.id', 'group_buy_members.group_id')
    .select(['group_buy_groups.paid_count', 'group_buy_groups.size'])
    .where('group_buy_members.order_id', '=', orderId)
    .where('group_buy_members.status', '=', 'cancelled')
    .executeTakeFirst();
  return row !== undefined && row.paid_count >= row.size;
}

/** An unpaid member leaves: its order is cancelled (unless something else already moved it) and its row says so. */
async function dropUnpaidMember(trx: Tx, orderId: string, note: string): Promise<void> {
  const order = await trx.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirst();
  if (order?.status === 'created') await cancelOrder(trx, orderId, ACTOR, note);
  await trx
    .updateTable('group_buy_members')
    .set({ status: 'cancelled' })
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending')
    .execute();
}

async function seatedMembers(trx: Tx, groupId: string) {
  return trx
    .selectFrom('group_buy_members')
    .select(['order_id', 'user_id', 'status'])
    .where('group_id', '=', groupId)
    .where('seat', 'is not', null)
    .orderBy('seat')
    .execute();
}

async function dropPendingMembers(trx: Tx, groupId: string, note: string): Promise<void> {
  const pending = await trx
    .selectFrom('group_buy_members')
    .select('order_id')
    .where('group_id', '=', groupId)
    .where('status', '=', 'pending')
    .execute();
  for (const p of pending) await dropUnpaidMember(trx, p.order_id, note);
}

/** A consolation coupon, when its template can still be issued to this shopper; never a reason to undo a draw. */
async function consolation(trx: Tx, templateId: string | null, userId: string): Promise<void> {
  if (templateId === null) return;
  const template = await trx.selectFrom('coupon_templates').selectAll().where('id', '=', templateId).executeTakeFirst();
  if (template === undefined || template.status !== 'active') return;
  if (template.total_quantity > 0n && template.issued >= template.total_quantity) return;
  if (template.per_user_limit > 0n) {
    const held = await trx
      .selectFrom('coupons')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .where('template_id', '=', templateId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (BigInt(held.n) >= template.per_user_limit) return;
  }
  await issueCoupon(trx, templateId, userId, 'grant');
}

/**
 * The group's last seat was just paid: it succeeds. A plain group keeps every member; a lottery group draws its
 * winners from the committed seed and refunds the others (with the consolation coupon, if any). Unpaid joiners are
 * cancelled. Returns the gateway refunds to send after commit.
 */
export async function completeFilledGroup(trx: Tx, groupId: string): Promise<string[]> {
  const group = await trx
    .selectFrom('group_buy_groups')
    .selectAll()
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  if (group.status !== 'open' || group.paid_count < group.size) return [];
  const members = await seatedMembers(trx, groupId);
  const outcome = drawGroup(
    groupId,
    group.server_seed,
    members.map((m) => m.order_id),
    Number(group.lottery_winners),
  );
  const lottery = group.lottery_winners > 0n;
  const closed = await trx
    .updateTable('group_buy_groups')
    .set({
      status: 'succeeded',
      closed_at: nowIso(),
      group_seed: lottery ? outcome.groupSeed : null,
      winners: lottery ? JSON.stringify(outcome.winners) : null,
    })
    .where('id', '=', groupId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (closed.numUpdatedRows !== 1n) return [];
  const activity = await trx
    .selectFrom('group_buy_activities')
    .select('consolation_template_id')
    .where('id', '=', group.activity_id)
    .executeTakeFirstOrThrow();
  await setMembers(trx, outcome.keep, 'kept');
  const refunds: string[] = [];
  for (const orderId of outcome.refund) {
    refunds.push(...(await refundWholeOrder(trx, orderId, ACTOR, '拼团抽奖未中签退款 / lottery group: not drawn')));
    await setMembers(trx, [orderId], 'refunded');
    const member = members.find((m) => m.order_id === orderId);
    if (member !== undefined) await consolation(trx, activity.consolation_template_id, member.user_id);
  }
  await dropPendingMembers(trx, groupId, 'group filled');
  return refunds;
}

async function setMembers(trx: Tx, orderIds: readonly string[], status: string): Promise<void> {
  if (orderIds.length === 0) return;
  await trx
    .updateTable('group_buy_members')
    .set({ status })
    .where('order_id', 'in', [...orderIds])
    .execute();
}

/**
 * An open group past its deadline fails: the status flip is the claim (once, whoever runs it), every paid member is
 * refunded through the channel that paid, unpaid joiners are cancelled. Returns the gateway refunds to send, or null
 * when the group was not this call's to fail.
 */
export async function failExpiredGroup(trx: Tx, groupId: string, now: string): Promise<string[] | null> {
  const claimed = await trx
    .updateTable('group_buy_groups')
    .set({ status: 'failed', closed_at: now })
    .where('id', '=', groupId)
    .where('status', '=', 'open')
    .where('expires_at', '<=', now)
    .where(sql<boolean>`paid_count < size`)
    .executeTakeFirst();
  if (claimed.numUpdatedRows !== 1n) return null;
  const refunds: string[] = [];
  for (const m of await seatedMembers(trx, groupId)) {
    refunds.push(...(await refundWholeOrder(trx, m.order_id, ACTOR, '拼团失败自动退款 / group failed: refunded')));
    await setMembers(trx, [m.order_id], 'refunded');
  }
  await dropPendingMembers(trx, groupId, 'group failed');
  return refunds;
}
