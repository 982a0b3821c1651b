import { createHash, randomBytes } from 'node:crypto';
import { groupOrderMayShip, type GroupStatus } from '@mall/core';
import type { Db, Tx } from '../../platform/db/database';
import { inTx, isPostgres } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { isUniqueViolation } from '../../platform/idempotency';
import { newId } from '../../platform/ids';
import { nowIso, isoPlusMs } from '../../platform/clock';
import type { Settings } from '../../platform/settings';
import type { Address } from '../order-views';
import { getAddress } from '../addresses';
import { placeOrder } from '../checkout/place-order';
import { activityState } from './activities';

/**
 * Opening and joining groups (开团 / 参团). Either is an ordinary order of one unit at the group price, placed through
 * the checkout (stock, hoarding guards, freight) plus a member row. Membership counts only once paid: the seat is
 * taken when the payment lands (money/group-buy/group-payments.ts), never here, so an unpaid order is no member.
 */
export interface GroupOrderInput {
  address?: Address | undefined;
  addressId?: string | undefined;
}

const HOUR_MS = 3_600_000;

function requestHash(kind: string, target: string, input: GroupOrderInput): string {
  const a = input.address;
  const canonical = [
    kind,
    target,
    a === undefined ? null : [a.name, a.phone, a.region, a.detail],
    input.addressId ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

async function byKey(db: Db | Tx, userId: string, key: string) {
  return db
    .selectFrom('orders')
    .select(['id', 'request_hash'])
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

async function addressOf(trx: Tx, userId: string, input: GroupOrderInput): Promise<Address> {
  const address =
    input.address ??
    (input.addressId === undefined
      ? fail('invalid_request', 'an address or an addressId is required')
      : await getAddress(trx, userId, input.addressId));
  return { name: address.name, phone: address.phone, region: address.region, detail: address.detail };
}

/** Same key + same request returns the first order; a racing duplicate reads the winner's (as createOrder does). */
async function idempotent(
  db: Db,
  userId: string,
  key: string,
  hash: string,
  place: () => Promise<{ orderId: string; groupId: string }>,
): Promise<{ orderId: string; groupId: string; replayed: boolean }> {
  const replay = async () => {
    const found = await byKey(db, userId, key);
    if (found === undefined) return undefined;
    if (found.request_hash !== hash) fail('idempotency_key_reused');
    const member = await db
      .selectFrom('group_buy_members')
      .select('group_id')
      .where('order_id', '=', found.id)
      .executeTakeFirst();
    if (member === undefined) fail('idempotency_key_reused');
    return { orderId: found.id, groupId: member.group_id, replayed: true };
  };
  const first = await replay();
  if (first !== undefined) return first;
  try {
    return { ...(await place()), replayed: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await replay();
    if (winner === undefined) throw error;
    return winner;
  }
}

async function groupOrder(
  trx: Tx,
  userId: string,
  key: string,
  hash: string,
  activity: { sku_id: string; price_fen: bigint },
  input: GroupOrderInput,
  settings: Settings,
  now: string,
): Promise<string> {
  const orderId = newId('ord');
  const items = [{ skuId: activity.sku_id, quantity: 1, groupPriceFen: activity.price_fen }];
  const address = await addressOf(trx, userId, input);
  await placeOrder(trx, userId, orderId, key, hash, { items, address, couponId: null }, settings, now);
  return orderId;
}

/** The leader opens a group: the group (open, its seed committed by hash) and the leader's order, in one transaction. */
export async function openGroup(
  db: Db,
  userId: string,
  key: string,
  activityId: string,
  input: GroupOrderInput,
  settings: Settings,
) {
  const hash = requestHash('open', activityId, input);
  return idempotent(db, userId, key, hash, () =>
    inTx(db, async (trx) => {
      const now = nowIso();
      const activity = await trx
        .selectFrom('group_buy_activities')
        .selectAll()
        .where('id', '=', activityId)
        .executeTakeFirst();
      if (!activity) fail('group_buy_not_found');
      if (activityState(activity, now) !== 'running') fail('group_buy_not_running');
      const groupId = newId('grp');
      const serverSeed = randomBytes(32).toString('hex');
      await trx
        .insertInto('group_buy_groups')
        .values({
          id: groupId,
          activity_id: activityId,
          leader_id: userId,
          size: activity.group_size,
          lottery_winners: activity.lottery_winners,
          price_fen: activity.price_fen,
          status: 'open',
          paid_count: 0n,
          seed_hash: createHash('sha256').update(serverSeed, 'utf8').digest('hex'),
          server_seed: serverSeed,
          group_seed: null,
          winners: null,
          opened_at: now,
          expires_at: isoPlusMs(now, Number(activity.hours) * HOUR_MS),
          closed_at: null,
        })
        .execute();
      const orderId = await groupOrder(trx, userId, key, hash, activity, input, settings, now);
      await insertMember(trx, orderId, groupId, userId, 'leader', now);
      return { orderId, groupId };
    }),
  );
}

async function insertMember(trx: Tx, orderId: string, groupId: string, userId: string, role: string, now: string) {
  await trx
    .insertInto('group_buy_members')
    .values({
      order_id: orderId,
      group_id: groupId,
      user_id: userId,
      role,
      status: 'pending',
      seat: null,
      joined_at: now,
      paid_at: null,
    })
    .execute();
}

/**
 * A shopper joins an open group whose leader has paid: refused when it is closed, past its deadline or already full
 * of paid members, or when the shopper already holds an unpaid or paid place in it. More unpaid joiners than seats
 * may exist; the payments decide who gets in, and the rest are refunded.
 */
export async function joinGroup(
  db: Db,
  userId: string,
  key: string,
  groupId: string,
  input: GroupOrderInput,
  settings: Settings,
) {
  const hash = requestHash('join', groupId, input);
  return idempotent(db, userId, key, hash, () =>
    inTx(db, async (trx) => {
      const now = nowIso();
      const query = trx.selectFrom('group_buy_groups').selectAll().where('id', '=', groupId);
      const group = isPostgres(trx) ? await query.forUpdate().executeTakeFirst() : await query.executeTakeFirst();
      if (!group) fail('group_not_found');
      if (group.status !== 'open' || group.expires_at <= now || group.paid_count === 0n) fail('group_not_open');
      if (group.paid_count >= group.size) fail('group_full');
      const mine = await trx
        .selectFrom('group_buy_members')
        .select('order_id')
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .where('status', 'in', ['pending', 'seated', 'kept'])
        .executeTakeFirst();
      if (mine !== undefined) fail('group_already_joined');
      const activity = { sku_id: '', price_fen: group.price_fen };
      const sku = await trx
        .selectFrom('group_buy_activities')
        .select('sku_id')
        .where('id', '=', group.activity_id)
        .executeTakeFirstOrThrow();
      activity.sku_id = sku.sku_id;
      const orderId = await groupOrder(trx, userId, key, hash, activity, input, settings, now);
      await insertMember(trx, orderId, groupId, userId, 'member', now);
      return { orderId, groupId };
    }),
  );
}

/** The shipping guard: a group order ships only once its group succeeded and it kept its seat (won, in a lottery). */
export async function assertGroupOrderMayShip(db: Db | Tx, orderId: string): Promise<void> {
  const row = await db
    .selectFrom('group_buy_members')
    .innerJoin('group_buy_groups', 'group_buy_groups.id', 'group_buy_members.group_id')
    .select(['group_buy_groups.status as group_status', 'group_buy_members.status'])
    .where('group_buy_members.order_id', '=', orderId)
    .executeTakeFirst();
  if (row === undefined) return;
  if (!groupOrderMayShip(row.group_status as GroupStatus, row.status)) fail('group_not_complete');
}

/**
 * While its group is open a member's order cannot go to after-sales: the seat it holds decides whether the group
 * fills, and the group itself refunds every member if it fails.
 */
export async function assertGroupOrderOutOfOpenGroup(db: Db | Tx, orderId: string): Promise<void> {
  const row = await db
    .selectFrom('group_buy_members')
    .innerJoin('group_buy_groups', 'group_buy_groups.id', 'group_buy_members.group_id')
    .select('group_buy_groups.status')
    .where('group_buy_members.order_id', '=', orderId)
    .executeTakeFirst();
  if (row?.status === 'open') fail('group_not_complete');
}
