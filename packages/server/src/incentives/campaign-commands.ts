import { CAMPAIGN_ID_PATTERN, EngineInputError, findPlan, parseCampaign, type Engine } from '@mall/core';
import type { Tx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { newId } from '../platform/ids';
import { nowIso } from '../platform/clock';
import { encodeStored } from '../platform/json';
import type { EffectBatch, Sequencer } from './incentive-log';
import { findCampaign, type Campaign, type CampaignScopeLists, type CampaignStatus } from './campaigns';

/**
 * Creating and editing campaigns. Anything the engine must know (a new campaign, new parameters, a new scope) is a
 * `campaign` event appended under the sequencer's lock, in the same transaction as the row it describes, so an edit
 * can never land inside a settlement and a replay applies each version exactly where it happened. Name, window and
 * status are not engine facts: settlement reads them and records which campaigns acted in each settle event.
 */
export const RISK_ACKNOWLEDGEMENT =
  'I understand this plan is high-risk under the anti-pyramid-selling rules (SPEC 3.4) and enable it knowingly.';

export interface CampaignInput {
  id?: string | undefined;
  plan: string;
  name: string;
  params?: Record<string, unknown> | undefined;
  /** null or absent: every product. */
  scope?: Partial<CampaignScopeLists> | null | undefined;
  startsAt?: string | null | undefined;
  endsAt?: string | null | undefined;
}

export interface CampaignPatch {
  name?: string | undefined;
  params?: Record<string, unknown> | undefined;
  scope?: Partial<CampaignScopeLists> | null | undefined;
  startsAt?: string | null | undefined;
  endsAt?: string | null | undefined;
}

function normalTime(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) fail('invalid_parameter', `${field} must be a date-time`);
  return new Date(ms).toISOString();
}

function checkWindow(startsAt: string | null, endsAt: string | null): void {
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt) {
    fail('invalid_parameter', 'endsAt must be after startsAt');
  }
}

function normalScope(scope: Partial<CampaignScopeLists> | null | undefined): CampaignScopeLists | null {
  if (scope === null || scope === undefined) return null;
  return { products: [...new Set(scope.products ?? [])], categories: [...new Set(scope.categories ?? [])] };
}

async function checkScopeIds(trx: Tx, scope: CampaignScopeLists | null): Promise<void> {
  if (scope === null) return;
  if (scope.products.length > 0) {
    const found = await trx.selectFrom('products').select('id').where('id', 'in', scope.products).execute();
    const missing = scope.products.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0) fail('product_not_found', missing.join(', '));
  }
  if (scope.categories.length > 0) {
    const found = await trx.selectFrom('categories').select('id').where('id', 'in', scope.categories).execute();
    const missing = scope.categories.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0) fail('category_not_found', missing.join(', '));
  }
}

/** Core's validation of a campaign (schema, levels, the compliance guard), as a 4xx before anything is written. */
function validated(engine: Engine, id: string, plan: string, params: unknown, scope: CampaignScopeLists | null) {
  const parsed = parseCampaign(
    { id, plan, params, products: scope?.products, categories: scope?.categories },
    engine.levels,
  );
  if (!parsed.ok) {
    const refused = parsed.problems.find((p) => p.code === 'compliance_refused');
    fail(refused ? 'compliance_refused' : 'invalid_parameter', parsed.problems.map((p) => p.message).join('; '));
  }
  return { ...parsed.campaign.params } as Record<string, unknown>;
}

async function audit(
  trx: Tx,
  campaign: string,
  actor: string,
  action: string,
  detail: Record<string, unknown>,
  at: string,
  acknowledgement: string | null = null,
): Promise<void> {
  await trx
    .insertInto('campaign_audit')
    .values({ id: newId('evt'), campaign, actor, action, detail: encodeStored(detail), acknowledgement, at })
    .execute();
}

