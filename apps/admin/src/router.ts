import { createRouter, createWebHashHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router';
import { session, setSession } from './lib/http';
import { can, ensureStaff } from './lib/auth';
import { dashboardPath, startGet } from './lib/early-get';

export interface MenuMeta {
  title: string;
  icon?: string;
  permission?: string;
  group?: string;
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./views/LayoutView.vue'),
    children: [
      { path: '', redirect: '/dashboard' },
      {
        path: 'dashboard',
        name: 'dashboard',
        component: () => import('./views/DashboardView.vue'),
        meta: { title: 'menu.dashboard', icon: 'DataAnalysis', permission: 'dashboard:read' },
      },
      {
        path: 'products',
        name: 'products',
        component: () => import('./views/ProductsView.vue'),
        meta: { title: 'menu.products', icon: 'Goods', permission: 'catalog:read' },
      },
      {
        path: 'categories',
        name: 'categories',
        component: () => import('./views/CategoriesView.vue'),
        meta: { title: 'menu.categories', icon: 'Menu', permission: 'catalog:read' },
      },
      {
        path: 'orders',
        name: 'orders',
        component: () => import('./views/OrdersView.vue'),
        meta: { title: 'menu.orders', icon: 'List', permission: 'orders:read' },
      },
      {
        path: 'after-sales',
        name: 'after-sales',
        component: () => import('./views/AfterSalesView.vue'),
        meta: { title: 'menu.afterSales', icon: 'Service', permission: 'orders:read' },
      },
      {
        path: 'users',
        name: 'users',
        component: () => import('./views/UsersView.vue'),
        meta: { title: 'menu.users', icon: 'User', permission: 'users:read' },
      },
      {
        path: 'campaigns',
        name: 'campaigns',
        component: () => import('./views/CampaignsView.vue'),
        meta: { title: 'menu.campaigns', icon: 'Present', permission: 'plans:read' },
      },
      {
        path: 'levels',
        name: 'levels',
        component: () => import('./views/LevelsView.vue'),
        meta: { title: 'menu.levels', icon: 'Medal', permission: 'plans:read' },
      },
      // The plans page became the campaigns page (issue 8): old links land there.
      { path: 'plans', redirect: '/campaigns' },
      {
        path: 'promotions/coupons',
        name: 'coupons',
        component: () => import('./views/CouponTemplatesView.vue'),
        meta: { title: 'promo.menu.coupons', icon: 'Ticket', permission: 'catalog:read' },
      },
      {
        path: 'promotions/thresholds',
        name: 'thresholds',
        component: () => import('./views/SpendThresholdsView.vue'),
        meta: { title: 'promo.menu.thresholds', icon: 'Discount', permission: 'catalog:read' },
      },
      {
        path: 'promotions/flash',
        name: 'flash',
        component: () => import('./views/FlashSalesView.vue'),
        meta: { title: 'promo.menu.flash', icon: 'AlarmClock', permission: 'catalog:read' },
      },
      {
        path: 'promotions/presale',
        name: 'presale',
        component: () => import('./views/PresalesView.vue'),
        meta: { title: 'presale.menu', icon: 'Tickets', permission: 'catalog:read' },
      },
      {
        path: 'promotions/blind-boxes',
        name: 'blind-boxes',
        component: () => import('./views/BlindBoxesView.vue'),
        meta: { title: 'blindBox.menu', icon: 'Present', permission: 'catalog:read' },
      },
      {
        path: 'promotions/group-buys',
        name: 'group-buys',
        component: () => import('./views/GroupBuysView.vue'),
        meta: { title: 'group.menu', icon: 'User', permission: 'catalog:read' },
      },
      {
        path: 'promotions/freight',
        name: 'freight',
        component: () => import('./views/FreightTemplatesView.vue'),
        meta: { title: 'promo.menu.freight', icon: 'Van', permission: 'catalog:read' },
      },
      {
        path: 'finance/withdrawals',
        name: 'withdrawals',
        component: () => import('./views/WithdrawalsView.vue'),
        meta: { title: 'menu.withdrawals', icon: 'Wallet', permission: 'finance:read', group: 'finance' },
      },
      {
        path: 'finance/reconciliation',
        name: 'reconciliation',
        component: () => import('./views/ReconciliationView.vue'),
        meta: { title: 'menu.reconciliation', icon: 'DocumentChecked', permission: 'finance:read', group: 'finance' },
      },
      {
        path: 'finance/payments',
        name: 'payments',
        component: () => import('./views/PaymentsView.vue'),
        meta: { title: 'menu.payments', icon: 'CreditCard', permission: 'finance:read', group: 'finance' },
      },
      {
        path: 'finance/ledger',
        name: 'ledger',
        component: () => import('./views/LedgerView.vue'),
        meta: { title: 'menu.ledger', icon: 'Tickets', permission: 'finance:read', group: 'finance' },
      },
      {
        path: 'finance/audit',
        name: 'audit',
        component: () => import('./views/AuditView.vue'),
        meta: { title: 'menu.audit', icon: 'Checked', permission: 'finance:read', group: 'finance' },
      },
      {
        path: 'simulator',
        name: 'simulator',
        component: () => import('./views/SimulatorView.vue'),
        meta: { title: 'menu.simulator', icon: 'TrendCharts', permission: 'plans:read' },
      },
      {
        path: 'decoration',
        name: 'decoration',
        component: () => import('./views/DecorationView.vue'),
        meta: { title: 'menu.decoration', icon: 'Brush', permission: 'decoration:write' },
      },
      {
        path: 'system/staff',
        name: 'staff',
        component: () => import('./views/StaffView.vue'),
        meta: { title: 'menu.staff', icon: 'Avatar', permission: 'staff:read', group: 'system' },
      },
      {
        path: 'system/roles',
        name: 'roles',
        component: () => import('./views/RolesView.vue'),
        meta: { title: 'menu.roles', icon: 'Lock', permission: 'staff:read', group: 'system' },
      },
      {
        path: 'system/operations',
        name: 'operations',
        component: () => import('./views/OperationsView.vue'),
        meta: { title: 'menu.operations', icon: 'Document', permission: 'oplog:read', group: 'system' },
      },
      {
        path: 'settings',
        name: 'settings',
        component: () => import('./views/SettingsView.vue'),
        meta: { title: 'menu.settings', icon: 'Setting', permission: 'settings:write' },
      },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

export const menuRoutes = (routes[1]?.children ?? []).filter((r) => r.meta && typeof r.meta.title === 'string');

/**
 * Starts fetching the target page's code (layout and view chunks) while the session is checked, instead of after:
 * one round trip less before the first paint. The router loads the same modules again from the cache.
 */
function preloadViews(to: RouteLocationNormalized): void {
  for (const record of to.matched) {
    const view = record.components?.default;
    // Every view here is either an SFC object or a lazy `() => import(...)`; only the latter is a function.
    if (typeof view === 'function') void (view as () => Promise<unknown>)().catch(() => undefined);
  }
}

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  preloadViews(to);
  const ok = await ensureStaff();
  if (!ok) {
    setSession(null);
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  }
  const permission = typeof to.meta.permission === 'string' ? to.meta.permission : undefined;
  if (!can(permission)) {
    const first = menuRoutes.find((r) => can(typeof r.meta?.permission === 'string' ? r.meta.permission : undefined));
    if (first && first.name !== to.name) return { name: first.name as string };
  }
  // The dashboard's figures travel while the layout and the page mount, not after (their permission is checked).
  if (to.name === 'dashboard' && can('dashboard:read')) startGet(dashboardPath);
  return true;
});

export { session };
