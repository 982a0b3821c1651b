import { planCatalog } from '../../incentives/plans';
import type { RouteModule } from '../context';
import { anyObject } from '../schemas';
import { staffRoute } from '../staff-route';

/** The plans the mall offers (core's registry): labels, risk, parameter schema and defaults for the forms. */
export const adminPlanRoutes: RouteModule = async (app) => {
  app.get(
    '/api/admin/plans',
    staffRoute(
      'plans:read',
      'Every registered plan with its parameter schema (the campaign and simulator forms), defaults, reward kinds, records and risk',
      {},
      anyObject,
      undefined,
      [],
    ),
    async () => ({ items: planCatalog() }),
  );
};