/** Appends the engine's `campaign` event and stores the version it made. */
async function appendVersion(
  trx: Tx,
  batch: EffectBatch,
  engine: Engine,
  event: { id: string; plan?: string; params: Record<string, unknown>; scope: CampaignScopeLists | null | undefined },
  actor: string,
  at: string,
): Promise<bigint> {
  const seq = BigInt(engine.seq);
  try {
    batch.apply(
      {
        type: 'campaign',
        id: event.id,
        plan: event.plan,
        params: event.params,
        products: event.scope?.products,
        categories: event.scope?.categories,
      },
      at,
    );
  } catch (error) {
    if (error instanceof EngineInputError) fail('invalid_parameter', error.message);
    throw error;
  }
  const entry = engine.entry(event.id);
  if (entry === undefined) throw new Error(`campaign ${event.id} missing after its event`);
  const version = BigInt(entry.ref.version);
  const scope = event.scope === undefined ? undefined : event.scope;
  const stored = scope === undefined ? await findCampaign(trx, event.id) : undefined;
  const lists = scope === undefined ? (stored?.scope ?? null) : scope;
  await trx
    .insertInto('campaign_versions')
    .values({
      campaign: event.id,
      version,
      params: JSON.stringify(event.params),
      scope_products: lists === null ? null : JSON.stringify(lists.products),
      scope_categories: lists === null ? null : JSON.stringify(lists.categories),
      seq,
      at,
      actor,
    })
    .execute();
  await batch.write(trx, at);
  return version;
}

export async function createCampaign(sequencer: Sequencer, input: CampaignInput, actor: string): Promise<Campaign> {
  return sequencer.run((trx, batch, engine) => createCampaignIn(trx, batch, engine, input, actor));
}

/** The building block under the lock: the caller holds the sequencer and commits (the demo seed composes it). */
export async function createCampaignIn(
  trx: Tx,
  batch: EffectBatch,
  engine: Engine,
  input: CampaignInput,
  actor: string,
): Promise<Campaign> {
  const definition = findPlan(input.plan);
  if (definition === undefined) fail('plan_not_found', input.plan);
  const id = input.id ?? newId('cmp');
  if (!CAMPAIGN_ID_PATTERN.test(id))
    fail('invalid_parameter', "a campaign id is 1-64 letters, digits, '_', '.' or '-'");
  const scope = normalScope(input.scope);
  const startsAt = normalTime(input.startsAt, 'startsAt');
  const endsAt = normalTime(input.endsAt, 'endsAt');
  checkWindow(startsAt, endsAt);
  const params = validated(engine, id, definition.code, input.params ?? {}, scope);
  const existing = await trx.selectFrom('campaigns').select('id').where('id', '=', id).executeTakeFirst();
  if (existing !== undefined || engine.entry(id) !== undefined) fail('campaign_exists', id);
  await checkScopeIds(trx, scope);
  const count = await trx
    .selectFrom('campaigns')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .executeTakeFirstOrThrow();
  const at = nowIso();
  await trx
    .insertInto('campaigns')
    .values({
      id,
      ordinal: BigInt(count.n),
      plan: definition.code,
      name: input.name,
      status: 'draft',
      starts_at: startsAt,
      ends_at: endsAt,
      scope_products: scope === null ? null : JSON.stringify(scope.products),
      scope_categories: scope === null ? null : JSON.stringify(scope.categories),
      created_at: at,
      created_by: actor,
      updated_at: at,
      acknowledged_at: null,
      acknowledged_by: null,
    })
    .execute();
  await appendVersion(trx, batch, engine, { id, plan: definition.code, params, scope }, actor, at);
  await audit(trx, id, actor, 'create', { plan: definition.code, params, scope, startsAt, endsAt }, at);
  return (await findCampaign(trx, id)) as Campaign;
}

function sameScope(a: CampaignScopeLists | null, b: CampaignScopeLists | null): boolean {
  const key = (s: CampaignScopeLists | null) =>
    s === null ? 'all' : JSON.stringify([[...s.products].sort(), [...s.categories].sort()]);
  return key(a) === key(b);
}

/**
 * Edits a campaign. New parameters or a new scope make a new version, for orders settled from now on (the state,
 * positions and counters are kept); name and window are plain edits. An ended campaign is not edited.
 */
