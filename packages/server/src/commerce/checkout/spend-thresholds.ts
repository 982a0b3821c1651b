import {
  spendThresholdProblems,
  type PricingScope,
  type SpendThresholdActivity,
  type SpendThresholdTier,
} from '@mall/core';
import type { Db, Tx } from '../../platform/db/database';
import { prepared } from '../../platform/db/prepared';
import { inTx } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';

/**
 * 满减 activities: tiers, a scope and a time window. Core prices one activity per order; when windows overlap, the
 * checkout takes the running activity that takes the most off this cart (ties: the one created first), so an
 * operator who schedules two never makes a shopper pay more than either alone would.
 */
export interface SpendThresholdInput {
  name: string;
  tiers: SpendThresholdTier[];
  scope: PricingScope;
  startsAt: string;
  endsAt: string;
}

export interface SpendThresholdView extends SpendThresholdInput {
  id: string;
  status: 'active' | 'stopped';
  /** Orders that took a discount from it (paid or not, cancelled ones excluded). */
  orders: number;
  discountFen: bigint;
  createdAt: string;
}

type Row = Awaited<ReturnType<typeof rows>>[number];

function rows(db: Db | Tx) {
  return db.selectFrom('spend_thresholds').selectAll().orderBy('created_at').orderBy('id').execute();
}

function tiersOf(row: Row): SpendThresholdTier[] {
  return (JSON.parse(row.tiers) as { thresholdFen: string; offFen: string }[]).map((t) => ({
    thresholdFen: BigInt(t.thresholdFen),
    offFen: BigInt(t.offFen),
  }));
}

function activityOf(row: Row): SpendThresholdActivity {
  return { id: row.id, tiers: tiersOf(row), scope: JSON.parse(row.scope) as PricingScope };
}

/** The activities running at `now`, oldest first. */
// Read by every checkout and quote: a prepared query.
const runningQuery = prepared((db, now: string) =>
  db
    .selectFrom('spend_thresholds')
    .selectAll()
    .where('status', '=', 'active')
    .where('starts_at', '<=', now)
    .where('ends_at', '>', now)
    .orderBy('created_at')
    .orderBy('id'),
);

export async function runningSpendThresholds(db: Db | Tx, now: string): Promise<SpendThresholdActivity[]> {
  const found = (await runningQuery(db, now)).rows;
  return found.map(activityOf);
}

/** Running ones with their names, for the storefront's badges and banners. */
export async function runningSpendThresholdViews(db: Db | Tx, now: string) {
  const running = new Set((await runningSpendThresholds(db, now)).map((a) => a.id));
  return (await rows(db))
    .filter((r) => running.has(r.id))
    .map((r) => ({ ...activityOf(r), name: r.name, startsAt: r.starts_at, endsAt: r.ends_at }));
}

export async function listSpendThresholds(db: Db | Tx): Promise<SpendThresholdView[]> {
  const all = await rows(db);
  const used = await db
    .selectFrom('orders')
    .select(['threshold_activity_id', (eb) => eb.fn.countAll<bigint>().as('n')])
    .where('threshold_activity_id', 'is not', null)
    .where('status', '!=', 'cancelled')
    .groupBy('threshold_activity_id')
    .execute();
  const usedBy = new Map(used.map((u) => [u.threshold_activity_id, u]));
  const shares = await db
    .selectFrom('order_items')
    .innerJoin('orders', 'orders.id', 'order_items.order_id')
    .select(['orders.threshold_activity_id', (eb) => eb.fn.sum<bigint>('order_items.threshold_discount_fen').as('fen')])
    .where('orders.threshold_activity_id', 'is not', null)
    .where('orders.status', '!=', 'cancelled')
    .groupBy('orders.threshold_activity_id')
    .execute();
  const fenBy = new Map(shares.map((s) => [s.threshold_activity_id, BigInt(s.fen)]));
  return all.map((r) => ({
    id: r.id,
    name: r.name,
    tiers: tiersOf(r),
    scope: JSON.parse(r.scope) as PricingScope,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    status: r.status as 'active' | 'stopped',
    orders: Number(usedBy.get(r.id)?.n ?? 0),
    discountFen: fenBy.get(r.id) ?? 0n,
    createdAt: r.created_at,
  }));
}

function checked(input: SpendThresholdInput): string {
  const problems = spendThresholdProblems({ id: 'new', tiers: input.tiers, scope: input.scope });
  if (Number.isNaN(Date.parse(input.startsAt)) || Number.isNaN(Date.parse(input.endsAt)))
    problems.push({ field: 'startsAt', message: 'times are ISO-8601' });
  else if (Date.parse(input.endsAt) <= Date.parse(input.startsAt))
    problems.push({ field: 'endsAt', message: 'must be after startsAt' });
  if (problems.length > 0) fail('invalid_parameter', problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  return JSON.stringify(input.tiers.map((t) => ({ thresholdFen: String(t.thresholdFen), offFen: String(t.offFen) })));
}

/** Creates (no id) or edits an activity; orders already placed keep the discount they were given. */
export async function saveSpendThreshold(
  db: Db,
  id: string | undefined,
  input: SpendThresholdInput & { status?: 'active' | 'stopped' | undefined },
): Promise<SpendThresholdView> {
  const tiers = checked(input);
  const values = {
    name: input.name,
    tiers,
    scope: JSON.stringify(input.scope),
    starts_at: new Date(input.startsAt).toISOString(),
    ends_at: new Date(input.endsAt).toISOString(),
    status: input.status ?? 'active',
  };
  const activityId = id ?? newId('spt');
  await inTx(db, async (trx) => {
    if (id === undefined) {
      await trx
        .insertInto('spend_thresholds')
        .values({ id: activityId, ...values, created_at: nowIso() })
        .execute();
      return;
    }
    const result = await trx.updateTable('spend_thresholds').set(values).where('id', '=', id).executeTakeFirst();
    if (result.numUpdatedRows !== 1n) fail('activity_not_found');
  });
  const found = (await listSpendThresholds(db)).find((a) => a.id === activityId);
  if (!found) fail('activity_not_found');
  return found;
}
