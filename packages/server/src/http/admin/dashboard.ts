import { dashboardView } from '../../incentives/dashboard';
import { poolView, priceHistory } from '../../incentives/pool';
import { staffWith, type RouteModule } from '../context';
import { adminRoute, anyObject, arr, int, obj, pricePointSchema } from '../schemas';

/** Sales, payouts and the appreciation pool at a glance. */
export const adminDashboardRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/dashboard',
    adminRoute('Sales, payouts and pool at a glance (dashboard:read)', {}, anyObject, []),
    async (request) => {
      await staffWith(ctx, request, 'dashboard:read');
      return dashboardView(db);
    },
  );

  app.get(
    '/api/admin/pool',
    adminRoute(
      'Appreciation pool state and price history (dashboard:read)',
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
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'dashboard:read');
      return { ...(await poolView(db)), priceHistory: await priceHistory(db, 500) };
    },
  );
};
