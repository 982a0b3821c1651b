import { groupProgress, maskMember, type GroupStatus } from '@mall/core';
import type { Db, Tx } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { nowIso } from '../../platform/clock';

/**
 * What the group page shows: the group's state, its paid members (masked; an unpaid order is no member), the time
 * left, and the draw's inputs. The server seed stays secret while the group is open (only its sha256 is shown) and
 * is revealed once the group closes, so anyone can recompute a lottery's winners.
 */
export interface GroupView {
  id: string;
  activityId: string;
  productId: string;
  skuId: string;
  title: string;
  imageUrl: string;
  priceFen: bigint;
  skuPriceFen: bigint;
  size: number;
  lotteryWinners: number;
  status: GroupStatus;
  paidCount: number;
  seatsLeft: number;
  timeLeftMs: number;
  openedAt: string;
  expiresAt: string;
  closedAt: string | null;
  members: { seat: number; name: string; leader: boolean; outcome: string; orderId: string }[];
  draw: { seedHash: string; serverSeed: string | null; groupSeed: string | null; winners: string[] };
  /** The viewer's own place, when signed in and a member. */
  mine: { orderId: string; status: string; orderStatus: string } | null;
}

function groupQuery(db: Db | Tx) {
  return db
    .selectFrom('group_buy_groups')
    .innerJoin('group_buy_activities', 'group_buy_activities.id', 'group_buy_groups.activity_id')
    .innerJoin('products', 'products.id', 'group_buy_activities.product_id')
    .innerJoin('skus', 'skus.id', 'group_buy_activities.sku_id')
    .selectAll('group_buy_groups')
    .select([
      'group_buy_activities.product_id',
      'group_buy_activities.sku_id',
      'products.title',
      'products.image_url',
      'skus.price_fen as sku_price_fen',
    ]);
}
type GroupRow = Awaited<ReturnType<ReturnType<typeof groupQuery>['execute']>>[number];

function facts(row: GroupRow) {
  return {
    status: row.status as GroupStatus,
    size: Number(row.size),
    paidCount: Number(row.paid_count),
    expiresAtMs: Date.parse(row.expires_at),
  };
}

async function toView(db: Db | Tx, row: GroupRow, viewerId: string | undefined): Promise<GroupView> {
  const members = await db
    .selectFrom('group_buy_members')
    .innerJoin('users', 'users.id', 'group_buy_members.user_id')
    .innerJoin('orders', 'orders.id', 'group_buy_members.order_id')
    .select([
      'group_buy_members.order_id',
      'group_buy_members.user_id',
      'group_buy_members.role',
      'group_buy_members.status',
      'group_buy_members.seat',
      'users.phone',
      'orders.status as order_status',
    ])
    .where('group_buy_members.group_id', '=', row.id)
    .execute();
  const progress = groupProgress(facts(row), Date.now());
  const seated = members
    .filter((m) => m.seat !== null)
    .sort((a, b) => Number((a.seat ?? 0n) - (b.seat ?? 0n)))
    .map((m) => ({
      seat: Number(m.seat),
      name: maskMember(m.phone),
      leader: m.role === 'leader',
      outcome: m.status,
      orderId: m.order_id,
    }));
  const mine =
    viewerId === undefined ? undefined : members.find((m) => m.user_id === viewerId && m.status !== 'cancelled');
  return {
    id: row.id,
    activityId: row.activity_id,
    productId: row.product_id,
    skuId: row.sku_id,
    title: row.title,
    imageUrl: row.image_url,
    priceFen: row.price_fen,
    skuPriceFen: row.sku_price_fen,
    size: Number(row.size),
    lotteryWinners: Number(row.lottery_winners),
    status: progress.status,
    paidCount: Number(row.paid_count),
    seatsLeft: progress.seatsLeft,
    timeLeftMs: progress.timeLeftMs,
    openedAt: row.opened_at,
    expiresAt: row.expires_at,
    closedAt: row.closed_at,
    members: seated,
    draw: {
      seedHash: row.seed_hash,
      serverSeed: row.status === 'open' ? null : row.server_seed,
      groupSeed: row.group_seed,
      winners: row.winners === null ? [] : (JSON.parse(row.winners) as string[]),
    },
    mine: mine === undefined ? null : { orderId: mine.order_id, status: mine.status, orderStatus: mine.order_status },
  };
}

export async function getGroupView(db: Db | Tx, groupId: string, viewerId?: string): Promise<GroupView> {
  const row = await groupQuery(db).where('group_buy_groups.id', '=', groupId).executeTakeFirst();
  if (!row) fail('group_not_found');
  return toView(db, row, viewerId);
}

/** Groups of an activity (or all), newest first; shoppers see only open groups with a paid leader. */
export async function listGroups(
  db: Db | Tx,
  filter: { activityId?: string; status?: GroupStatus; joinable?: boolean; limit?: number } = {},
): Promise<GroupView[]> {
  let query = groupQuery(db)
    .orderBy('group_buy_groups.opened_at', 'desc')
    .limit(filter.limit ?? 100);
  if (filter.activityId !== undefined) query = query.where('group_buy_groups.activity_id', '=', filter.activityId);
  if (filter.status !== undefined) query = query.where('group_buy_groups.status', '=', filter.status);
  if (filter.joinable === true)
    query = query
      .where('group_buy_groups.status', '=', 'open')
      .where('group_buy_groups.paid_count', '>', 0n)
      .where('group_buy_groups.expires_at', '>', nowIso());
  const rows = await query.execute();
  const views: GroupView[] = [];
  for (const row of rows) views.push(await toView(db, row, undefined));
  return views;
}
