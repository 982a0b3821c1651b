import { findPlan } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { newId } from '../platform/ids';
import { nowIso } from '../platform/clock';
import { assertFreightTemplate } from './checkout/freight-templates';

export interface Sku {
  id: string;
  name: string;
  priceFen: bigint;
  costFen: bigint;
  stock: bigint;
  weightGrams: bigint;
}

export interface Product {
  id: string;
  title: string;
  subtitle: string;
  description: string;
  categoryId: string | null;
  imageUrl: string;
  images: string[];
  onShelf: boolean;
  plans: string[];
  /** Most units one shopper may hold in open orders (限购); 0 = no limit. */
  purchaseLimit: number;
  /** The freight template its lines are charged by; null ships free (包邮). */
  freightTemplateId: string | null;
  skus: Sku[];
}

export async function listCategories(db: Db | Tx): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('categories').select(['id', 'name']).orderBy('sort').orderBy('id').execute();
}

export async function createCategory(trx: Tx, name: string): Promise<{ id: string; name: string }> {
  const count = await trx
    .selectFrom('categories')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .executeTakeFirstOrThrow();
  const row = { id: newId('cat'), name, sort: BigInt(count.n) };
  await trx.insertInto('categories').values(row).execute();
  return { id: row.id, name };
}

export async function listProducts(
  db: Db | Tx,
  filter: { onShelfOnly: boolean; categoryId?: string | undefined; q?: string | undefined; ids?: string[] },
): Promise<Product[]> {
  let query = db.selectFrom('products').selectAll().orderBy('created_at').orderBy('id');
  if (filter.onShelfOnly) query = query.where('on_shelf', '=', 1n);
  if (filter.categoryId !== undefined && filter.categoryId !== '')
    query = query.where('category_id', '=', filter.categoryId);
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
    plans: JSON.parse(p.plans) as string[],
    purchaseLimit: Number(p.purchase_limit),
    freightTemplateId: p.freight_template_id,
    skus: byProduct.get(p.id) ?? [],
  }));
}

export async function getProduct(db: Db | Tx, id: string, onShelfOnly: boolean): Promise<Product> {
  const [product] = await listProducts(db, { onShelfOnly, ids: [id] });
  if (product === undefined) fail('product_not_found');
  return product;
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
  plans?: string[] | undefined;
  freightTemplateId?: string | null | undefined;
  skus: {
    id?: string | undefined;
    name: string;
    priceFen: bigint;
    costFen: bigint;
    stock: bigint;
    weightGrams?: bigint | undefined;
  }[];
}

function checkPlans(codes: readonly string[]): void {
  for (const code of codes) if (findPlan(code) === undefined) fail('invalid_parameter', `unknown plan ${code}`);
}

async function checkCategory(trx: Tx, id: string | null | undefined): Promise<void> {
  if (id === null || id === undefined) return;
  const row = await trx.selectFrom('categories').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) fail('category_not_found');
}

export async function saveProduct(trx: Tx, id: string | undefined, input: ProductInput): Promise<Product> {
  const plans = [...new Set(input.plans ?? [])];
  checkPlans(plans);
  await checkCategory(trx, input.categoryId);
  await assertFreightTemplate(trx, input.freightTemplateId);
  if (input.skus.length === 0) fail('invalid_request', 'a product needs at least one SKU');
  for (const s of input.skus) {
    if (s.priceFen < 0n || s.costFen < 0n || s.stock < 0n)
      fail('invalid_request', 'prices, costs and stock are non-negative');
  }
  const values = {
    title: input.title,
    subtitle: input.subtitle ?? '',
    description: input.description ?? '',
    category_id: input.categoryId ?? null,
    image_url: input.imageUrl ?? '',
    images: JSON.stringify(input.images ?? (input.imageUrl ? [input.imageUrl] : [])),
    on_shelf: input.onShelf === false ? 0n : 1n,
    plans: JSON.stringify(plans),
    purchase_limit: BigInt(input.purchaseLimit ?? 0),
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
  const existing = await trx.selectFrom('skus').select('id').where('product_id', '=', productId).execute();
  const known = new Set(existing.map((s) => s.id));
  for (const s of input.skus) {
    if (s.id !== undefined && known.has(s.id)) {
      // Stock set by an admin is the available quantity; reservations already taken stay where they are.
      await trx
        .updateTable('skus')
        .set({
          name: s.name,
          price_fen: s.priceFen,
          cost_fen: s.costFen,
          stock: s.stock,
          ...(s.weightGrams === undefined ? {} : { weight_grams: s.weightGrams }),
        })
        .where('id', '=', s.id)
        .execute();
    } else {
      if (s.id !== undefined) fail('sku_not_found');
      await trx
        .insertInto('skus')
        .values({
          id: newId('sku'),
          product_id: productId,
          name: s.name,
          price_fen: s.priceFen,
          cost_fen: s.costFen,
          stock: s.stock,
          reserved: 0n,
          sold: 0n,
          weight_grams: s.weightGrams ?? 0n,
        })
        .execute();
    }
  }
  return getProduct(trx, productId, false);
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

export async function addCategory(db: Db, name: string): Promise<{ id: string; name: string }> {
  return inTx(db, (trx) => createCategory(trx, name));
}

/** Creates (no id) or updates a product with its SKUs in one transaction. */
export async function storeProduct(db: Db, id: string | undefined, input: ProductInput): Promise<Product> {
  return inTx(db, (trx) => saveProduct(trx, id, input));
}

export async function putOnShelf(db: Db, id: string, onShelf: boolean): Promise<Product> {
  return inTx(db, (trx) => setShelf(trx, id, onShelf));
}
