import { dashboardView } from '../../incentives/dashboard';
import { poolView, priceHistory } from '../../incentives/pool';
import type { RouteModule } from '../context';
import { anyObject, staffRoute } from '../schemas';

/** Sales, payouts and the appreciation pool at a glance. */
export const adminDashboardRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/dashboard',
    staffRoute('dashboard:read', 'Sales, payouts and pool at a glance', {}, anyObject),
    async () => dashboardView(db),
  );

  app.get(
    '/api/admin/pool',
    staffRoute('dashboard:read', 'Appreciation pool state and price history', {}, anyObject),
    async () => ({ ...(await poolView(db)), priceHistory: await priceHistory(db, 500) }),
  );
};
