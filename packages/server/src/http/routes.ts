import type { FastifyInstance } from 'fastify';
import { shopperId, staffWith, requireSignIn, type AppContext, type AppOptions, type RouteModule } from './context';
import { shopAuthRoutes } from './shop/auth';
import { shopCatalogRoutes } from './shop/catalog';
import { shopOrderRoutes } from './shop/orders';
import { shopWalletRoutes } from './shop/wallet';
import { shopInvitationRoutes } from './shop/invitations';
import { shopRulesRoutes } from './shop/rules';
import { shopAfterSaleRoutes } from './shop/after-sales';
import { shopPaymentRoutes } from './shop/payments';
import { shopHomeRoutes } from './shop/home';
import { shopAddressRoutes } from './shop/addresses';
import { shopCheckoutRoutes } from './shop/checkout';
import { shopCouponRoutes } from './shop/coupons';
import { adminPromotionRoutes } from './admin/promotions';
import { adminFlashSaleRoutes } from './admin/flash-sales';
import { adminPresaleRoutes } from './admin/presales';
import { shopPresaleRoutes } from './shop/presales';
import { adminBlindBoxRoutes } from './admin/blind-boxes';
import { shopBlindBoxRoutes } from './shop/blind-boxes';
import { adminGroupBuyRoutes } from './admin/group-buy';
import { shopGroupBuyRoutes } from './shop/group-buy';
import { adminFreightRoutes } from './admin/freight';
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
import { adminAfterSaleRoutes } from './admin/after-sales';
import { adminPaymentRoutes } from './admin/payments';
import { adminReconciliationRoutes } from './admin/reconciliation';
import { paymentNotifyRoutes } from './payment-notify';
import { adminTwoStepRoutes } from './admin/two-step';
import { adminStaffRoutes } from './admin/staff';
import { adminOperationRoutes } from './admin/operations';
import { adminCategoryRoutes } from './admin/categories';
import { adminCatalogFileRoutes } from './admin/catalog-files';
import { adminShippingRoutes } from './admin/shipping';
import { adminDecorationRoutes } from './admin/decoration';
import { adminLevelRoutes } from './admin/levels';
import { adminAgentRoutes } from './admin/agents';
import { adminPeriodRoutes } from './admin/periods';
import { sandboxRoutes } from './sandbox';
import { simulationRoutes } from './simulations';
import { collectAdminRoutes, type AdminRouteInfo } from './route-registry';
import { operationHooks } from './operation-hooks';
import { staticRoutes } from './static-routes';
import { operationsRoutes } from './operations';

/** The one list of route modules. A new area of the API is one module here. */
const SHOP: readonly RouteModule[] = [
  shopAuthRoutes,
  shopCatalogRoutes,
  shopOrderRoutes,
  shopWalletRoutes,
  shopInvitationRoutes,
  shopRulesRoutes,
  shopAfterSaleRoutes,
  shopPaymentRoutes,
  shopHomeRoutes,
  shopAddressRoutes,
  shopCheckoutRoutes,
  shopCouponRoutes,
  shopMembershipRoutes,
  shopBoardRoutes,
  shopPresaleRoutes,
  shopBlindBoxRoutes,
  shopGroupBuyRoutes,
];

const ADMIN: readonly RouteModule[] = [
  adminAuthRoutes,
  adminTwoStepRoutes,
  adminStaffRoutes,
  adminOperationRoutes,
  adminDashboardRoutes,
  adminCategoryRoutes,
  adminCatalogRoutes,
  adminCatalogFileRoutes,
  adminOrderRoutes,
  adminShippingRoutes,
  adminDecorationRoutes,
  adminUserRoutes,
  adminPlanRoutes,
  adminCampaignRoutes,
  adminFinanceRoutes,
  adminSettingsRoutes,
  adminAfterSaleRoutes,
  adminPaymentRoutes,
  adminReconciliationRoutes,
  simulationRoutes,
  adminPromotionRoutes,
  adminFlashSaleRoutes,
  adminGroupBuyRoutes,
  adminFreightRoutes,
  adminLevelRoutes,
  adminAgentRoutes,
  adminPeriodRoutes,
  adminPresaleRoutes,
  adminBlindBoxRoutes,
];

/** Shop routes need a shopper, admin routes a staff member, unless marked public; each area is its own scope. */
export async function registerRoutes(app: FastifyInstance, ctx: AppContext, options: AppOptions): Promise<void> {
  await app.register(async (scope) => {
    requireSignIn(scope, (request) => shopperId(ctx, request));
    for (const routes of SHOP) await routes(scope, ctx, options);
  });
  const adminRoutes: AdminRouteInfo[] = [];
  app.decorate('adminRoutes', adminRoutes);
  await app.register(async (scope) => {
    // The route's declared permission is checked with sign-in, before its body schema: strangers learn only 401/403.
    requireSignIn(scope, (request) => staffWith(ctx, request, request.routeOptions.config.permission ?? null));
    collectAdminRoutes(scope, adminRoutes);
    operationHooks(scope, ctx);
    for (const routes of ADMIN) await routes(scope, ctx, options);
  });
  // The sandbox gateway's routes exist only where its provider does (demo mode): in production they are 404.
  if (ctx.providers.has('sandbox')) await app.register(async (scope) => sandboxRoutes(scope, ctx));
  // WeChat Pay and Alipay notify here; the routes answer 404 for a gateway this mall has not configured.
  await app.register(async (scope) => paymentNotifyRoutes(scope, ctx));
  await app.register(async (scope) => operationsRoutes(scope, ctx, options));
  await staticRoutes(app, options.webRoot, ctx.uploads.files.root);
}
