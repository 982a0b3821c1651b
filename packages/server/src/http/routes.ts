import type { FastifyInstance } from 'fastify';
import { shopperId, staffWith, requireSignIn, type AppContext, type AppOptions, type RouteModule } from './context';
import { shopAuthRoutes } from './shop/auth';
import { shopCatalogRoutes } from './shop/catalog';
import { shopOrderRoutes } from './shop/orders';
import { shopWalletRoutes } from './shop/wallet';
import { shopInvitationRoutes } from './shop/invitations';
import { shopRulesRoutes } from './shop/rules';
import { shopMembershipRoutes } from './shop/membership';
import { shopBoardRoutes } from './shop/boards';
import { adminAuthRoutes } from './admin/auth';
import { adminDashboardRoutes } from './admin/dashboard';
import { adminCatalogRoutes } from './admin/catalog';
import { adminOrderRoutes } from './admin/orders';
import { adminUserRoutes } from './admin/users';
import { adminPlanRoutes } from './admin/plans';
import { adminCampaignRoutes } from './admin/campaigns';
import { adminFinanceRoutes } from './admin/finance';
import { adminSettingsRoutes } from './admin/settings';
import { adminLevelRoutes } from './admin/levels';
import { adminAgentRoutes } from './admin/agents';
import { adminPeriodRoutes } from './admin/periods';
import { sandboxRoutes } from './sandbox';
import { simulationRoutes } from './simulations';
import { staticRoutes } from './static-routes';

/** The one list of route modules. A new area of the API is one module here. */
const SHOP: readonly RouteModule[] = [
  shopAuthRoutes,
  shopCatalogRoutes,
  shopOrderRoutes,
  shopWalletRoutes,
  shopInvitationRoutes,
  shopRulesRoutes,
  shopMembershipRoutes,
  shopBoardRoutes,
];

const ADMIN: readonly RouteModule[] = [
  adminAuthRoutes,
  adminDashboardRoutes,
  adminCatalogRoutes,
  adminOrderRoutes,
  adminUserRoutes,
  adminPlanRoutes,
  adminCampaignRoutes,
  adminFinanceRoutes,
  adminSettingsRoutes,
  adminLevelRoutes,
  adminAgentRoutes,
  adminPeriodRoutes,
];

/** Shop routes need a shopper, admin routes a staff member, unless marked public; each area is its own scope. */
export async function registerRoutes(app: FastifyInstance, ctx: AppContext, options: AppOptions): Promise<void> {
  await app.register(async (scope) => {
    requireSignIn(scope, (request) => shopperId(ctx, request));
    for (const routes of SHOP) await routes(scope, ctx, options);
  });
  await app.register(async (scope) => {
    requireSignIn(scope, (request) => staffWith(ctx, request, null));
    for (const routes of ADMIN) await routes(scope, ctx, options);
  });
  // The sandbox gateway's routes exist only where its provider does (demo mode): in production they are 404.
  if (ctx.providers.has('sandbox')) await app.register(async (scope) => sandboxRoutes(scope, ctx));
  await app.register(async (scope) => simulationRoutes(scope, ctx));
  await staticRoutes(app, options.webRoot);
}
