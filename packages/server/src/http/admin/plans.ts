import { planCatalog } from '../../incentives/plans';
import { staffWith, type RouteModule } from '../context';
import { adminRoute, anyObject } from '../schemas';

/** The plans the mall offers (core's registry): labels, risk, parameter schema and defaults for the forms. */
export const adminPlanRoutes: RouteModule = async (app, ctx) => {
  app.get(
    '/api/admin/plans',
    adminRoute(
      'Every registered plan with its parameter schema (the campaign and simulator forms), defaults, reward kinds, records and risk (plans:read)',
      {},
      anyObject,
    ),
    async (request) => {
      await staffWith(ctx, request, 'plans:read');
      return { items: planCatalog() };
    },
  );
};
