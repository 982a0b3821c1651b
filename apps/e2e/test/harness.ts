import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type StartOptions } from '@mall/server';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SCREENSHOTS = join(ROOT, 'artifacts/screenshots');
export const CHROMIUM = process.env.MALL_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_BROWSER = existsSync(CHROMIUM);
export const REQUIRE_BROWSER = process.env.MALL_REQUIRE_BROWSER === '1';
export const ADMIN_PASSWORD = 'e2e-admin-pw';

export const SHOP_VIEWPORT = { width: 375, height: 667 };
export const ADMIN_VIEWPORT = { width: 1366, height: 768 };

function built(): boolean {
  return existsSync(join(ROOT, 'apps/shop/dist/index.html')) && existsSync(join(ROOT, 'apps/admin/dist/index.html'));
}

/**
 * Builds both apps when their dist is missing (a fresh clone in CI), so the server has something to serve. Test
 * files run in parallel, so one builds under a lock directory and the others wait for it.
 */
export async function ensureBuilt(): Promise<void> {
  const rebuild = process.env.MALL_E2E_REBUILD === '1';
  if (built() && !rebuild) return;
  const lock = join(tmpdir(), 'mall-e2e-build.lock');
  try {
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 600_000)
      rmSync(lock, { recursive: true, force: true });
    mkdirSync(lock);
  } catch {
    for (let i = 0; i < 600 && existsSync(lock); i += 1) await new Promise((r) => setTimeout(r, 500));
    if (built()) return;
    throw new Error('another test file was building the apps and did not finish');
  }
  try {
    execSync('npm run build -w @mall/shop -w @mall/admin', { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Harness {
  url: string;
  /** The running server, for tests that must let time pass on the database (e.g. a presale's balance window). */
  server: Awaited<ReturnType<typeof startServer>>;
  browser: Browser;
  /** Console errors and page errors seen on every page, with the page's URL. */
  errors: string[];
  shop(): Promise<{ context: BrowserContext; page: Page }>;
  admin(): Promise<{ context: BrowserContext; page: Page }>;
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export interface ErrorFilter {
  /** Errors matching one of these are expected in the current step (e.g. a 401 the test provokes). */
  allow: RegExp[];
}

export async function startHarness(
  filter: ErrorFilter = { allow: [] },
  options: { payments?: StartOptions['payments']; seedPromotions?: boolean } = {},
): Promise<Harness> {
  await ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'mall-e2e-'));
  const server = await startServer({
    databaseUrl: `sqlite:${join(dir, 'mall.db')}`,
    port: 0,
    host: '127.0.0.1',
    adminPassword: ADMIN_PASSWORD,
    seedDemo: true,
    // A test that reads the mall's totals can leave out the demo's promotions (their group leader's paid order).
    seedPromotions: options.seedPromotions ?? true,
    logLevel: 'warn',
    settlementIntervalMs: 0,
    authRateLimitPerMinute: 1000,
    webRoot: ROOT,
    // The demo as `npm start` runs it without gateway variables (sandbox and wallet), unless a test gives gateways.
    payments: options.payments ?? {},
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const errors: string[] = [];

  function watch(page: Page): void {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = `${page.url()} console: ${msg.text()}`;
      if (!filter.allow.some((re) => re.test(text))) errors.push(text);
    });
    page.on('pageerror', (err) => {
      errors.push(`${page.url()} pageerror: ${err.message}`);
    });
  }

  async function open(viewport: { width: number; height: number }, mobile: boolean) {
    const context = await browser.newContext({
      viewport,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    watch(page);
    return { context, page };
  }

  return {
    url: server.url,
    server,
    browser,
    errors,
    shop: () => open(SHOP_VIEWPORT, true),
    admin: () => open(ADMIN_VIEWPORT, false),
    async shot(page, name) {
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The storefront must not scroll sideways at 375 px. */
export async function assertNoHorizontalScroll(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > SHOP_VIEWPORT.width) throw new Error(`${page.url()} scrolls sideways: scrollWidth ${width} > 375`);
}

/** The admin console must fit 1366 px without a sideways scroll bar. */
export async function assertAdminFits(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > ADMIN_VIEWPORT.width) throw new Error(`${page.url()} scrolls sideways: scrollWidth ${width} > 1366`);
}

export function copyToDocs(names: string[]): void {
  const docs = join(ROOT, 'docs/screenshots');
  mkdirSync(docs, { recursive: true });
  for (const name of names) {
    const from = join(SCREENSHOTS, `${name}.png`);
    if (existsSync(from)) copyFileSync(from, join(docs, `${name}.png`));
  }
}

/** Opens a storefront route; the same URL again reloads (a hash-only navigation would not refetch). */
export async function shopGoto(h: Harness, page: Page, hash: string): Promise<void> {
  const target = `${h.url}/#${hash}`;
  if (page.url() === target) await page.reload();
  else await page.goto(target);
  await page.waitForLoadState('networkidle');
}

/** Signs in to the admin console as one of the demo staff. */
export async function adminLogin(h: Harness, page: Page, username: string): Promise<void> {
  await page.goto(`${h.url}/admin/#/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', ADMIN_PASSWORD);
  await page.click('[data-test=login-submit]');
  await page.waitForURL(/#\/dashboard/);
}

/** Registers a shopper through the API (for tests whose subject is elsewhere); returns the shop token. */
export async function apiRegister(h: Harness, phone: string, inviteCode?: string): Promise<string> {
  const res = await fetch(`${h.url}/api/shop/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, password: 'secret123', ...(inviteCode ? { inviteCode } : {}) }),
  });
  const body = (await res.json()) as { token: string };
  if (!res.ok) throw new Error(`register ${phone}: ${JSON.stringify(body)}`);
  return body.token;
}

/** Puts a shop token into a storefront page, as a login would. */
export async function useShopToken(h: Harness, page: Page, token: string): Promise<void> {
  await page.goto(`${h.url}/#/`);
  await page.evaluate((t) => localStorage.setItem('mall.shop.token', t), token);
  await page.reload();
}

/** Fills the storefront's address form (the region picker is confirmed on its first entry, 北京市 / 北京市 / 东城区). */
export async function fillAddressForm(page: Page, name: string, phone: string, detail: string): Promise<void> {
  const fields = page.locator('[data-test=address-edit] .van-field__control');
  await fields.nth(0).fill(name);
  await fields.nth(1).fill(phone);
  if ((await fields.nth(2).inputValue()) === '') {
    await fields.nth(2).click();
    await page.locator('.van-picker__confirm').click();
  }
  await page.locator('[data-test=address-edit] textarea').fill(detail);
}

/**
 * At the checkout: when the shopper has no saved address yet, adds one through the address book (the region picker
 * opens on its first entry, 北京市 / 北京市 / 东城区) and comes back to the checkout with it chosen.
 */
export async function ensureCheckoutAddress(page: Page, name: string, phone: string): Promise<void> {
  const add = page.locator('[data-test=checkout-add-address]');
  await page.locator('[data-test=checkout-address], [data-test=checkout-add-address]').first().waitFor();
  if ((await add.count()) === 0) return;
  await add.click();
  await page.waitForURL(/#\/addresses\/new/);
  await fillAddressForm(page, name, phone, '测试路 8 号');
  await page.locator('[data-test=address-edit] button[type=submit]').click();
  await page.waitForURL(/#\/checkout/);
  await page.locator('[data-test=checkout-address]').waitFor();
}

/** Product page -> buy now -> checkout with an address -> cashier; returns the order id. */
export async function checkout(h: Harness, page: Page, productTitle: string, phone: string): Promise<string> {
  await shopGoto(h, page, '/');
  await page.locator('[data-test=product-card]', { hasText: productTitle }).first().click();
  await page.locator('[data-test=product-title]').waitFor();
  await page.click('[data-test=buy-now]');
  await page.click('[data-test=sku-confirm]');
  await page.waitForURL(/#\/checkout/);
  await ensureCheckoutAddress(page, '测试买家', phone);
  await page.click('[data-test=submit-order] button');
  await page.waitForURL(/#\/cashier\//);
  return decodeURIComponent(page.url().split('/cashier/')[1] ?? '');
}

/** Cashier -> sandbox gateway -> pay -> back to the order. */
export async function payInSandbox(page: Page): Promise<void> {
  await page.click('[data-test=channel-sandbox]');
  await page.click('[data-test=pay-now]');
  await page.waitForURL(/#\/pay\/sandbox\//);
  await page.click('[data-test=gateway-pay]');
  await page.locator('[data-test=gateway-success]').waitFor();
  await page.click('[data-test=back-to-order]');
  await page.waitForURL(/#\/orders\//);
}

/** A small JSON client for setting up state through the HTTP API (the browser steps stay the test's subject). */
export async function apiCall<T>(
  h: Harness,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Buys the gift pack for a shopper and runs it to settlement through the API; returns the order id. */
export async function settledGiftPack(h: Harness, shopToken: string, adminToken: string): Promise<string> {
  const products = await apiCall<{ items: { title: string; skus: { id: string }[] }[] }>(
    h,
    'GET',
    '/api/shop/products',
  );
  const gift = products.items.find((p) => p.title.includes('礼包'));
  const skuId = gift?.skus[0]?.id;
  if (!skuId) throw new Error('no gift pack in the demo catalog');
  const address = { name: '测试', phone: '13800000000', region: ['北京市', '北京市', '东城区'], detail: '1 号' };
  const { order } = await apiCall<{ order: { id: string } }>(
    h,
    'POST',
    '/api/shop/orders',
    shopToken,
    { items: [{ skuId, quantity: 1 }], address },
    { 'idempotency-key': `e2e-${Date.now()}-${Math.random()}` },
  );
  const { payment } = await apiCall<{ payment: { id: string } }>(
    h,
    'POST',
    `/api/shop/orders/${order.id}/pay`,
    shopToken,
    {
      channel: 'sandbox',
    },
  );
  await apiCall(h, 'POST', `/api/sandbox/payments/${payment.id}/succeed`, undefined, {});
  await apiCall(h, 'POST', `/api/admin/orders/${order.id}/ship`, adminToken, { carrier: '顺丰', trackingNo: 'SF1' });
  await apiCall(h, 'POST', `/api/shop/orders/${order.id}/receive`, shopToken, {});
  // Settings are changed field by field; echoing the whole answer back would send the read-only `environment`, an
  // unknown field to PUT (422).
  await apiCall(h, 'PUT', '/api/admin/settings', adminToken, { afterSalesDays: 0 });
  await apiCall(h, 'POST', '/api/admin/settlement/run', adminToken, {});
  return order.id;
}
