import { dashboardView } from '../../incentives/dashboard';
import { poolView, poolViews, priceHistory } from '../../incentives/pool';
import { staffWith, type RouteModule } from '../context';
import { adminRoute, anyObject, obj, str } from '../schemas';

/** Sales, payouts and the appreciation pool at a glance. */
export const adminDashboardRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/dashboard',
    adminRoute('Sales, payouts and pool at a glance (dashboard:read)', {}, anyObject),
    async (request) => {
      await staffWith(ctx, request, 'dashboard:read');
      return dashboardView(db, ctx.sequencer);
    },
  );

  app.get<{ Querystring: { campaign?: string } }>(
    '/api/admin/pool',
    adminRoute(
      'A pool campaign: state and price history (?campaign=, default the first active pool) and every pool (dashboard:read)',
      { querystring: obj({ campaign: str({ minLength: 1, maxLength: 64 }) }) },
      anyObject,
    ),
    async (request) => {
      await staffWith(ctx, request, 'dashboard:read');
      const pool = await poolView(db, request.query.campaign);
      return { ...pool, priceHistory: await priceHistory(db, pool.campaign, 500), pools: await poolViews(db) };
    },
  );
};
