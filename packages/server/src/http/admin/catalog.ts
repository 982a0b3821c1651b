import {
  addCategory,
  getProduct,
  listCategories,
  listProducts,
  putOnShelf,
  storeProduct,
  type Product,
  type ProductInput,
} from '../../commerce/catalog';
import { campaignJson, coversProduct, loadCampaigns, productWarnings } from '../../incentives/campaigns';
import { paging, staffWith, type RouteModule } from '../context';
import {
  adminRoute,
  anyObject,
  arr,
  bool,
  fen,
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
    categoryId: nullable(str()),
    imageUrl: str({ maxLength: 2000 }),
    images: arr(str({ maxLength: 2000 }), { maxItems: 20 }),
    onShelf: bool,
    purchaseLimit: int({ minimum: 0, maximum: 100_000 }),
    skus: arr(
      obj(
        {
          id: str(),
          name: str({ minLength: 1, maxLength: 50 }),
          priceFen: fen,
          costFen: fen,
          stock: int({ minimum: 0, maximum: 100_000_000 }),
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
  skus: { id?: string; name: string; priceFen: number; costFen: number; stock: number }[];
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
    })),
  };
}

const warningSchema = obj({ code: str(), message: str(), productId: str(), sku: str() });
const listedProduct = {
  ...productSchema,
  properties: {
    ...(productSchema.properties as Record<string, unknown>),
    campaigns: arr(obj({ id: str(), name: str(), plan: str(), status: str() })),
  },
};
const productAnswer = () =>
  obj({ product: productSchema, campaigns: arr(anyObject), warnings: arr(warningSchema) }, ['product']);

/**
 * Categories and products for staff: cost price, stock, shelf; a product's answer lists the campaigns covering it
 * (the editor shows them) and the margin warnings of their planned payouts (SPEC 3.4).
 */
export const adminCatalogRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const withCampaigns = async (product: Product) => {
    const campaigns = await loadCampaigns(db);
    return {
      product,
      campaigns: campaigns.filter((c) => coversProduct(c, product)).map(campaignJson),
      warnings: productWarnings(campaigns, product),
    };
  };

  app.get(
    '/api/admin/categories',
    adminRoute('Categories (catalog:read)', {}, list(obj({ id: str(), name: str() }), false)),
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
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
      return { category: await addCategory(db, request.body.name) };
    },
  );

  app.get<{ Querystring: { q?: string; categoryId?: string; page?: number; pageSize?: number } }>(
    '/api/admin/products',
    adminRoute(
      'Products with cost, stock and the campaigns covering each (catalog:read)',
      { querystring: obj({ q: str({ maxLength: 50 }), categoryId: str(), ...pageQuery }) },
      list(listedProduct),
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:read');
      const { page, pageSize } = paging(request.query);
      const all = await listProducts(db, {
        onShelfOnly: false,
        q: request.query.q,
        categoryId: request.query.categoryId,
      });
      const campaigns = await loadCampaigns(db);
      return {
        items: all.slice((page - 1) * pageSize, page * pageSize).map((p) => ({
          ...p,
          campaigns: campaigns
            .filter((c) => coversProduct(c, p))
            .map((c) => ({ id: c.id, name: c.name, plan: c.plan, status: c.status })),
        })),
        total: all.length,
        page,
        pageSize,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/products/:id',
    adminRoute(
      'One product with the campaigns covering it and their margin warnings (catalog:read)',
      { params: idParam },
      productAnswer(),
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:read');
      return withCampaigns(await getProduct(db, request.params.id, false));
    },
  );

  const saveWith = async (id: string | undefined, body: ProductBody) =>
    withCampaigns(await storeProduct(db, id, productInput(body)));

  app.post<{ Body: ProductBody }>(
    '/api/admin/products',
    adminRoute(
      'Create a product (catalog:write); warns when planned payouts exceed the margin',
      { body: productBody },
      productAnswer(),
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
      return saveWith(undefined, request.body);
    },
  );

  app.put<{ Params: { id: string }; Body: ProductBody }>(
    '/api/admin/products/:id',
    adminRoute('Update a product (catalog:write)', { params: idParam, body: productBody }, productAnswer()),
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
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
      return { product: await putOnShelf(db, request.params.id, request.body.onShelf) };
    },
  );
};
