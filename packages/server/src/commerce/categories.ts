import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { newId } from '../platform/ids';

/**
 * Categories as a two-level tree with icons: top-level categories (parentId null) and their children. A product sits
 * in either; browsing a top-level category shows its children's products too.
 */
export interface Category {
  id: string;
  name: string;
  parentId: string | null;
  iconUrl: string;
  sort: number;
}

export interface CategoryInput {
  name: string;
  parentId?: string | null | undefined;
  iconUrl?: string | undefined;
  sort?: number | undefined;
}

type Row = { id: string; name: string; sort: bigint; parent_id: string | null; icon_url: string };

function categoryOf(r: Row): Category {
  return { id: r.id, name: r.name, parentId: r.parent_id, iconUrl: r.icon_url, sort: Number(r.sort) };
}

/** Every category, parents before children is not guaranteed: order by sort, then id. */
export async function listCategories(db: Db | Tx): Promise<Category[]> {
  const rows = await db.selectFrom('categories').selectAll().orderBy('sort').orderBy('id').execute();
  return rows.map(categoryOf);
}

export async function findCategory(db: Db | Tx, id: string): Promise<Category | undefined> {
  const row = await db.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : categoryOf(row);
}

/** A category and, for a top-level one, its children: the ids whose products it shows. */
export async function categoryScope(db: Db | Tx, id: string): Promise<string[]> {
  const children = await db.selectFrom('categories').select('id').where('parent_id', '=', id).execute();
  return [id, ...children.map((c) => c.id)];
}

/** The tree has two levels: a parent must exist and be top-level, and a category with children cannot move under one. */
async function checkParent(trx: Tx, id: string | undefined, parentId: string | null | undefined): Promise<void> {
  if (parentId === null || parentId === undefined) return;
  if (parentId === id) fail('invalid_parameter', 'a category cannot be its own parent');
  const parent = await trx.selectFrom('categories').select('parent_id').where('id', '=', parentId).executeTakeFirst();
  if (parent === undefined) fail('category_not_found');
  if (parent.parent_id !== null) fail('invalid_parameter', 'categories have two levels: the parent must be top-level');
  if (id !== undefined) {
    const child = await trx.selectFrom('categories').select('id').where('parent_id', '=', id).executeTakeFirst();
    if (child !== undefined) fail('invalid_parameter', 'a category with subcategories stays top-level');
  }
}

export async function createCategory(
  trx: Tx,
  name: string,
  input: Omit<CategoryInput, 'name'> = {},
): Promise<Category> {
  await checkParent(trx, undefined, input.parentId);
  const count = await trx
    .selectFrom('categories')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .executeTakeFirstOrThrow();
  const row = {
    id: newId('cat'),
    name,
    sort: input.sort === undefined ? BigInt(count.n) : BigInt(input.sort),
    parent_id: input.parentId ?? null,
    icon_url: input.iconUrl ?? '',
  };
  await trx.insertInto('categories').values(row).execute();
  return categoryOf(row);
}

export async function addCategory(db: Db, input: CategoryInput): Promise<Category> {
  return inTx(db, (trx) => createCategory(trx, input.name, input));
}

export async function updateCategory(db: Db, id: string, input: CategoryInput): Promise<Category> {
  return inTx(db, async (trx) => {
    const existing = await findCategory(trx, id);
    if (existing === undefined) fail('category_not_found');
    const parentId = input.parentId === undefined ? existing.parentId : input.parentId;
    await checkParent(trx, id, parentId);
    await trx
      .updateTable('categories')
      .set({
        name: input.name,
        parent_id: parentId,
        icon_url: input.iconUrl ?? existing.iconUrl,
        sort: BigInt(input.sort ?? existing.sort),
      })
      .where('id', '=', id)
      .execute();
    return (await findCategory(trx, id)) as Category;
  });
}

/** Only an empty category goes: no subcategories, no products (move them first). */
export async function deleteCategory(db: Db, id: string): Promise<void> {
  await inTx(db, async (trx) => {
    if ((await findCategory(trx, id)) === undefined) fail('category_not_found');
    const child = await trx.selectFrom('categories').select('id').where('parent_id', '=', id).executeTakeFirst();
    const product = await trx.selectFrom('products').select('id').where('category_id', '=', id).executeTakeFirst();
    if (child !== undefined || product !== undefined) fail('category_not_empty');
    await trx.deleteFrom('categories').where('id', '=', id).execute();
  });
}
