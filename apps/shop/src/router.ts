import { START_LOCATION, createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import { session } from './lib/http';
import { addressesPath, productPath, startGet } from './lib/early-get';
import { homePath } from './lib/home';
// The landing pages ship with the entry: the home, and a product (where a shared link lands). Loading them on demand
// would cost a phone one more round trip before the first paint. Every other page is its own chunk.
import HomeView from './views/HomeView.vue';
import ProductView from './views/ProductView.vue';

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView, meta: { tab: true } },
  { path: '/category', name: 'category', component: () => import('./views/CategoryView.vue'), meta: { tab: true } },
  { path: '/cart', name: 'cart', component: () => import('./views/CartView.vue'), meta: { tab: true } },
  { path: '/me', name: 'me', component: () => import('./views/MeView.vue'), meta: { tab: true } },
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue') },
  { path: '/register', name: 'register', component: () => import('./views/RegisterView.vue') },
  { path: '/product/:id', name: 'product', component: ProductView },
  { path: '/group/:id', name: 'group', component: () => import('./views/GroupView.vue') },
  { path: '/checkout', name: 'checkout', component: () => import('./views/CheckoutView.vue'), meta: { auth: true } },
  { path: '/cashier/:id', name: 'cashier', component: () => import('./views/CashierView.vue'), meta: { auth: true } },
  { path: '/pay/sandbox/:paymentId', name: 'sandbox', component: () => import('./views/SandboxPayView.vue') },
  { path: '/orders', name: 'orders', component: () => import('./views/OrdersView.vue'), meta: { auth: true } },
  { path: '/orders/:id', name: 'order', component: () => import('./views/OrderDetailView.vue'), meta: { auth: true } },
  {
    path: '/orders/:id/after-sale',
    name: 'after-sale-apply',
    component: () => import('./views/AfterSaleApplyView.vue'),
    meta: { auth: true },
  },
  {
    path: '/after-sales',
    name: 'after-sales',
    component: () => import('./views/AfterSalesView.vue'),
    meta: { auth: true },
  },
  {
    path: '/after-sales/:id',
    name: 'after-sale',
    component: () => import('./views/AfterSaleView.vue'),
    meta: { auth: true },
  },
  { path: '/invite', name: 'invite', component: () => import('./views/InviteView.vue'), meta: { auth: true } },
  { path: '/points', name: 'points', component: () => import('./views/PointsView.vue'), meta: { auth: true } },
  { path: '/wallet', name: 'wallet', component: () => import('./views/WalletView.vue'), meta: { auth: true } },
  {
    path: '/membership',
    name: 'membership',
    component: () => import('./views/MembershipView.vue'),
    meta: { auth: true },
  },
  { path: '/board', name: 'board', component: () => import('./views/DividendBoardView.vue'), meta: { auth: true } },
  { path: '/queue', name: 'queue', component: () => import('./views/QueueView.vue'), meta: { auth: true } },
  { path: '/rules', name: 'rules', component: () => import('./views/RulesView.vue') },
  {
    path: '/addresses',
    name: 'addresses',
    component: () => import('./views/AddressesView.vue'),
    meta: { auth: true },
  },
  {
    path: '/addresses/:id',
    name: 'address',
    component: () => import('./views/AddressEditView.vue'),
    meta: { auth: true },
  },
  {
    path: '/coupon-centre',
    name: 'coupon-centre',
    component: () => import('./views/CouponCentreView.vue'),
    meta: { auth: true },
  },
  { path: '/coupons', name: 'coupons', component: () => import('./views/MyCouponsView.vue'), meta: { auth: true } },
  {
    path: '/orders/:id/blind-box',
    name: 'blind-box-result',
    component: () => import('./views/BlindBoxResultView.vue'),
    meta: { auth: true },
  },
  { path: '/blind-box/verify', name: 'blind-box-verify', component: () => import('./views/BlindBoxVerifyView.vue') },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
  // Not on the first navigation: the page is at the top already, and scrolling there lays the page out in the middle
  // of its first render (a forced layout of the whole page on a phone that has not painted yet).
  scrollBehavior: (_to, from) => (from === START_LOCATION ? false : { top: 0 }),
});

router.beforeEach((to) => {
  if (to.meta.auth && !session.token) return { name: 'login', query: { redirect: to.fullPath } };
  // The home's one answer travels while the page renders its frame (not in the admin's preview: it posts a draft).
  if (to.name === 'home' && to.query.preview !== '1') startGet(homePath);
  if (to.name === 'product') startGet(productPath(String(to.params.id)));
  // The checkout quotes for the chosen address: its address book travels while the page's code loads.
  if (to.name === 'checkout') startGet(addressesPath);
  return true;
});
