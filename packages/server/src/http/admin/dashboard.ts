import { dashboardView } from '../../incentives/dashboard';
import { poolView, priceHistory } from '../../incentives/pool';
import type { RouteModule } from '../context';
import { anyObject, arr, int, obj, pricePointSchema } from '../schemas';
import { staffRoute } from '../staff-route';

/** Sales, payouts and the appreciation pool at a glance. */
export const adminDashboardRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/dashboard',
    staffRoute('dashboard:read', 'Sales, payouts and pool at a glance', {}, anyObject, undefined, []),
    async () => dashboardView(db),
  );

  app.get(
    '/api/admin/pool',
    staffRoute(
      'dashboard:read',
      'Appreciation pool state and price history',
      {},
      obj(
        {
          cashFen: int(),
          supplyUnits: int(),
          priceFenPerPoint: { type: 'number' },
          priceHistory: arr(pricePointSchema),
        },
        ['cashFen', 'supplyUnits', 'priceFenPerPoint', 'priceHistory'],
      ),
      undefined,
      [],
    ),
    async () => ({ ...(await poolView(db)), priceHistory: await priceHistory(db, 500) }),
  );
};
