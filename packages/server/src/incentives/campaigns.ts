import { findPlan, marginWarnings, type Label } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import type { CampaignsTable } from '../platform/db/schema';
import type { Product } from '../commerce/catalog';
import { decodeStored } from '../platform/json';

/**
 * Campaigns (营销活动, issue 8) as stored: a plan, its parameters (versioned), a product scope, a time window and
 * a status. The engine learns campaigns and versions from `campaign` events in the log; status and window are the
 * server's: settlement decides which campaigns act on an order and records the decision in the settle event.
 */
export const CAMPAIGN_STATUSES = ['draft', 'active', 'paused', 'ended'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export interface CampaignScopeLists {
  products: string[];
  categories: string[];
}

export interface Campaign {
  id: string;
  ordinal: bigint;
  plan: string;
  name: string;
  status: CampaignStatus;
  startsAt: string | null;
  endsAt: string | null;
  /** null: every product. */
  scope: CampaignScopeLists | null;
  version: bigint;
  params: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

function parseList(text: string | null): string[] | null {
  return text === null ? null : (JSON.parse(text) as string[]);
}

export function scopeOf(products: string | null, categories: string | null): CampaignScopeLists | null {
  const p = parseList(products);
  const c = parseList(categories);
  return p === null && c === null ? null : { products: p ?? [], categories: c ?? [] };
}

function toCampaign(row: CampaignsTable, version: { version: bigint; params: string } | undefined): Campaign {
  return {
    id: row.id,
    ordinal: row.ordinal,
    plan: row.plan,
    name: row.name,
    status: row.status as CampaignStatus,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    scope: scopeOf(row.scope_products, row.scope_categories),
    version: version?.version ?? 0n,
    params: version === undefined ? {} : (JSON.parse(version.params) as Record<string, unknown>),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
  };
}

/** Every campaign in creation order, with its current version's parameters. */
export async function loadCampaigns(db: Db | Tx, ids?: readonly string[]): Promise<Campaign[]> {
  if (ids !== undefined && ids.length === 0) return [];
  let query = db.selectFrom('campaigns').selectAll().orderBy('ordinal');
  if (ids !== undefined) query = query.where('id', 'in', [...ids]);
  const rows = await query.execute();
  if (rows.length === 0) return [];
  // Versions are few (one per edit): the latest of each is picked here rather than by a correlated subquery.
  const versions = await db
    .selectFrom('campaign_versions')
    .select(['campaign', 'version', 'params'])
    .where(
      'campaign',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('version')
    .execute();
  const latest = new Map(versions.map((v) => [v.campaign, v]));
  return rows.map((r) => toCampaign(r, latest.get(r.id)));
}

export async function findCampaign(db: Db | Tx, id: string): Promise<Campaign | undefined> {
  return (await loadCampaigns(db, [id]))[0];
}

export async function campaignVersions(db: Db | Tx, id: string) {
  const rows = await db
    .selectFrom('campaign_versions')
    .selectAll()
    .where('campaign', '=', id)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    params: JSON.parse(r.params) as Record<string, unknown>,
    scope: scopeOf(r.scope_products, r.scope_categories),
    seq: r.seq,
    at: r.at,
    actor: r.actor,
  }));
}

/** The log of who did what to campaigns, newest first, with the SPEC 3.4 acknowledgements. */
export async function campaignAuditLog(db: Db | Tx, filter: { campaign?: string | undefined; limit: number }) {
  let query = db.selectFrom('campaign_audit').selectAll();
  if (filter.campaign !== undefined) query = query.where('campaign', '=', filter.campaign);
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    campaign: r.campaign,
    actor: r.actor,
    action: r.action,
    detail: decodeStored(r.detail) as Record<string, unknown>,
    acknowledgement: r.acknowledgement,
    at: r.at,
  }));
}

/** Whether an order paid at `paidAt` is inside the campaign's window [startsAt, endsAt). */
export function inWindow(campaign: Pick<Campaign, 'startsAt' | 'endsAt'>, paidAt: string): boolean {
  return (
    (campaign.startsAt === null || campaign.startsAt <= paidAt) &&
    (campaign.endsAt === null || paidAt < campaign.endsAt)
  );
}

/** The campaigns that act on an order settled now: active, and the order paid inside their window. */
export function actingCampaigns(campaigns: readonly Campaign[], paidAt: string): string[] {
  return campaigns.filter((c) => c.status === 'active' && inWindow(c, paidAt)).map((c) => c.id);
}

export function coversProduct(campaign: Pick<Campaign, 'scope'>, product: Pick<Product, 'id' | 'categoryId'>): boolean {
  const scope = campaign.scope;
  if (scope === null) return true;
  return (
    scope.products.includes(product.id) ||
    (product.categoryId !== null && scope.categories.includes(product.categoryId))
  );
}

/** Campaigns a shopper may see on a product now: active, inside their window, covering it. */
export function liveCampaignsOf(campaigns: readonly Campaign[], product: Product, now: string): Campaign[] {
  return campaigns.filter((c) => c.status === 'active' && inWindow(c, now) && coversProduct(c, product));
}

export function campaignTitle(campaign: Pick<Campaign, 'plan'>): Label {
  return findPlan(campaign.plan)?.title ?? { zh: campaign.plan, en: campaign.plan };
}

export interface ProductWarning {
  code: 'payout_exceeds_margin';
  message: string;
  productId: string;
  sku: string;
}

/**
 * SPEC 3.4 margin warnings of one product: the planned payout of every campaign that may act on it (not ended),
 * at each plan's declared bound, against each SKU's price minus cost (core's rule).
 */
export function productWarnings(campaigns: readonly Campaign[], product: Product): ProductWarning[] {
  const covering = campaigns.filter((c) => c.status !== 'ended' && coversProduct(c, product));
  return marginWarnings(
    covering.map((c) => ({ plan: c.plan, params: c.params })),
    product.skus,
  ).map((w) => ({
    code: 'payout_exceeds_margin',
    productId: product.id,
    sku: w.sku,
    message: `「${product.title}」规格「${w.sku}」计划返利最高 ${w.payoutFen} 分，超过毛利 ${w.marginFen} 分 / planned payout ${w.payoutFen} fen exceeds the margin ${w.marginFen} fen`,
  }));
}

/** The campaign list entry the admin API answers. */
export function campaignJson(c: Campaign) {
  const definition = findPlan(c.plan);
  return {
    id: c.id,
    plan: c.plan,
    planTitle: definition?.title ?? { zh: c.plan, en: c.plan },
    highRisk: definition?.highRisk ?? false,
    name: c.name,
    status: c.status,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    scope: c.scope,
    version: c.version,
    params: c.params,
    createdAt: c.createdAt,
    createdBy: c.createdBy,
    updatedAt: c.updatedAt,
    acknowledgedAt: c.acknowledgedAt,
    acknowledgedBy: c.acknowledgedBy,
  };
}

/** What a shopper sees of a campaign on a product page: enough to link to its rules section. */
export function publicCampaignJson(c: Campaign) {
  return { id: c.id, plan: c.plan, name: c.name, title: campaignTitle(c), endsAt: c.endsAt };
}
