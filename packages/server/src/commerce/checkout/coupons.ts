import { couponWindow, type Coupon, type CouponValidity, type PricingScope } from '@mall/core';
import type { Db, Tx } from '../../platform/db/database';
import { inTx, isPostgres } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';

/**
 * Coupons (优惠券): templates staff create, coupons shoppers hold. A template's terms (kind, value, threshold, scope,
 * validity) never change once created, so every coupon issued from it is priced by the terms it was issued under;
 * staff may rename it, change its quantity and per-user limit, show or hide it in the claim centre, stop it.
 * Issuing (claim, staff grant, new-shopper gift) counts against the total with a conditional UPDATE and against the
 * per-user limit under the shopper's row lock. A coupon is used once: `unused -> used` is a conditional UPDATE in the
 * order's transaction.
 */
export type CouponKind = 'fixed' | 'percentage';
export type CouponSource = 'claim' | 'grant' | 'gift';

export interface CouponTerms {
  kind: CouponKind;
  valueFen: bigint;
  offBps: bigint;
  capFen: bigint | null;
  thresholdFen: bigint;
  scope: PricingScope;
  validity: CouponValidity;
}

export interface CouponTemplateInput extends CouponTerms {
  name: string;
  totalQuantity: bigint;
  perUserLimit: bigint;
  claimable: boolean;
  newShopperGift: boolean;
}

export interface CouponTemplateView extends CouponTemplateInput {
  id: string;
  status: 'active' | 'stopped';
  issued: bigint;
  used: bigint;
  createdAt: string;
}

export type TemplateRow = Awaited<ReturnType<typeof templateRows>>[number];

export function templateRows(db: Db | Tx) {
  return db.selectFrom('coupon_templates').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export function terms(row: TemplateRow): CouponTerms {
  return {
    kind: row.kind as CouponKind,
    valueFen: row.value_fen,
    offBps: row.off_bps,
    capFen: row.cap_fen,
    thresholdFen: row.threshold_fen,
    scope: JSON.parse(row.scope) as PricingScope,
    validity: JSON.parse(row.validity) as CouponValidity,
  };
}

export async function templateRow(db: Db | Tx, id: string): Promise<TemplateRow> {
  const row = await db.selectFrom('coupon_templates').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) fail('coupon_template_not_found');
  return row;
}

export interface ShopperCoupon extends CouponTerms {
  id: string;
  templateId: string;
  name: string;
  /** unused, used, or expired (unused past its window). */
  status: 'unused' | 'used' | 'expired';
  orderId: string | null;
  validFrom: string;
  expiresAt: string;
  claimedAt: string;
}

function couponQuery(db: Db | Tx) {
  return db
    .selectFrom('coupons')
    .innerJoin('coupon_templates', 'coupon_templates.id', 'coupons.template_id')
    .selectAll('coupon_templates')
    .select([
      'coupons.id as coupon_id',
      'coupons.status as coupon_status',
      'coupons.order_id',
      'coupons.valid_from',
      'coupons.expires_at',
      'coupons.claimed_at',
      'coupons.user_id',
    ]);
}
type CouponRow = Awaited<ReturnType<ReturnType<typeof couponQuery>['execute']>>[number];

function shopperCoupon(row: CouponRow, now: string): ShopperCoupon {
  const status = row.coupon_status === 'used' ? 'used' : row.expires_at <= now ? 'expired' : 'unused';
  return {
    id: row.coupon_id,
    templateId: row.id,
    name: row.name,
    ...terms(row),
    status,
    orderId: row.order_id,
    validFrom: row.valid_from,
    expiresAt: row.expires_at,
    claimedAt: row.claimed_at,
  };
}

export async function listShopperCoupons(db: Db | Tx, userId: string): Promise<ShopperCoupon[]> {
  const now = nowIso();
  const rows = await couponQuery(db)
    .where('coupons.user_id', '=', userId)
    .orderBy('coupons.expires_at')
    .orderBy('coupons.id')
    .execute();
  return rows.map((row) => shopperCoupon(row, now));
}

/** The shopper's unused coupons that have not expired, in the shape core prices them. */
export async function usableCoupons(db: Db | Tx, userId: string, now: string): Promise<(Coupon & { name: string })[]> {
  const rows = await couponQuery(db)
    .where('coupons.user_id', '=', userId)
    .where('coupons.status', '=', 'unused')
    .where('coupons.expires_at', '>', now)
    .orderBy('coupons.expires_at')
    .orderBy('coupons.id')
    .execute();
  return rows.map((row) => ({ ...pricingCoupon(row), name: row.name }));
}

