import { getLayout, resolveLayout } from '../../commerce/page-layouts';
import type { Layout } from '../../commerce/page-layout-schema';
import { liveCampaignsOf, loadCampaigns } from '../../incentives/campaigns';
import { nowIso } from '../../platform/clock';
import type { AppContext, RouteModule } from '../context';
import { anyObject, arr, int, obj, publicShop } from '../schemas';
import { publicProduct } from './catalog';

/**
 * A layout's sections as the storefront renders them: products as shoppers see them (no cost price, with their live
 * campaigns); a campaign section shows the products its plan's live campaigns cover.
 */
export async function homeSections(ctx: AppContext, layout: Layout) {
  const db = ctx.store.db;
  const campaigns = await loadCampaigns(db);
  const now = nowIso();
  const sections = await resolveLayout(db, layout, (p) => liveCampaignsOf(campaigns, p, now).map((c) => c.plan));
  return sections.map((s) =>
    s.type === 'products' || s.type === 'campaign'
      ? { ...s, products: s.products.map((p) => publicProduct(p, campaigns, now)) }
      : s,
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
      return { version: stored.version, sections: await homeSections(ctx, stored.layout) };
    },
  );
};
