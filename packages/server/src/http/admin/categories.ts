import { addCategory, deleteCategory, listCategories, updateCategory } from '../../commerce/categories';
import type { RouteModule } from '../context';
import { bool, idParam, int, list, nullable, obj, str } from '../schemas';
import { answerId, byParam, staffRoute } from '../staff-route';

export const categorySchema = obj({ id: str(), name: str(), parentId: nullable(str()), iconUrl: str(), sort: int() });
const categoryBody = obj(
  {
    name: str({ minLength: 1, maxLength: 50 }),
    parentId: nullable(str({ maxLength: 100 })),
    iconUrl: str({ maxLength: 2000 }),
    sort: int({ minimum: 0, maximum: 100_000 }),
  },
  ['name'],
);
type CategoryBody = { name: string; parentId?: string | null; iconUrl?: string; sort?: number };

/** Categories for staff: a two-level tree with icons. */
export const adminCategoryRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/categories',
    staffRoute(
      'catalog:read',
      'Categories: a two-level tree (parentId null: top level)',
      {},
      list(categorySchema, false),
    ),
    async () => ({ items: await listCategories(db) }),
  );

  app.post<{ Body: CategoryBody }>(
    '/api/admin/categories',
    staffRoute(
      'catalog:write',
      'Create a category, top-level or under a top-level one',
      { body: categoryBody },
      obj({ category: categorySchema }),
      { action: 'category.create', entity: 'category', answerTarget: answerId('category') },
    ),
    async (request) => ({ category: await addCategory(db, request.body) }),
  );

  app.put<{ Params: { id: string }; Body: CategoryBody }>(
    '/api/admin/categories/:id',
    staffRoute(
      'catalog:write',
      'Rename, move, re-icon or re-order a category',
      { params: idParam, body: categoryBody },
      obj({ category: categorySchema }),
      { action: 'category.update', entity: 'category', target: byParam() },
    ),
    async (request) => ({ category: await updateCategory(db, request.params.id, request.body) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/admin/categories/:id',
    staffRoute(
      'catalog:write',
      'Delete an empty category (409 category_not_empty while it has subcategories or products)',
      { params: idParam },
      obj({ ok: bool }),
      { action: 'category.delete', entity: 'category', target: byParam() },
    ),
    async (request) => {
      await deleteCategory(db, request.params.id);
      return { ok: true };
    },
  );
};
