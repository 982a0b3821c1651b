/**
 * Lighthouse audit of the storefront (home, product, checkout; mobile preset) and the admin console (login,
 * dashboard signed in; desktop preset), against a server this script starts itself on a fresh SQLite file with the
 * demo data, the apps built first. Each page is audited `--runs` times (default 3), each run in a fresh Chromium
 * profile; the medians go into docs/web-performance.md between the lighthouse markers. Not part of CI (too slow).
 * Usage: npm run lighthouse [-- --runs 3 --no-build --no-write --only shop-home,admin-login --trace]
 * Exits 1 when a median misses its target, 2 on bad arguments.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import lighthouse, { type Config, type Flags } from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import puppeteer, { type Page } from 'puppeteer-core';
import { startServer, type RunningServer } from '../packages/server/src/index';
import {
  markdown,
  median,
  medianFigures,
  missedTargets,
  writeSection,
  type PageResult,
  type Preset,
  type RunFigures,
  type Targets,
} from './lighthouse-report';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.MALL_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const ADMIN_PASSWORD = 'lighthouse-admin-pw';
const SHOPPER = { phone: '13900000042', password: 'lighthouse-pw' };

interface PageSpec {
  name: string;
  /** The path after the origin, hash route included. */
  path: string;
  preset: Preset;
  targets: Targets;
  /** Written into the page's origin before the audit (a signed-in session, a cart). */
  localStorage?: Record<string, string>;
  sessionStorage?: Record<string, string>;
}