export async function editCampaign(
  sequencer: Sequencer,
  id: string,
  patch: CampaignPatch,
  actor: string,
): Promise<{ campaign: Campaign; newVersion: boolean }> {
  return sequencer.run(async (trx, batch, engine) => {
    const current = await findCampaign(trx, id);
    if (current === undefined) fail('campaign_not_found', id);
    if (current.status === 'ended') fail('campaign_ended', id);
    const scope = patch.scope === undefined ? current.scope : normalScope(patch.scope);
    // The engine's campaign event replaces a scope only by naming products or categories; "every product" cannot be
    // expressed as a change, so a limited campaign is not widened to all (create a new campaign instead).
    if (scope === null && current.scope !== null) {
      fail('invalid_parameter', 'a campaign limited to products or categories cannot be widened to every product');
    }
    const params = validated(engine, id, current.plan, patch.params ?? current.params, scope);
    const scopeChanged = !sameScope(scope, current.scope);
    const paramsChanged = JSON.stringify(params) !== JSON.stringify(current.params);
    if (scopeChanged) await checkScopeIds(trx, scope);
    const startsAt = patch.startsAt === undefined ? current.startsAt : normalTime(patch.startsAt, 'startsAt');
    const endsAt = patch.endsAt === undefined ? current.endsAt : normalTime(patch.endsAt, 'endsAt');
    checkWindow(startsAt, endsAt);
    const at = nowIso();
    await trx
      .updateTable('campaigns')
      .set({
        name: patch.name ?? current.name,
        starts_at: startsAt,
        ends_at: endsAt,
        scope_products: scope === null ? null : JSON.stringify(scope.products),
        scope_categories: scope === null ? null : JSON.stringify(scope.categories),
        updated_at: at,
      })
      .where('id', '=', id)
      .execute();
    let version: bigint | undefined;
    if (paramsChanged || scopeChanged) {
      version = await appendVersion(
        trx,
        batch,
        engine,
        { id, params, scope: scopeChanged ? scope : undefined },
        actor,
        at,
      );
    }
    await audit(
      trx,
      id,
      actor,
      version === undefined ? 'edit' : 'version',
      { version: version ?? current.version, params, scope, startsAt, endsAt, name: patch.name ?? current.name },
      at,
    );
    return { campaign: (await findCampaign(trx, id)) as Campaign, newVersion: version !== undefined };
  });
}

const TRANSITIONS: Record<CampaignStatus, readonly CampaignStatus[]> = {
  draft: ['active', 'ended'],
  active: ['paused', 'ended'],
  paused: ['active', 'ended'],
  ended: [],
};

/**
 * Enables, pauses or ends a campaign. Enabling a high-risk plan's campaign needs the explicit SPEC 3.4
 * acknowledgement every time, and it is logged. Under the sequencer's lock, so a settlement batch sees the status
 * before or after the change, never half of it.
 */
export async function setCampaignStatus(
  sequencer: Sequencer,
  id: string,
  status: CampaignStatus,
  acknowledgeRisk: boolean,
  actor: string,
): Promise<Campaign> {
  return sequencer.run((trx) => setCampaignStatusIn(trx, id, status, acknowledgeRisk, actor));
}

export async function setCampaignStatusIn(
  trx: Tx,
  id: string,
  status: CampaignStatus,
  acknowledgeRisk: boolean,
  actor: string,
): Promise<Campaign> {
  const current = await findCampaign(trx, id);
  if (current === undefined) fail('campaign_not_found', id);
  if (current.status === status) return current;
  if (!TRANSITIONS[current.status].includes(status)) {
    fail('campaign_transition_not_allowed', `${current.status} -> ${status}`);
  }
  const highRisk = findPlan(current.plan)?.highRisk ?? false;
  const at = nowIso();
  const acknowledged = status === 'active' && highRisk;
  if (acknowledged && !acknowledgeRisk) fail('risk_acknowledgement_required');
  await trx
    .updateTable('campaigns')
    .set({
      status,
      updated_at: at,
      ...(acknowledged ? { acknowledged_at: at, acknowledged_by: actor } : {}),
    })
    .where('id', '=', id)
    .execute();
  await audit(
    trx,
    id,
    actor,
    status === 'active' ? 'enable' : status === 'paused' ? 'pause' : 'end',
    { from: current.status, to: status, version: current.version },
    at,
    acknowledged ? RISK_ACKNOWLEDGEMENT : null,
  );
  return (await findCampaign(trx, id)) as Campaign;
}
