import {
  PLANS,
  plannedPayoutBps as corePlannedPayoutBps,
  findPlan,
  parseEngineConfig,
  parseParams,
  share,
  type EngineConfig,
  type ParamSchema,
} from '@mall/core';
import type { Db, Tx } from '../platform/db/database';

import { listProducts, type Product } from '../commerce/catalog';
import { fail } from '../platform/errors';
import { newId } from '../platform/ids';
import { nowIso } from '../platform/clock';

/**
 * Plan configuration. Policy (documented in the README): a plan's parameters are frozen once any order has settled
 * through it (409 plan_in_use), so the engine config never changes under the event log and a replay with today's
 * parameters is a replay with the parameters every settlement used. Enabling or disabling is allowed at any time:
 * each settle event records the plans it ran with.
 */
export interface PlanRow {
  code: string;
  enabled: boolean;
  params: Record<string, unknown>;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  inUse: boolean;
}

/**
 * The plans this server runs today. The mode library's other plans need what the server does not have yet (member
 * levels, agents, regions on orders, period closes, campaigns); they join when those land on top of @mall/core.
 */
const SERVER_PLANS: readonly string[] = ['referralCycle', 'appreciationPool'];

export async function loadPlans(db: Db | Tx): Promise<PlanRow[]> {
  const rows = await db.selectFrom('plans').selectAll().execute();
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return PLANS.filter((p) => SERVER_PLANS.includes(p.code)).map((definition) => {
    const row = byCode.get(definition.code);
    const parsed = parseParams(definition.params, row === undefined ? {} : (JSON.parse(row.params) as unknown));
    const params = parsed.ok ? ({ ...parsed.value } as Record<string, unknown>) : {};
    return {
      code: definition.code,
      enabled: row?.enabled === 1n,
      params,
      acknowledgedAt: row?.acknowledged_at ?? null,
      acknowledgedBy: row?.acknowledged_by ?? null,
      inUse: row?.in_use === 1n,
    };
  });
}

/** Every known plan with its stored parameters: disabled plans are simply never named by a settle event. */
export function engineConfigOf(plans: readonly PlanRow[]): EngineConfig {
  const raw: Record<string, unknown> = {};
  for (const p of plans) raw[p.code] = p.params;
  const parsed = parseEngineConfig(raw);
  if (!parsed.ok) throw new Error(`stored plan parameters are invalid: ${parsed.problems[0]?.message}`);
  return parsed.config;
}

export function enabledCodes(plans: readonly PlanRow[]): Set<string> {
  return new Set(plans.filter((p) => p.enabled).map((p) => p.code));
}

export interface PlanUpdate {
  enabled: boolean;
  params?: Record<string, unknown> | undefined;
  acknowledgeRisk?: boolean | undefined;
}

export async function updatePlan(
  trx: Tx,
  code: string,
  update: PlanUpdate,
  actor: string,
): Promise<{ plan: PlanRow; paramsChanged: boolean }> {
  const definition = findPlan(code);
  if (definition === undefined) fail('plan_not_found');
  // Compliance guard (SPEC 3.4): never more than two levels of invitation.
  if (definition.referralLevels > 2) fail('compliance_refused', `${code} pays on more than two levels`);
  const current = (await loadPlans(trx)).find((p) => p.code === code);
  if (current === undefined) fail('plan_not_found');
  const parsed = parseParams(definition.params, update.params ?? current.params);
  if (!parsed.ok) fail('invalid_parameter', parsed.problems.map((p) => p.message).join('; '));
  const params = { ...parsed.value } as Record<string, unknown>;
  const paramsChanged = JSON.stringify(params) !== JSON.stringify(current.params);
  if (paramsChanged && current.inUse) fail('plan_in_use');
  const now = nowIso();
  let acknowledgedAt = current.acknowledgedAt;
  let acknowledgedBy = current.acknowledgedBy;
  if (update.enabled && definition.highRisk && !current.enabled) {
    if (update.acknowledgeRisk !== true) fail('risk_acknowledgement_required');
    acknowledgedAt = now;
    acknowledgedBy = actor;
  }
  const values = {
    enabled: update.enabled ? 1n : 0n,
    params: JSON.stringify(params),
    acknowledged_at: acknowledgedAt,
    acknowledged_by: acknowledgedBy,
  };
  await trx
    .insertInto('plans')
    .values({ code, ...values, in_use: 0n })
    .onConflict((oc) => oc.column('code').doUpdateSet(values))
    .execute();
  await trx
    .insertInto('plan_audit')
    .values({
      id: newId('evt'),
      code,
      actor,
      action: update.enabled === current.enabled ? 'params' : update.enabled ? 'enable' : 'disable',
      enabled: values.enabled,
      params: values.params,
      acknowledgement:
        acknowledgedAt === now
          ? 'I understand this plan is high-risk under the anti-pyramid-selling rules (SPEC 3.4) and enable it knowingly.'
          : null,
      at: now,
    })
    .execute();
  return {
    plan: { ...current, enabled: update.enabled, params, acknowledgedAt, acknowledgedBy },
    paramsChanged,
  };
}

/** The largest share of a sale the product's plans may pay out, in bps: each plan's declared bound (core). */
export function plannedPayoutBps(plans: readonly PlanRow[], codes: readonly string[]): bigint {
  return corePlannedPayoutBps(
    plans.filter((p) => codes.includes(p.code)).map((p) => ({ plan: p.code, params: p.params })),
  );
}

export function marginWarnings(
  plans: readonly PlanRow[],
  codes: readonly string[],
  skus: readonly { name: string; priceFen: bigint; costFen: bigint }[],
): { code: string; message: string }[] {
  const bps = plannedPayoutBps(plans, codes);
  const warnings: { code: string; message: string }[] = [];
  for (const sku of skus) {
    const payout = share(sku.priceFen, bps);
    if (sku.priceFen - sku.costFen < payout) {
      warnings.push({
        code: 'payout_exceeds_margin',
        message: `规格「${sku.name}」计划返利最高 ${payout} 分，超过毛利 ${sku.priceFen - sku.costFen} 分 / planned payout ${payout} fen exceeds the margin ${sku.priceFen - sku.costFen} fen`,
      });
    }
  }
  return warnings;
}

export function planSchemaJson(schema: ParamSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

/** The margin warnings of one product under the plans as they are now. */
export async function productWarnings(
  db: Db,
  product: Pick<Product, 'plans' | 'skus'>,
): Promise<{ code: string; message: string }[]> {
  return marginWarnings(await loadPlans(db), product.plans, product.skus);
}

/**
 * Enables, disables or tunes a plan, then warns about every product of that plan whose margin its payouts exceed.
 * The caller rebuilds the engine when the parameters changed.
 */
/**
 * Runs `work` in one transaction under the lock settlement holds (the sequencer's), so a write the engine depends on
 * can never land between a settlement's read of the parameters and its commit.
 */
export type UnderSettlementLock = <T>(work: (trx: Tx) => Promise<T>) => Promise<T>;

export async function configurePlan(
  db: Db,
  code: string,
  update: PlanUpdate,
  actor: string,
  underLock: UnderSettlementLock,
) {
  // PostgreSQL let an edit slip in before this lock, and the pool was rebuilt with parameters it never used.
  const { plan, paramsChanged } = await underLock((trx) => updatePlan(trx, code, update, actor));
  const products = await listProducts(db, { onShelfOnly: false });
  const plans = await loadPlans(db);
  const warnings = products
    .filter((p) => p.plans.includes(plan.code))
    .flatMap((p) => marginWarnings(plans, p.plans, p.skus));
  return { plan, paramsChanged, warnings };
}
