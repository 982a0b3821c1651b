import { getProduct, listCategories, listProducts, type Product } from '../../commerce/catalog';
import type { RouteModule } from '../context';
import { id, idParam, list, obj, publicProductSchema, publicShop, str } from '../schemas';

/** A product as shoppers see it: no cost price, no shelf flag. */
export function publicProduct(p: Product) {
  return {
    id: p.id,
    title: p.title,
    subtitle: p.subtitle,
    description: p.description,
    imageUrl: p.imageUrl,
    images: p.images,
    categoryId: p.categoryId,
    skus: p.skus.map((s) => ({ id: s.id, name: s.name, priceFen: s.priceFen, stock: s.stock })),
    plans: p.plans,
    purchaseLimit: p.purchaseLimit,
  };
}

/** The shelf: categories, products on it, one product. */
export const shopCatalogRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const open = { public: true, errors: [] };

  app.get(
    '/api/shop/categories',
    {
      config: open,
      schema: { ...publicShop, summary: 'Categories', response: { 200: list(obj({ id: str(), name: str() }), false) } },
    },
    async () => ({
      items: await listCategories(db),
    }),
  );

  app.get<{ Querystring: { categoryId?: string; q?: string } }>(
    '/api/shop/products',
    {
      config: open,
      schema: {
        ...publicShop,
        summary: 'Products on the shelf',
        querystring: obj({ categoryId: id(), q: str({ maxLength: 50 }) }),
        response: { 200: list(publicProductSchema, false) },
      },
    },
    async (request) => ({
      items: (
        await listProducts(db, { onShelfOnly: true, categoryId: request.query.categoryId, q: request.query.q })
      ).map(publicProduct),
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/products/:id',
    {
      config: { public: true, errors: ['product_not_found'] },
      schema: {
        ...publicShop,
        summary: 'One product on the shelf',
        params: idParam,
        response: { 200: obj({ product: publicProductSchema }) },
      },
    },
    async (request) => ({ product: publicProduct(await getProduct(db, request.params.id, true)) }),
  );
};
