import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer } from '@mall/server';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SCREENSHOTS = join(ROOT, 'artifacts/screenshots');
export const CHROMIUM = process.env.MALL_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_BROWSER = existsSync(CHROMIUM);
export const REQUIRE_BROWSER = process.env.MALL_REQUIRE_BROWSER === '1';
export const ADMIN_PASSWORD = 'e2e-admin-pw';

export const SHOP_VIEWPORT = { width: 375, height: 667 };
export const ADMIN_VIEWPORT = { width: 1366, height: 768 };

/** Builds both apps when their dist is missing (a fresh clone in CI), so the server has something to serve. */
export function ensureBuilt(): void {
  const shop = join(ROOT, 'apps/shop/dist/index.html');
  const admin = join(ROOT, 'apps/admin/dist/index.html');
  if (existsSync(shop) && existsSync(admin) && process.env.MALL_E2E_REBUILD !== '1') return;
  execSync('npm run build -w @mall/shop -w @mall/admin', { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
}

export interface Harness {
  url: string;
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

export async function startHarness(filter: ErrorFilter = { allow: [] }): Promise<Harness> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'mall-e2e-'));
  const server = await startServer({
    databaseUrl: `sqlite:${join(dir, 'mall.db')}`,
    port: 0,
    host: '127.0.0.1',
    adminPassword: ADMIN_PASSWORD,
    seedDemo: true,
    logLevel: 'warn',
    settlementIntervalMs: 0,
    webRoot: ROOT,
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

export function copyToDocs(names: string[]): void {
  const docs = join(ROOT, 'docs/screenshots');
  mkdirSync(docs, { recursive: true });
  for (const name of names) {
    const from = join(SCREENSHOTS, `${name}.png`);
    if (existsSync(from)) copyFileSync(from, join(docs, `${name}.png`));
  }
}
