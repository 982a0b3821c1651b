import { couponProblems, couponValidityProblems, type Coupon } from '@mall/core';
import type { Db, Tx } from '../../platform/db/database';
import { inTx } from '../../platform/db/database';
import { fail, Failure } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';
import {
  issueCoupon,
  templateRow,
  templateRows,
  terms,
  type CouponTemplateInput,
  type CouponTemplateView,
  type CouponTerms,
  type TemplateRow,
} from './coupons';

/** Coupon templates as staff manage them (create, edit what may change, grant) and the shoppers' claim centre. */
function templateView(row: TemplateRow, used: bigint): CouponTemplateView {
  return {
    id: row.id,
    name: row.name,
    ...terms(row),
    totalQuantity: row.total_quantity,
    perUserLimit: row.per_user_limit,
    claimable: row.claimable === 1n,
    newShopperGift: row.new_shopper_gift === 1n,
    status: row.status as 'active' | 'stopped',
    issued: row.issued,
    used,
    createdAt: row.created_at,
  };
}

/** Staff's list: every template with how many were issued and used. */
export async function listCouponTemplates(db: Db | Tx): Promise<CouponTemplateView[]> {
  const rows = await templateRows(db);
  const used = await db
    .selectFrom('coupons')
    .select(['template_id', (eb) => eb.fn.countAll<bigint>().as('n')])
    .where('status', '=', 'used')
    .groupBy('template_id')
    .execute();
  const usedBy = new Map(used.map((u) => [u.template_id, BigInt(u.n)]));
  return rows.map((row) => templateView(row, usedBy.get(row.id) ?? 0n));
}

function checkTerms(input: CouponTerms): void {
  const asCoupon: Coupon =
    input.kind === 'fixed'
      ? {
          id: 't',
          kind: 'fixed',
          valueFen: input.valueFen,
          thresholdFen: input.thresholdFen,
          scope: input.scope,
          validFromMs: null,
          expiresAtMs: null,
        }
      : {
          id: 't',
          kind: 'percentage',
          offBps: input.offBps,
          capFen: input.capFen,
          thresholdFen: input.thresholdFen,
          scope: input.scope,
          validFromMs: null,
          expiresAtMs: null,
        };
  const problems = [...couponProblems(asCoupon), ...couponValidityProblems(input.validity)];
  if (problems.length > 0) fail('invalid_parameter', problems.map((p) => `${p.field}: ${p.message}`).join('; '));
}

export async function createCouponTemplate(db: Db, input: CouponTemplateInput): Promise<CouponTemplateView> {
  checkTerms(input);
  const id = newId('cpt');
  await inTx(db, (trx) =>
    trx
      .insertInto('coupon_templates')
      .values({
        id,
        name: input.name,
        kind: input.kind,
        value_fen: input.kind === 'fixed' ? input.valueFen : 0n,
        off_bps: input.kind === 'percentage' ? input.offBps : 0n,
        cap_fen: input.kind === 'percentage' ? input.capFen : null,
        threshold_fen: input.thresholdFen,
        scope: JSON.stringify(input.scope),
        validity: JSON.stringify(input.validity),
        total_quantity: input.totalQuantity,
        issued: 0n,
        per_user_limit: input.perUserLimit,
        claimable: input.claimable ? 1n : 0n,
        new_shopper_gift: input.newShopperGift ? 1n : 0n,
        status: 'active',
        created_at: nowIso(),
      })
      .execute(),
  );
  return templateView(await templateRow(db, id), 0n);
}

export interface CouponTemplatePatch {
  name?: string | undefined;
  totalQuantity?: bigint | undefined;
  perUserLimit?: bigint | undefined;
  claimable?: boolean | undefined;
  newShopperGift?: boolean | undefined;
  status?: 'active' | 'stopped' | undefined;
}

/** What may change after coupons exist: never the terms. A total below what was issued is refused. */
export async function updateCouponTemplate(
  db: Db,
  id: string,
  patch: CouponTemplatePatch,
): Promise<CouponTemplateView> {
  await inTx(db, async (trx) => {
    const row = await templateRow(trx, id);
    const total = patch.totalQuantity ?? row.total_quantity;
    if (total !== 0n && total < row.issued)
      fail('invalid_parameter', `totalQuantity: ${row.issued} are already issued`);
    await trx
      .updateTable('coupon_templates')
      .set({
        name: patch.name ?? row.name,
        total_quantity: total,
        per_user_limit: patch.perUserLimit ?? row.per_user_limit,
        claimable: patch.claimable === undefined ? row.claimable : patch.claimable ? 1n : 0n,
        new_shopper_gift: patch.newShopperGift === undefined ? row.new_shopper_gift : patch.newShopperGift ? 1n : 0n,
        status: patch.status ?? row.status,
      })
      .where('id', '=', id)
      .execute();
  });
  const found = (await listCouponTemplates(db)).find((t) => t.id === id);
  if (!found) fail('coupon_template_not_found');
  return found;
}

/** Staff grant a coupon to shoppers; each grant is its own transaction, refusals are counted, not fatal. */
export async function grantCoupons(
  db: Db,
  templateId: string,
  userIds: readonly string[],
): Promise<{ granted: number; refused: { userId: string; code: string }[] }> {
  await templateRow(db, templateId);
  let granted = 0;
  const refused: { userId: string; code: string }[] = [];
  for (const userId of userIds) {
    try {
      const exists = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!exists) fail('user_not_found');
      await inTx(db, (trx) => issueCoupon(trx, templateId, userId, 'grant'));
      granted += 1;
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
      refused.push({ userId, code: error.code });
    }
  }
  return { granted, refused };
}

/** New-shopper gifts (新人礼): every active gift template, once, right after registration; a sold-out one is skipped. */
export async function grantNewShopperGifts(db: Db, userId: string): Promise<number> {
  const templates = await db
    .selectFrom('coupon_templates')
    .select('id')
    .where('new_shopper_gift', '=', 1n)
    .where('status', '=', 'active')
    .execute();
  let granted = 0;
  for (const t of templates) {
    try {
      await inTx(db, (trx) => issueCoupon(trx, t.id, userId, 'gift'));
      granted += 1;
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
    }
  }
  return granted;
}

export interface CentreItem extends CouponTemplateView {
  /** How many of this template the shopper holds (any status). */
  held: bigint;
  canClaim: boolean;
}

/** The claim centre: active, claimable templates still being issued, with what the shopper already holds. */
export async function couponCentre(db: Db | Tx, userId: string): Promise<CentreItem[]> {
  const nowMs = Date.now();
  const templates = (await listCouponTemplates(db)).filter(
    (t) => t.status === 'active' && t.claimable && (t.validity.kind !== 'fixed' || t.validity.expiresAtMs > nowMs),
  );
  const held = await db
    .selectFrom('coupons')
    .select(['template_id', (eb) => eb.fn.countAll<bigint>().as('n')])
    .where('user_id', '=', userId)
    .groupBy('template_id')
    .execute();
  const heldBy = new Map(held.map((h) => [h.template_id, BigInt(h.n)]));
  return templates.map((t) => {
    const mine = heldBy.get(t.id) ?? 0n;
    const left = t.totalQuantity === 0n || t.issued < t.totalQuantity;
    return { ...t, held: mine, canClaim: left && (t.perUserLimit === 0n || mine < t.perUserLimit) };
  });
}
