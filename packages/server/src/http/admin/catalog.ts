import {
  getProduct,
  listProducts,
  putOnShelf,
  storeProduct,
  type Product,
  type ProductInput,
} from '../../commerce/catalog';
import { campaignJson, coversProduct, loadCampaigns, productWarnings } from '../../incentives/campaigns';
import { paging, type RouteModule } from '../context';
import { anyObject, arr, bool, fen, id, idParam, int, list, nullable, obj, pageQuery, str } from '../schemas';
import { productSchema } from '../catalog-schemas';
import { answerId, byParam, staffRoute } from '../staff-route';

const specText = str({ minLength: 1, maxLength: 30 });
const productBody = obj(
  {
    title: str({ minLength: 1, maxLength: 100 }),
    subtitle: str({ maxLength: 200 }),
    description: str({ maxLength: 20_000 }),
    categoryId: nullable(id()),
    imageUrl: str({ maxLength: 2000 }),
    images: arr(str({ maxLength: 2000 }), { maxItems: 20 }),
    onShelf: bool,
    purchaseLimit: int({ minimum: 0, maximum: 100_000 }),
    specs: arr(obj({ name: specText, values: arr(specText, { minItems: 1, maxItems: 30 }) }, ['name', 'values']), {
      maxItems: 3,
    }),
    freightTemplateId: nullable(id()),
    skus: arr(
      obj(
        {
          id: str(),
          name: str({ maxLength: 50 }),
          priceFen: fen,
          costFen: fen,
          stock: int({ minimum: 0, maximum: 100_000_000 }),
          code: str({ maxLength: 64, pattern: '^[A-Za-z0-9._-]*$' }),
          imageUrl: str({ maxLength: 2000 }),
          specValues: arr(specText, { maxItems: 3 }),
          weightGrams: int({ minimum: 0, maximum: 100_000_000 }),
        },
        ['priceFen', 'costFen', 'stock'],
      ),
      { minItems: 1, maxItems: 300 },
    ),
  },
  ['title', 'skus'],
);

interface ProductBody extends Omit<ProductInput, 'skus'> {
  skus: {
    id?: string;
    name?: string;
    priceFen: number;
    costFen: number;
    stock: number;
    code?: string;
    imageUrl?: string;
    specValues?: string[];
    weightGrams?: number;
  }[];
}

function productInput(body: ProductBody): ProductInput {
  return {
    ...body,
    skus: body.skus.map((s) => ({
      ...s,
      priceFen: BigInt(s.priceFen),
      costFen: BigInt(s.costFen),
      stock: BigInt(s.stock),
      weightGrams: s.weightGrams === undefined ? undefined : BigInt(s.weightGrams),
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
 * Products for staff: cost price, stock, shelf, specs and SKU matrix; a product's answer lists the campaigns covering
 * it (the editor shows them) and the margin warnings of their planned payouts (SPEC 3.4).
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

  app.get<{ Querystring: { q?: string; categoryId?: string; page?: number; pageSize?: number } }>(
    '/api/admin/products',
    staffRoute(
      'catalog:read',
      'Products with cost, stock and the campaigns covering each',
      { querystring: obj({ q: str({ maxLength: 50 }), categoryId: id(), ...pageQuery }) },
      list(listedProduct),
      undefined,
      [],
    ),
    async (request) => {
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
    staffRoute(
      'catalog:read',
      'One product with the campaigns covering it and their margin warnings',
      { params: idParam },
      productAnswer(),
      undefined,
      ['product_not_found'],
    ),
    async (request) => withCampaigns(await getProduct(db, request.params.id, false)),
  );

  const saveWith = async (id: string | undefined, body: ProductBody) =>
    withCampaigns(await storeProduct(db, id, productInput(body)));

  app.post<{ Body: ProductBody }>(
    '/api/admin/products',
    staffRoute(
      'catalog:write',
      'Create a product; specs (颜色 x 尺码) with one SKU per combination; the description is sanitised HTML; warns when planned payouts exceed the margin',
      { body: productBody },
      productAnswer(),
      { action: 'product.create', entity: 'product', answerTarget: answerId('product') },
      [
        'category_not_found',
        'invalid_parameter',
        'sku_not_found',
        'sku_code_taken',
        'invalid_specs',
        'freight_template_not_found',
      ],
    ),
    async (request) => saveWith(undefined, request.body),
  );

  app.put<{ Params: { id: string }; Body: ProductBody }>(
    '/api/admin/products/:id',
    staffRoute(
      'catalog:write',
      'Update a product: its SKUs become the given ones (SKUs left out are retired)',
      { params: idParam, body: productBody },
      productAnswer(),
      { action: 'product.update', entity: 'product', target: byParam() },
      [
        'product_not_found',
        'category_not_found',
        'invalid_parameter',
        'sku_not_found',
        'sku_code_taken',
        'invalid_specs',
        'freight_template_not_found',
      ],
    ),
    async (request) => saveWith(request.params.id, request.body),
  );

  app.post<{ Params: { id: string }; Body: { onShelf: boolean } }>(
    '/api/admin/products/:id/shelf',
    staffRoute(
      'catalog:write',
      'Put a product on or off the shelf',
      { params: idParam, body: obj({ onShelf: bool }, ['onShelf']) },
      obj({ product: productSchema }),
      { action: 'product.shelf', entity: 'product', target: byParam() },
      ['product_not_found'],
    ),
    async (request) => ({ product: await putOnShelf(db, request.params.id, request.body.onShelf) }),
  );
};
