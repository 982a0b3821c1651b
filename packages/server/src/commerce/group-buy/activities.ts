import { groupTermsProblem } from '@mall/core';
import type { Db, Tx } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';

/**
 * Group-buy activities (拼团活动): one SKU at a group price for groups of `groupSize` that must fill within `hours`
 * of opening; `lotteryWinners` > 0 makes it a lottery group (拼团抽奖). Units are not set aside: each member's order
 * reserves its unit like any order, and a refunded member's unit goes back to the shelf.
 */
export interface GroupBuyActivityInput {
  skuId: string;
  priceFen: bigint;
  groupSize: number;
  hours: number;
  lotteryWinners: number;
  consolationTemplateId: string | null;
  startsAt: string;
  endsAt: string;
}

export interface GroupBuyActivityView {
  id: string;
  productId: string;
  skuId: string;
  title: string;
  skuName: string;
  imageUrl: string;
  skuPriceFen: bigint;
  priceFen: bigint;
  groupSize: number;
  hours: number;
  lotteryWinners: number;
  consolationTemplateId: string | null;
  startsAt: string;
  endsAt: string;
  /** upcoming | running | ended | closed */
  state: 'upcoming' | 'running' | 'ended' | 'closed';
  groupsOpen: number;
  groupsSucceeded: number;
  groupsFailed: number;
}

function activityQuery(db: Db | Tx) {
  return db
    .selectFrom('group_buy_activities')
    .innerJoin('skus', 'skus.id', 'group_buy_activities.sku_id')
    .innerJoin('products', 'products.id', 'group_buy_activities.product_id')
    .selectAll('group_buy_activities')
    .select([
      'products.title',
      'products.image_url',
      'products.on_shelf',
      'skus.name as sku_name',
      'skus.price_fen as sku_price_fen',
    ]);
}
type ActivityRow = Awaited<ReturnType<ReturnType<typeof activityQuery>['execute']>>[number];

export function activityState(
  row: { status: string; starts_at: string; ends_at: string },
  now: string,
): GroupBuyActivityView['state'] {
  if (row.status === 'closed') return 'closed';
  if (row.ends_at <= now) return 'ended';
  return row.starts_at <= now ? 'running' : 'upcoming';
}

async function groupCounts(db: Db | Tx, ids: readonly string[]) {
  const counts = new Map<string, Record<string, number>>();
  if (ids.length === 0) return counts;
  const rows = await db
    .selectFrom('group_buy_groups')
    .select(['activity_id', 'status', (eb) => eb.fn.countAll<bigint>().as('n')])
    .where('activity_id', 'in', [...ids])
    .where('paid_count', '>', 0n)
    .groupBy(['activity_id', 'status'])
    .execute();
  for (const r of rows) {
    const entry = counts.get(r.activity_id) ?? {};
    entry[r.status] = Number(r.n);
    counts.set(r.activity_id, entry);
  }
  return counts;
}

function view(row: ActivityRow, now: string, counts: Record<string, number> | undefined): GroupBuyActivityView {
  return {
    id: row.id,
    productId: row.product_id,
    skuId: row.sku_id,
    title: row.title,
    skuName: row.sku_name,
    imageUrl: row.image_url,
    skuPriceFen: row.sku_price_fen,
    priceFen: row.price_fen,
    groupSize: Number(row.group_size),
    hours: Number(row.hours),
    lotteryWinners: Number(row.lottery_winners),
    consolationTemplateId: row.consolation_template_id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    state: activityState(row, now),
    groupsOpen: counts?.open ?? 0,
    groupsSucceeded: counts?.succeeded ?? 0,
    groupsFailed: counts?.failed ?? 0,
  };
}

/** Staff see every activity; shoppers those running now or later, of products on the shelf (optionally one product). */
export async function listGroupBuyActivities(
  db: Db | Tx,
  filter: { shopper?: boolean; productId?: string } = {},
): Promise<GroupBuyActivityView[]> {
  const now = nowIso();
  let query = activityQuery(db).orderBy('group_buy_activities.starts_at').orderBy('group_buy_activities.id');
  if (filter.productId !== undefined) query = query.where('group_buy_activities.product_id', '=', filter.productId);
  if (filter.shopper === true)
    query = query
      .where('group_buy_activities.status', '=', 'active')
      .where('group_buy_activities.ends_at', '>', now)
      .where('products.on_shelf', '=', 1n);
  const rows = await query.execute();
  const counts = await groupCounts(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => view(row, now, counts.get(row.id)));
}

export async function getGroupBuyActivity(db: Db | Tx, id: string, shopper = false): Promise<GroupBuyActivityView> {
  const row = await activityQuery(db).where('group_buy_activities.id', '=', id).executeTakeFirst();
  if (!row || (shopper && row.on_shelf !== 1n)) fail('group_buy_not_found');
  const counts = await groupCounts(db, [id]);
  return view(row, nowIso(), counts.get(id));
}

export async function createGroupBuyActivity(db: Db, input: GroupBuyActivityInput): Promise<GroupBuyActivityView> {
  const starts = Date.parse(input.startsAt);
  const ends = Date.parse(input.endsAt);
  if (Number.isNaN(starts) || Number.isNaN(ends) || ends <= starts)
    fail('invalid_parameter', 'endsAt must be after startsAt (ISO-8601 times)');
  const problem = groupTermsProblem({
    size: input.groupSize,
    hours: input.hours,
    lotteryWinners: input.lotteryWinners,
  });
  if (problem !== null) fail('invalid_parameter', problem);
  // A 0-fen order is paid without a payment, and only a payment takes a seat: a group price is at least 1 fen.
  if (input.priceFen < 1n) fail('invalid_parameter', 'priceFen must be at least 1');
  if (input.consolationTemplateId !== null && input.lotteryWinners === 0)
    fail('invalid_parameter', 'a consolation coupon needs a lottery group');
  const sku = await db.selectFrom('skus').select(['id', 'product_id']).where('id', '=', input.skuId).executeTakeFirst();
  if (!sku) fail('sku_not_found');
  if (input.consolationTemplateId !== null) {
    const template = await db
      .selectFrom('coupon_templates')
      .select('id')
      .where('id', '=', input.consolationTemplateId)
      .executeTakeFirst();
    if (!template) fail('coupon_template_not_found');
  }
  const id = newId('gba');
  await db
    .insertInto('group_buy_activities')
    .values({
      id,
      product_id: sku.product_id,
      sku_id: input.skuId,
      price_fen: input.priceFen,
      group_size: BigInt(input.groupSize),
      hours: BigInt(input.hours),
      lottery_winners: BigInt(input.lotteryWinners),
      consolation_template_id: input.consolationTemplateId,
      starts_at: new Date(starts).toISOString(),
      ends_at: new Date(ends).toISOString(),
      status: 'active',
      created_at: nowIso(),
    })
    .execute();
  return getGroupBuyActivity(db, id);
}

/** Staff close an activity: no new group opens; groups already open run to their own end. */
export async function closeGroupBuyActivity(db: Db, id: string): Promise<GroupBuyActivityView> {
  const result = await db
    .updateTable('group_buy_activities')
    .set({ status: 'closed' })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) {
    await getGroupBuyActivity(db, id);
    fail('group_buy_not_running');
  }
  return getGroupBuyActivity(db, id);
}
