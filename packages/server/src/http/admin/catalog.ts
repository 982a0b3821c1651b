import { PLANS } from '@mall/core';
import {
  addCategory,
  getProduct,
  listCategories,
  listProducts,
  putOnShelf,
  storeProduct,
  type ProductInput,
} from '../../commerce/catalog';
import { productWarnings } from '../../incentives/plans';
import { paging, staffWith, type RouteModule } from '../context';
import {
  adminRoute,
  arr,
  bool,
  fen,
  id,
  idParam,
  int,
  list,
  nullable,
  obj,
  pageQuery,
  productSchema,
  str,
} from '../schemas';

const productBody = obj(
  {
    title: str({ minLength: 1, maxLength: 100 }),
    subtitle: str({ maxLength: 200 }),
    description: str({ maxLength: 5000 }),
    categoryId: nullable(id()),
    imageUrl: str({ maxLength: 2000 }),
    images: arr(str({ maxLength: 2000 }), { maxItems: 20 }),
    onShelf: bool,
    purchaseLimit: int({ minimum: 0, maximum: 100_000 }),
    plans: arr(str({ enum: PLANS.map((p) => p.code) }), { maxItems: 10 }),
    freightTemplateId: nullable(id()),
    skus: arr(
      obj(
        {
          id: id(),
          name: str({ minLength: 1, maxLength: 50 }),
          priceFen: fen,
          costFen: fen,
          stock: int({ minimum: 0, maximum: 100_000_000 }),
          weightGrams: int({ minimum: 0, maximum: 100_000_000 }),
        },
        ['name', 'priceFen', 'costFen', 'stock'],
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  ['title', 'skus'],
);

interface ProductBody {
  title: string;
  subtitle?: string;
  description?: string;
  categoryId?: string | null;
  imageUrl?: string;
  images?: string[];
  onShelf?: boolean;
  purchaseLimit?: number;
  plans?: string[];
  freightTemplateId?: string | null;
  skus: { id?: string; name: string; priceFen: number; costFen: number; stock: number; weightGrams?: number }[];
}

function productInput(body: ProductBody): ProductInput {
  return {
    ...body,
    skus: body.skus.map((s) => ({
      id: s.id,
      name: s.name,
      priceFen: BigInt(s.priceFen),
      costFen: BigInt(s.costFen),
      stock: BigInt(s.stock),
      weightGrams: s.weightGrams === undefined ? undefined : BigInt(s.weightGrams),
    })),
  };
}

/** Categories and products for staff: cost price, stock, shelf, plans; saving warns about thin margins. */
export const adminCatalogRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/categories',
    adminRoute('Categories (catalog:read)', {}, list(obj({ id: str(), name: str() }), false), []),
    async (request) => {
      await staffWith(ctx, request, 'catalog:read');
      return { items: await listCategories(db) };
    },
  );

  app.post<{ Body: { name: string } }>(
    '/api/admin/categories',
    adminRoute(
      'Create a category (catalog:write)',
      { body: obj({ name: str({ minLength: 1, maxLength: 50 }) }, ['name']) },
      obj({ category: obj({ id: str(), name: str() }) }),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
      return { category: await addCategory(db, request.body.name) };
    },
  );

  app.get<{ Querystring: { q?: string; categoryId?: string; page?: number; pageSize?: number } }>(
    '/api/admin/products',
    adminRoute(
      'Products with cost and stock (catalog:read)',
      { querystring: obj({ q: str({ maxLength: 50 }), categoryId: id(), ...pageQuery }) },
      list(productSchema),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:read');
      const { page, pageSize } = paging(request.query);
      const all = await listProducts(db, {
        onShelfOnly: false,
        q: request.query.q,
        categoryId: request.query.categoryId,
      });
      return {
        items: all.slice((page - 1) * pageSize, page * pageSize),
        total: all.length,
        page,
        pageSize,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/products/:id',
    adminRoute('One product (catalog:read)', { params: idParam }, obj({ product: productSchema }), [
      'product_not_found',
    ]),
    async (request) => {
      await staffWith(ctx, request, 'catalog:read');
      return { product: await getProduct(db, request.params.id, false) };
    },
  );

  const productAnswer = () => obj({ product: productSchema, warnings: arr(obj({ code: str(), message: str() })) });
  const saveWith = async (id: string | undefined, body: ProductBody) => {
    const product = await storeProduct(db, id, productInput(body));
    return { product, warnings: await productWarnings(db, product) };
  };

  app.post<{ Body: ProductBody }>(
    '/api/admin/products',
    adminRoute(
      'Create a product (catalog:write); warns when planned payouts exceed the margin',
      { body: productBody },
      productAnswer(),
      ['category_not_found', 'invalid_parameter', 'sku_not_found', 'freight_template_not_found'],
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
      return saveWith(undefined, request.body);
    },
  );

  app.put<{ Params: { id: string }; Body: ProductBody }>(
    '/api/admin/products/:id',
    adminRoute('Update a product (catalog:write)', { params: idParam, body: productBody }, productAnswer(), [
      'product_not_found',
      'category_not_found',
      'invalid_parameter',
      'sku_not_found',
      'freight_template_not_found',
    ]),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
      return saveWith(request.params.id, request.body);
    },
  );

  app.post<{ Params: { id: string }; Body: { onShelf: boolean } }>(
    '/api/admin/products/:id/shelf',
    adminRoute(
      'Put a product on or off the shelf (catalog:write)',
      { params: idParam, body: obj({ onShelf: bool }, ['onShelf']) },
      obj({ product: productSchema }),
      ['product_not_found'],
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
      return { product: await putOnShelf(db, request.params.id, request.body.onShelf) };
    },
  );
};
