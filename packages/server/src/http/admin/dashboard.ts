import { dashboardView } from '../../incentives/dashboard';
import { poolView, poolViews, priceHistory } from '../../incentives/pool';
import type { RouteModule } from '../context';
import { anyObject, obj, str } from '../schemas';
import { staffRoute } from '../staff-route';

/** Sales, payouts and the appreciation pool at a glance. */
export const adminDashboardRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/dashboard',
    staffRoute('dashboard:read', 'Sales, payouts and pool at a glance', {}, anyObject, undefined, []),
    async () => dashboardView(db, ctx.sequencer),
  );

  app.get<{ Querystring: { campaign?: string } }>(
    '/api/admin/pool',
    staffRoute(
      'dashboard:read',
      'A pool campaign: state and price history (?campaign=, default the first active pool) and every pool',
      { querystring: obj({ campaign: str({ minLength: 1, maxLength: 64 }) }) },
      anyObject,
      undefined,
      ['campaign_not_found'],
    ),
    async (request) => {
      const pool = await poolView(db, request.query.campaign);
      return { ...pool, priceHistory: await priceHistory(db, pool.campaign, 500), pools: await poolViews(db) };
    },
  );
};