function pricingCoupon(row: CouponRow): Coupon {
  const t = terms(row);
  const window = { validFromMs: Date.parse(row.valid_from), expiresAtMs: Date.parse(row.expires_at) };
  const base = { id: row.coupon_id, thresholdFen: t.thresholdFen, scope: t.scope, ...window };
  return t.kind === 'fixed'
    ? { ...base, kind: 'fixed', valueFen: t.valueFen }
    : { ...base, kind: 'percentage', offBps: t.offBps, capFen: t.capFen };
}

/** One coupon of the shopper's, priced as core needs it, or undefined when it is not theirs. */
export async function shopperCouponForPricing(trx: Db | Tx, userId: string, couponId: string) {
  const row = await couponQuery(trx).where('coupons.id', '=', couponId).executeTakeFirst();
  if (!row || row.user_id !== userId) return undefined;
  return { coupon: pricingCoupon(row), status: row.coupon_status };
}

async function lockShopper(trx: Tx, userId: string): Promise<void> {
  if (isPostgres(trx)) await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}

/** Issues one coupon of a template to a shopper, inside the caller's transaction. */
export async function issueCoupon(trx: Tx, templateId: string, userId: string, source: CouponSource): Promise<string> {
  const row = await templateRow(trx, templateId);
  const now = nowIso();
  const validity = JSON.parse(row.validity) as CouponValidity;
  if (row.status !== 'active' || (validity.kind === 'fixed' && validity.expiresAtMs <= Date.parse(now)))
    fail('coupon_sold_out', 'this coupon is no longer issued');
  await lockShopper(trx, userId);
  if (row.per_user_limit > 0n) {
    const held = await trx
      .selectFrom('coupons')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .where('template_id', '=', templateId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (BigInt(held.n) >= row.per_user_limit) fail('coupon_limit_reached');
  }
  const counted = await trx
    .updateTable('coupon_templates')
    .set((eb) => ({ issued: eb('issued', '+', 1n) }))
    .where('id', '=', templateId)
    .where((eb) => eb.or([eb('total_quantity', '=', 0n), eb('issued', '<', eb.ref('total_quantity'))]))
    .executeTakeFirst();
  if (counted.numUpdatedRows !== 1n) fail('coupon_sold_out');
  const window = couponWindow(validity, Date.parse(now));
  const id = newId('cpn');
  await trx
    .insertInto('coupons')
    .values({
      id,
      template_id: templateId,
      user_id: userId,
      source,
      status: 'unused',
      order_id: null,
      valid_from: new Date(window.validFromMs).toISOString(),
      expires_at: new Date(window.expiresAtMs).toISOString(),
      claimed_at: now,
      used_at: null,
    })
    .execute();
  return id;
}

/** The shopper claims a coupon in the claim centre (领券中心). */
export async function claimCoupon(db: Db, userId: string, templateId: string): Promise<ShopperCoupon> {
  const id = await inTx(db, async (trx) => {
    const row = await templateRow(trx, templateId);
    if (row.claimable !== 1n) fail('coupon_template_not_found');
    return issueCoupon(trx, templateId, userId, 'claim');
  });
  const found = (await listShopperCoupons(db, userId)).find((c) => c.id === id);
  if (!found) throw new Error(`claimed coupon ${id} vanished`);
  return found;
}

/** Marks the coupon used by the order, exactly once: 0 rows means it was used (or is not theirs) meanwhile. */
export async function useCoupon(
  trx: Tx,
  couponId: string,
  userId: string,
  orderId: string,
  now: string,
): Promise<void> {
  const result = await trx
    .updateTable('coupons')
    .set({ status: 'used', order_id: orderId, used_at: now })
    .where('id', '=', couponId)
    .where('user_id', '=', userId)
    .where('status', '=', 'unused')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) fail('coupon_not_applicable', 'the coupon is already used or has expired');
}

/**
 * Gives the order's coupon back (an unpaid order cancelled, a whole order refunded) while it is still valid; an
 * expired one stays used by the order. Partial refunds keep it used.
 */
export async function returnCoupon(trx: Tx, orderId: string, now: string): Promise<void> {
  await trx
    .updateTable('coupons')
    .set({ status: 'unused', order_id: null, used_at: null })
    .where('order_id', '=', orderId)
    .where('status', '=', 'used')
    .where('expires_at', '>', now)
    .execute();
}
