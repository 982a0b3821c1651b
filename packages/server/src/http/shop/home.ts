import { getLayout, resolveLayout } from '../../commerce/page-layouts';
import type { Layout } from '../../commerce/page-layout-schema';
import { listSeries } from '../../commerce/checkout/blind-boxes';
import { listFlashSales } from '../../commerce/checkout/flash-sales';
import { listPresales } from '../../commerce/checkout/presales';
import { listGroupBuyActivities } from '../../commerce/group-buy/activities';
import { liveCampaignsOf, loadCampaigns } from '../../incentives/campaigns';
import { nowIso } from '../../platform/clock';
import type { AppContext, RouteModule } from '../context';
import { anyObject, arr, int, obj, publicShop, str } from '../schemas';
import { flashSaleSchema } from '../checkout-schemas';
import { presaleSchema } from '../presale-schemas';
import { blindBoxSeriesSchema } from '../blind-box-schemas';
import { groupBuyActivitySchema } from '../group-buy-schemas';
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

/**
 * The promotion strips above the operator's sections, each narrowed to what the storefront shows there: flash sales
 * running or to come (the strip counts down to their start), presales before their balance is due, blind boxes on
 * sale, group buys running. The same shapes as their own list routes, which the other pages keep using.
 */
async function homeStrips(ctx: AppContext) {
  const db = ctx.store.db;
  const [flashSales, presales, blindBoxes, groupBuys] = await Promise.all([
    listFlashSales(db, { shopper: true }),
    listPresales(db, { shopper: true }),
    listSeries(db, true),
    listGroupBuyActivities(db, { shopper: true }),
  ]);
  return {
    flashSales,
    presales: presales.filter((p) => p.phase === 'upcoming' || p.phase === 'deposit'),
    blindBoxes: blindBoxes.filter((s) => s.status === 'open'),
    groupBuys: groupBuys.filter((a) => a.state === 'running'),
  };
}

/**
 * The storefront's home page in one answer: a phone on a slow network pays a round trip per request, and the first
 * screen needs the operator's sections, the promotion strips, the server's clock and whether the mall is a demo.
 */
export const shopHomeRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/shop/home',
    {
      config: { public: true, errors: [] },
      schema: {
        ...publicShop,
        summary:
          "The home page in one answer: the operator's sections in order (each with the products and categories it shows), the promotion strips (flash sales running or to come, presales before their balance, open blind boxes, running group buys), the server's clock for countdowns and the environment (demo or production)",
        response: {
          200: obj(
            {
              version: int(),
              sections: arr(anyObject),
              flashSales: arr(flashSaleSchema),
              presales: arr(presaleSchema),
              blindBoxes: arr(blindBoxSeriesSchema),
              groupBuys: arr(groupBuyActivitySchema),
              environment: str({ enum: ['demo', 'production'] }),
              serverTime: str({ format: 'date-time' }),
            },
            ['version', 'sections', 'flashSales', 'presales', 'blindBoxes', 'groupBuys', 'environment', 'serverTime'],
          ),
        },
      },
    },
    async () => {
      const stored = await getLayout(db, 'home');
      const [sections, strips] = await Promise.all([homeSections(ctx, stored.layout), homeStrips(ctx)]);
      return { version: stored.version, sections, ...strips, environment: ctx.environment, serverTime: nowIso() };
    },
  );
};
