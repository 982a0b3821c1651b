import { specKey, specProblem, type SpecAttribute } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { newId } from '../platform/ids';
import { nowIso } from '../platform/clock';
import { sanitizeRichText } from '../platform/rich-text';
import { categoryScope } from './categories';
import { assertFreightTemplate } from './checkout/freight-templates';

export { listCategories, createCategory } from './categories';

export interface Sku {
  id: string;
  name: string;
  priceFen: bigint;
  costFen: bigint;
  stock: bigint;
  /** The merchant's SKU code (商家编码); '' when none. */
  code: string;
  imageUrl: string;
  /** One value per spec attribute of the product, in the specs' order; [] for a product without specs. */
  specValues: string[];
  weightGrams: bigint;
}

export interface Product {
  id: string;
  title: string;
  subtitle: string;
  /** Sanitised HTML (rich text), shown as HTML by the storefront. */
  description: string;
  categoryId: string | null;
  imageUrl: string;
  images: string[];
  onShelf: boolean;
  /** Most units one shopper may hold in open orders (限购); 0 = no limit. */
  purchaseLimit: number;
  specs: SpecAttribute[];
  /** The freight template its lines are charged by; null ships free (包邮). */
  freightTemplateId: string | null;
  skus: Sku[];
}

export async function listProducts(
  db: Db | Tx,
  filter: { onShelfOnly: boolean; categoryId?: string | undefined; q?: string | undefined; ids?: string[] },
): Promise<Product[]> {
  let query = db.selectFrom('products').selectAll().orderBy('created_at').orderBy('id');
  if (filter.onShelfOnly) query = query.where('on_shelf', '=', 1n);
  if (filter.categoryId !== undefined && filter.categoryId !== '')
    query = query.where('category_id', 'in', await categoryScope(db, filter.categoryId));
  if (filter.q !== undefined && filter.q !== '') query = query.where('title', 'like', `%${filter.q}%`);
  if (filter.ids !== undefined) {
    if (filter.ids.length === 0) return [];
    query = query.where('id', 'in', filter.ids);
  }
  const products = await query.execute();
  if (products.length === 0) return [];
  const skus = await db
    .selectFrom('skus')
    .selectAll()
    .where(
      'product_id',
      'in',
      products.map((p) => p.id),
    )
    .where('retired', '=', 0n)
    .orderBy('id')
    .execute();
  const byProduct = new Map<string, Sku[]>();
  for (const s of skus) {
    const list = byProduct.get(s.product_id) ?? [];
    list.push({
      id: s.id,
      name: s.name,
      priceFen: s.price_fen,
      costFen: s.cost_fen,
      stock: s.stock,
      code: s.code ?? '',
      imageUrl: s.image_url,
      specValues: JSON.parse(s.spec_values) as string[],
      weightGrams: s.weight_grams,
    });
    byProduct.set(s.product_id, list);
  }
  return products.map((p) => ({
    id: p.id,
    title: p.title,
    subtitle: p.subtitle,
    description: p.description,
    categoryId: p.category_id,
    imageUrl: p.image_url,
    images: JSON.parse(p.images) as string[],
    onShelf: p.on_shelf === 1n,
    purchaseLimit: Number(p.purchase_limit),
    specs: JSON.parse(p.specs) as SpecAttribute[],
    freightTemplateId: p.freight_template_id,
    skus: byProduct.get(p.id) ?? [],
  }));
}

export async function getProduct(db: Db | Tx, id: string, onShelfOnly: boolean): Promise<Product> {
  const [product] = await listProducts(db, { onShelfOnly, ids: [id] });
  if (product === undefined) fail('product_not_found');
  return product;
}

export interface SkuInput {
  id?: string | undefined;
  /** Defaults to the spec values joined ("红 / S"). */
  name?: string | undefined;
  priceFen: bigint;
  costFen: bigint;
  stock: bigint;
  code?: string | undefined;
  imageUrl?: string | undefined;
  specValues?: string[] | undefined;
  /** For weight-based freight templates. */
  weightGrams?: bigint | undefined;
}

export interface ProductInput {
  title: string;
  subtitle?: string | undefined;
  description?: string | undefined;
  categoryId?: string | null | undefined;
  imageUrl?: string | undefined;
  images?: string[] | undefined;
  onShelf?: boolean | undefined;
  purchaseLimit?: number | undefined;
  specs?: SpecAttribute[] | undefined;
  freightTemplateId?: string | null | undefined;
  skus: SkuInput[];
}

async function checkCategory(trx: Tx, id: string | null | undefined): Promise<void> {
  if (id === null || id === undefined) return;
  const row = await trx.selectFrom('categories').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) fail('category_not_found');
}

function checkSkus(input: ProductInput, specs: SpecAttribute[]): void {
  if (input.skus.length === 0) fail('invalid_request', 'a product needs at least one SKU');
  for (const s of input.skus) {
    if (s.priceFen < 0n || s.costFen < 0n || s.stock < 0n)
      fail('invalid_request', 'prices, costs and stock are non-negative');
  }
  const problem = specProblem(
    specs,
    input.skus.map((s) => s.specValues ?? []),
  );
  if (problem !== undefined) fail('invalid_specs', problem);
  const codes = input.skus.map((s) => s.code ?? '').filter((c) => c !== '');
  if (new Set(codes).size !== codes.length) fail('sku_code_taken', 'two SKUs of this product share a code');
}

