import { findPlan } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { nowIso } from '../platform/clock';
import { listCategories, type Category } from './categories';
import { listProducts, type Product } from './catalog';
import { DEFAULT_LAYOUT, LayoutError, parseLayout, type Layout, type Section } from './page-layout-schema';

/**
 * Stored page layouts (the home page today): the document, a version that rises with each save, and who saved it.
 * The storefront reads the layout resolved: each section with the products and categories it shows.
 */
export interface StoredLayout {
  key: string;
  layout: Layout;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

export const PAGE_KEYS = ['home'] as const;
export type PageKey = (typeof PAGE_KEYS)[number];

export async function getLayout(db: Db | Tx, key: string): Promise<StoredLayout> {
  const row = await db.selectFrom('page_layouts').selectAll().where('key', '=', key).executeTakeFirst();
  if (row === undefined) return { key, layout: DEFAULT_LAYOUT, version: 0, updatedAt: null, updatedBy: null };
  return {
    key,
    layout: parseLayout(JSON.parse(row.layout)),
    version: Number(row.version),
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/** The schema, then the references: every named product, category and plan must exist when the layout is saved. */
export async function checkLayout(db: Db | Tx, value: unknown): Promise<Layout> {
  let layout: Layout;
  try {
    layout = parseLayout(value);
  } catch (error) {
    if (error instanceof LayoutError) fail('layout_invalid', error.message);
    throw error;
  }
  const productIds = new Set<string>();
  const categoryIds = new Set<string>();
  for (const [i, s] of layout.sections.entries()) {
    if (s.type === 'products' && s.source === 'manual') s.productIds.forEach((id) => productIds.add(id));
    if (s.type === 'products' && s.source === 'category') categoryIds.add(s.categoryId);
    if (s.type === 'categories') s.categoryIds.forEach((id) => categoryIds.add(id));
    if (s.type === 'campaign' && s.plan !== '' && findPlan(s.plan) === undefined)
      fail('layout_invalid', `section ${i + 1} (campaign): unknown plan ${s.plan}`);
    if (s.type === 'banner')
      for (const item of s.items) {
        if (item.link.kind === 'product') productIds.add(item.link.target);
        if (item.link.kind === 'category') categoryIds.add(item.link.target);
      }
  }
  const products = new Set((await listProducts(db, { onShelfOnly: false, ids: [...productIds] })).map((p) => p.id));
  const missingProduct = [...productIds].find((id) => !products.has(id));
  if (missingProduct !== undefined) fail('layout_invalid', `unknown product ${missingProduct}`);
  const categories = new Set((await listCategories(db)).map((c) => c.id));
  const missingCategory = [...categoryIds].find((id) => !categories.has(id));
  if (missingCategory !== undefined) fail('layout_invalid', `unknown category ${missingCategory}`);
  return layout;
}

/** Saves a checked layout; `expectedVersion` refuses a save over someone else's newer one. */
export async function saveLayout(
  db: Db,
  key: PageKey,
  value: unknown,
  actor: string,
  expectedVersion?: number,
): Promise<StoredLayout> {
  const layout = await checkLayout(db, value);
  return inTx(db, async (trx) => {
    const current = await getLayout(trx, key);
    if (expectedVersion !== undefined && expectedVersion !== current.version)
      fail('layout_invalid', `someone saved version ${current.version} meanwhile: reload before saving`);
    const row = {
      layout: JSON.stringify(layout),
      version: BigInt(current.version + 1),
      updated_at: nowIso(),
      updated_by: actor,
    };
    await trx
      .insertInto('page_layouts')
      .values({ key, ...row })
      .onConflict((oc) => oc.column('key').doUpdateSet(row))
      .execute();
    return getLayout(trx, key);
  });
}

export type ResolvedSection =
  | Exclude<Section, { type: 'products' } | { type: 'categories' } | { type: 'campaign' }>
  | { type: 'categories'; title: string; categories: Category[] }
  | { type: 'products'; title: string; products: Product[] }
  | { type: 'campaign'; title: string; plan: string; text: string; imageUrl: string; products: Product[] };

/** The plan codes of the live campaigns covering a product (campaigns are the incentives' business: asked, not read). */
export type PlansOfProduct = (product: Product) => readonly string[];

/**
 * Each section with what it shows: products on the shelf only (a product taken off the shelf drops out of every
 * section), and a product once per page (a later section skips the ones an earlier section showed).
 */
export async function resolveLayout(db: Db | Tx, layout: Layout, plansOf: PlansOfProduct): Promise<ResolvedSection[]> {
  const onShelf = await listProducts(db, { onShelfOnly: true });
  const byId = new Map(onShelf.map((p) => [p.id, p]));
  const categories = await listCategories(db);
  const shown = new Set<string>();
  const take = (products: Product[], limit = Number.MAX_SAFE_INTEGER): Product[] => {
    const fresh = products.filter((p) => !shown.has(p.id)).slice(0, limit);
    fresh.forEach((p) => shown.add(p.id));
    return fresh;
  };
  const inCategory = (id: string): Set<string> =>
    new Set([id, ...categories.filter((c) => c.parentId === id).map((c) => c.id)]);
  const resolved: ResolvedSection[] = [];
  for (const s of layout.sections) {
    if (s.type === 'categories') {
      const chosen =
        s.categoryIds.length === 0
          ? categories.filter((c) => c.parentId === null)
          : s.categoryIds
              .map((id) => categories.find((c) => c.id === id))
              .filter((c): c is Category => c !== undefined);
      resolved.push({ type: 'categories', title: s.title, categories: chosen });
    } else if (s.type === 'products') {
      let products: Product[];
      if (s.source === 'manual')
        products = s.productIds.map((id) => byId.get(id)).filter((p): p is Product => p !== undefined);
      else if (s.source === 'category') {
        const scope = inCategory(s.categoryId);
        products = onShelf.filter((p) => p.categoryId !== null && scope.has(p.categoryId));
      } else products = [...onShelf].reverse();
      resolved.push({
        type: 'products',
        title: s.title,
        products: take(products, s.source === 'manual' ? undefined : s.limit),
      });
    } else if (s.type === 'campaign') {
      const products = onShelf.filter((p) => {
        const plans = plansOf(p);
        return s.plan === '' ? plans.length > 0 : plans.includes(s.plan);
      });
      resolved.push({ ...s, products: take(products) });
    } else resolved.push(s);
  }
  return resolved;
}
