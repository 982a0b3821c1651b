import { getLayout, resolveLayout, type ResolvedSection } from '../../commerce/page-layouts';
import type { RouteModule } from '../context';
import { anyObject, arr, int, obj, publicShop } from '../schemas';
import { publicProduct } from './catalog';

/** Sections as the storefront renders them: products as shoppers see them (no cost price). */
export function resolvedSectionsJson(sections: ResolvedSection[]) {
  return sections.map((s) =>
    s.type === 'products' || s.type === 'campaign' ? { ...s, products: s.products.map(publicProduct) } : s,
  );
}

/** The storefront's home page as the operator arranged it. */
export const shopHomeRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/shop/home',
    {
      config: { public: true },
      schema: {
        ...publicShop,
        summary: 'The home page: its sections in order, each with the products and categories it shows',
        response: { 200: obj({ version: int(), sections: arr(anyObject) }) },
      },
    },
    async () => {
      const stored = await getLayout(db, 'home');
      return { version: stored.version, sections: resolvedSectionsJson(await resolveLayout(db, stored.layout)) };
    },
  );
};