/** A code another product's SKU (or a retired one) already holds is refused before the unique index would be. */
async function checkCodes(trx: Tx, productId: string, skus: SkuInput[]): Promise<void> {
  const codes = skus.map((s) => s.code ?? '').filter((c) => c !== '');
  if (codes.length === 0) return;
  const taken = await trx.selectFrom('skus').select(['id', 'code', 'product_id']).where('code', 'in', codes).execute();
  const mine = new Set(skus.map((s) => s.id).filter((id): id is string => id !== undefined));
  const clash = taken.find((t) => !(t.product_id === productId && mine.has(t.id)));
  if (clash !== undefined) fail('sku_code_taken', clash.code ?? '');
}

export async function saveProduct(trx: Tx, id: string | undefined, input: ProductInput): Promise<Product> {
  await checkCategory(trx, input.categoryId);
  await assertFreightTemplate(trx, input.freightTemplateId);
  const specs = (input.specs ?? []).map((s) => ({ name: s.name.trim(), values: s.values.map((v) => v.trim()) }));
  checkSkus(input, specs);
  const values = {
    title: input.title,
    subtitle: input.subtitle ?? '',
    description: sanitizeRichText(input.description ?? ''),
    category_id: input.categoryId ?? null,
    image_url: input.imageUrl ?? '',
    images: JSON.stringify(input.images ?? (input.imageUrl ? [input.imageUrl] : [])),
    on_shelf: input.onShelf === false ? 0n : 1n,
    purchase_limit: BigInt(input.purchaseLimit ?? 0),
    specs: JSON.stringify(specs),
    ...(input.freightTemplateId === undefined ? {} : { freight_template_id: input.freightTemplateId }),
  };
  let productId = id;
  if (productId === undefined) {
    productId = newId('prd');
    await trx
      .insertInto('products')
      .values({ id: productId, ...values, created_at: nowIso() })
      .execute();
  } else {
    const result = await trx.updateTable('products').set(values).where('id', '=', productId).executeTakeFirst();
    if (result.numUpdatedRows !== 1n) fail('product_not_found');
  }
  await saveSkus(trx, productId, input.skus);
  return getProduct(trx, productId, false);
}

/**
 * The product's SKUs become exactly the given ones: known ids are updated, new ones inserted, and the ones left out
 * retired (stock 0, hidden), never deleted, because orders and reservations point at them.
 */
async function saveSkus(trx: Tx, productId: string, skus: SkuInput[]): Promise<void> {
  const existing = await trx.selectFrom('skus').select('id').where('product_id', '=', productId).execute();
  const known = new Set(existing.map((s) => s.id));
  for (const s of skus) if (s.id !== undefined && !known.has(s.id)) fail('sku_not_found');
  // Codes first leave the SKUs that give them up, so two SKUs can swap codes in one save.
  await checkCodes(trx, productId, skus);
  const kept = new Set(skus.map((s) => s.id).filter((skuId): skuId is string => skuId !== undefined));
  for (const old of existing) {
    await trx
      .updateTable('skus')
      .set(kept.has(old.id) ? { code: null } : { code: null, stock: 0n, retired: 1n })
      .where('id', '=', old.id)
      .execute();
  }
  for (const s of skus) {
    const fields = {
      name: s.name?.trim() || specKey(s.specValues ?? []) || '默认',
      price_fen: s.priceFen,
      cost_fen: s.costFen,
      stock: s.stock,
      code: s.code === undefined || s.code === '' ? null : s.code,
      image_url: s.imageUrl ?? '',
      spec_values: JSON.stringify(s.specValues ?? []),
      retired: 0n,
      ...(s.weightGrams === undefined ? {} : { weight_grams: s.weightGrams }),
    };
    if (s.id !== undefined) {
      // Stock set by an admin is the available quantity; reservations already taken stay where they are.
      await trx.updateTable('skus').set(fields).where('id', '=', s.id).execute();
    } else {
      await trx
        .insertInto('skus')
        .values({ id: newId('sku'), product_id: productId, ...fields, reserved: 0n, sold: 0n })
        .execute();
    }
  }
}

export async function setShelf(trx: Tx, id: string, onShelf: boolean): Promise<Product> {
  const result = await trx
    .updateTable('products')
    .set({ on_shelf: onShelf ? 1n : 0n })
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) fail('product_not_found');
  return getProduct(trx, id, false);
}

/** Creates (no id) or updates a product with its SKUs in one transaction. */
export async function storeProduct(db: Db, id: string | undefined, input: ProductInput): Promise<Product> {
  return inTx(db, (trx) => saveProduct(trx, id, input));
}

export async function putOnShelf(db: Db, id: string, onShelf: boolean): Promise<Product> {
  return inTx(db, (trx) => setShelf(trx, id, onShelf));
}