function usage(message: string): never {
  process.stderr.write(
    `lighthouse: ${message}\nusage: npm run lighthouse [-- --runs N --no-build --no-write --only a,b --trace]\n`,
  );
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      'no-build': { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      only: { type: 'string' },
      // Keep each run's trace (with JS samples) beside its report, for scripts/trace-tasks.ts.
      trace: { type: 'boolean', default: false },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  usage(error instanceof Error ? error.message : String(error));
}
const RUNS = Number(parsed.values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 9) usage('--runs must be a whole number from 1 to 9');

async function json<T>(url: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface ProductDetail {
  id: string;
  title: string;
  imageUrl?: string;
  skus: { id: string; name: string; priceFen: number }[];
}

/** Signs in a shopper and the admin, and picks the product the product and checkout pages show. */
async function pages(url: string): Promise<PageSpec[]> {
  const shopper = await json<{ token: string }>(`${url}/api/shop/register`, { method: 'POST', body: SHOPPER });
  const admin = await json<{ token: string }>(`${url}/api/admin/login`, {
    method: 'POST',
    body: { username: 'admin', password: ADMIN_PASSWORD },
  });
  const list = await json<{ items: { id: string }[] }>(`${url}/api/shop/products`);
  const first = list.items[0];
  if (first === undefined) throw new Error('the demo data has no product');
  const { product } = await json<{ product: ProductDetail }>(`${url}/api/shop/products/${first.id}`);
  const sku = product.skus[0];
  if (sku === undefined) throw new Error(`product ${product.id} has no SKU`);
  const line = {
    skuId: sku.id,
    productId: product.id,
    title: product.title,
    skuName: sku.name,
    priceFen: sku.priceFen,
    imageUrl: product.imageUrl,
    quantity: 1,
    checked: true,
  };
  const shop: Targets = { performance: 90, accessibility: 95, bestPractices: 100 };
  const adminTargets: Targets = { performance: 95, accessibility: 95 };
  return [
    { name: 'shop-home', path: '/#/', preset: 'mobile', targets: shop },
    { name: 'shop-product', path: `/#/product/${product.id}`, preset: 'mobile', targets: shop },
    {
      name: 'shop-checkout',
      path: '/#/checkout',
      preset: 'mobile',
      targets: shop,
      localStorage: { 'mall.shop.token': shopper.token },
      sessionStorage: { 'mall.shop.checkout': JSON.stringify({ lines: [line], fromCart: false }) },
    },
    { name: 'admin-login', path: '/admin/#/login', preset: 'desktop', targets: adminTargets },
    {
      name: 'admin-dashboard',
      path: '/admin/#/dashboard',
      preset: 'desktop',
      targets: adminTargets,
      localStorage: { 'mall.admin.token': admin.token },
    },
  ];
}

interface WebStorage {
  setItem(key: string, value: string): void;
}

/** Puts the storage a page needs into its origin, from a small same-origin JSON answer (not the app itself). */
async function seedStorage(page: Page, url: string, spec: PageSpec): Promise<void> {
  if (spec.localStorage === undefined && spec.sessionStorage === undefined) return;
  await page.goto(`${url}/api/shop/categories`);
  await page.evaluate(
    (local: Record<string, string>, session: Record<string, string>) => {
      // Runs in the page; the script's own types have no DOM library.
      const page = globalThis as unknown as Record<'localStorage' | 'sessionStorage', WebStorage>;
      for (const [k, v] of Object.entries(local)) page.localStorage.setItem(k, v);
      for (const [k, v] of Object.entries(session)) page.sessionStorage.setItem(k, v);
    },
    spec.localStorage ?? {},
    spec.sessionStorage ?? {},
  );
}

async function auditOnce(url: string, spec: PageSpec, reportDir: string, run: number): Promise<RunFigures> {
  const profile = mkdtempSync(join(tmpdir(), 'mall-lh-profile-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: CHROMIUM_FLAGS,
    defaultViewport: null,
  });
  try {
    const page = await browser.newPage();
    await seedStorage(page, url, spec);
    // Lighthouse's own storage reset clears the HTTP cache and service workers, never local/session storage.
    const flags: Flags = {
      output: ['html', 'json'],
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
      additionalTraceCategories: parsed.values.trace ? 'disabled-by-default-v8.cpu_profiler' : undefined,
    };
    const config: Config | undefined = spec.preset === 'desktop' ? desktopConfig : undefined;
    const result = await lighthouse(`${url}${spec.path}`, flags, config, page);
    if (result === undefined) throw new Error(`${spec.name}: Lighthouse returned nothing`);
    const { lhr } = result;
    if (lhr.runtimeError !== undefined)
      throw new Error(`${spec.name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const [html, json] = Array.isArray(result.report) ? result.report : [result.report, ''];
    writeFileSync(join(reportDir, `${spec.name}-${run}.html`), html ?? '');
    writeFileSync(join(reportDir, `${spec.name}-${run}.json`), json ?? '');
    if (parsed.values.trace)
      writeFileSync(join(reportDir, `${spec.name}-${run}.trace.json`), JSON.stringify(result.artifacts.Trace));
    const score = (id: string): number => Math.round((lhr.categories[id]?.score ?? 0) * 100);
    const value = (id: string): number => lhr.audits[id]?.numericValue ?? Number.NaN;
    const failing = Object.values(lhr.categories)
      .filter((c) => c.id !== 'performance')
      .flatMap((c) => c.auditRefs.filter((r) => r.weight > 0 && (lhr.audits[r.id]?.score ?? 1) < 1).map((r) => r.id));
    const figures: RunFigures = {
      performance: score('performance'),
      accessibility: score('accessibility'),
      bestPractices: score('best-practices'),
      fcpMs: value('first-contentful-paint'),
      lcpMs: value('largest-contentful-paint'),
      tbtMs: value('total-blocking-time'),
      cls: value('cumulative-layout-shift'),
      transferredBytes: value('total-byte-weight'),
      benchmarkIndex: lhr.environment.benchmarkIndex,
    };
    process.stdout.write(
      `${spec.name} run ${run}: perf ${figures.performance} a11y ${figures.accessibility} bp ${figures.bestPractices} ` +
        `FCP ${figures.fcpMs.toFixed(0)} LCP ${figures.lcpMs.toFixed(0)} TBT ${figures.tbtMs.toFixed(0)} ` +
        `${(figures.transferredBytes / 1024).toFixed(0)} KiB (benchmark index ${figures.benchmarkIndex})` +
        `${failing.length > 0 ? `; failing: ${failing.join(', ')}` : ''}\n`,
    );
    return figures;
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadStart = (loadavg()[0] ?? 0).toFixed(2);
  if (!parsed.values['no-build']) execSync('npm run build:apps', { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'mall-lighthouse-'));
  const reportDir = join(ROOT, 'artifacts/lighthouse');
  mkdirSync(reportDir, { recursive: true });
  let server: RunningServer | undefined;
  try {
    server = await startServer({
      databaseUrl: `sqlite:${join(dir, 'mall.db')}`,
      port: 0,
      host: '127.0.0.1',
      adminPassword: ADMIN_PASSWORD,
      seedDemo: true,
      logLevel: 'warn',
      settlementIntervalMs: 0,
      expiryIntervalMs: 0,
      authRateLimitPerMinute: 1000,
      webRoot: ROOT,
    });
    let specs = await pages(server.url);
    const only = parsed.values.only?.split(',').map((s) => s.trim());
    if (only !== undefined) {
      const unknown = only.filter((n) => !specs.some((s) => s.name === n));
      if (unknown.length > 0)
        usage(`unknown page ${unknown.join(', ')} (pages: ${specs.map((s) => s.name).join(', ')})`);
      specs = specs.filter((s) => only.includes(s.name));
    }
    const results: PageResult[] = [];
    for (const spec of specs) {
      const runs: RunFigures[] = [];
      for (let run = 1; run <= RUNS; run += 1) runs.push(await auditOnce(server.url, spec, reportDir, run));
      results.push({
        name: spec.name,
        path: spec.path.replace(/product\/[^/]+$/, 'product/{id}'),
        preset: spec.preset,
        targets: spec.targets,
        runs,
      });
    }
    const lighthouseVersion = (
      JSON.parse(readFileSync(join(ROOT, 'node_modules/lighthouse/package.json'), 'utf8')) as { version: string }
    ).version;
    const args = process.argv.slice(2).filter((a) => a !== '--no-build');
    const text = markdown(results, {
      command: `npm run lighthouse${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
      lighthouseVersion,
      startedAt,
      loadStart,
      loadEnd: (loadavg()[0] ?? 0).toFixed(2),
    });
    process.stdout.write(`\n${text}\n\nHTML reports: artifacts/lighthouse/\n`);
    if (!parsed.values['no-write']) writeSection(join(ROOT, 'docs/web-performance.md'), text);
    const missed = results.flatMap((r) => missedTargets(r).map((m) => `${r.name}: ${m}`));
    const index = median(results.map((r) => medianFigures(r.runs).benchmarkIndex));
    process.stdout.write(`median benchmark index ${index}\n`);
    if (missed.length > 0) {
      process.stdout.write(`targets not met:\n${missed.join('\n')}\n`);
      process.exitCode = 1;
    }
  } finally {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
