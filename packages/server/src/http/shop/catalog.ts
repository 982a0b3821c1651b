import { getProduct, listCategories, listProducts, type Product } from '../../commerce/catalog';
import { liveCampaignsOf, loadCampaigns, publicCampaignJson, type Campaign } from '../../incentives/campaigns';
import { nowIso } from '../../platform/clock';
import type { RouteModule } from '../context';
import { idParam, list, nullable, obj, publicShop, str, id } from '../schemas';
import { publicProductSchema } from '../catalog-schemas';

/**
 * A product as shoppers see it: no cost price, no shelf flag; the campaigns running on it now (with a link to their
 * rules) and, as SPEC 6 lists them, their plan codes.
 */
export function publicProduct(p: Product, campaigns: readonly Campaign[], now: string) {
  const live = liveCampaignsOf(campaigns, p, now);
  return {
    id: p.id,
    title: p.title,
    subtitle: p.subtitle,
    description: p.description,
    imageUrl: p.imageUrl,
    images: p.images,
    categoryId: p.categoryId,
    skus: p.skus.map((s) => ({
      id: s.id,
      name: s.name,
      priceFen: s.priceFen,
      stock: s.stock,
      imageUrl: s.imageUrl,
      specValues: s.specValues,
    })),
    plans: [...new Set(live.map((c) => c.plan))],
    campaigns: live.map(publicCampaignJson),
    purchaseLimit: p.purchaseLimit,
    specs: p.specs,
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
      schema: {
        ...publicShop,
        summary: 'Categories: a two-level tree (parentId null: top level) with icons',
        response: { 200: list(obj({ id: str(), name: str(), parentId: nullable(str()), iconUrl: str() }), false) },
      },
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
        summary: 'Products on the shelf; a top-level categoryId includes its subcategories',
        querystring: obj({ categoryId: id(), q: str({ maxLength: 50 }) }),
        response: { 200: list(publicProductSchema, false) },
      },
    },
    async (request) => {
      const campaigns = await loadCampaigns(db);
      const now = nowIso();
      const products = await listProducts(db, {
        onShelfOnly: true,
        categoryId: request.query.categoryId,
        q: request.query.q,
      });
      return { items: products.map((p) => publicProduct(p, campaigns, now)) };
    },
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
    async (request) => ({
      product: publicProduct(await getProduct(db, request.params.id, true), await loadCampaigns(db), nowIso()),
    }),
  );
};
