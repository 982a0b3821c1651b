import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { startServer, type RunningServer, type StartOptions } from '../src/index';
import type { SmsSender } from '../src/platform/identity/login-codes';
import { Contract, contractEnabled, type OpenApiDocument } from './contract';
import { productionPayments } from './production-payments';

/**
 * Tests run against the real server on a real database: a fresh SQLite file per server, and, when
 * TEST_DATABASE_URL is set (CI), also a fresh PostgreSQL schema per server, dropped on close.
 */
export interface StartTestOptions {
  settlementIntervalMs?: number;
  reuse?: string;
  authRateLimitPerMinute?: number;
  webRoot?: string;
  expiryIntervalMs?: number;
  periodIntervalMs?: number;
  environment?: 'demo' | 'production';
  /** Default ADMIN_PASSWORD; production tests give a long one. */
  adminPassword?: string;
  /** Default: demo data in demo mode, none in production. */
  seedDemo?: boolean;
  /** Default true: with the demo data, the promotions' demo too (it adds a paid group order). */
  seedPromotions?: boolean;
  sms?: SmsSender;
  trustProxy?: boolean | number | string;
  connectionTimeoutMs?: number;
  /** WeChat Pay / Alipay (a function gets the server's URL: the gateway double notifies it). Default: none. */
  payments?: StartOptions['payments'];
  /** Where uploads go; SQLite servers default to beside their database file (inside the test's temp dir). */
  uploadsDir?: string;
  uploadLimitBytes?: number;
  /** Modules registering extra plans (test fixtures), handed to the server and its simulation workers. */
  planModules?: string[];
}

export { productionPayments };

export interface Backend {
  name: 'sqlite' | 'postgres';
  start(options?: StartTestOptions): Promise<TestServer>;
}

export const ADMIN_PASSWORD = 'admin-test-pw';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; requestId?: string } };
}

export interface TestServer {
  url: string;
  databaseUrl: string;
  server: RunningServer;
  api(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiAnswer>;
  /** Stops the server but keeps the database (for restart tests). */
  stop(): Promise<void>;
  /** Stops this server and starts a new one on the same database; closing the new one cleans up. */
  restart(): Promise<TestServer>;
  /** Starts a second server on the same database (another process, as far as the data is concerned). */
  attach(extra?: StartTestOptions): Promise<TestServer>;
  /** Stops the server and drops the database. */
  close(): Promise<void>;
}

/**
 * Every answer `api()` receives is checked against the server's own OpenAPI document (contract.ts): an undocumented
 * status or a body outside the declared schema fails the test that made the request.
 */
function makeApi(url: string, contract: () => Contract | undefined): TestServer['api'] {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: ApiAnswer['body'] = {};
    try {
      body = text === '' ? {} : (JSON.parse(text) as ApiAnswer['body']);
    } catch {
      body = { text };
    }
    const problem = contract()?.problem(method, path, response.status, body, response.headers.get('content-type'));
    if (problem !== undefined) throw new Error(`contract: ${problem}`);
    return { status: response.status, body };
  };
}

const contracts = new WeakMap<RunningServer, Contract>();
function contractOf(server: RunningServer): Contract | undefined {
  if (!contractEnabled()) return undefined;
  let contract = contracts.get(server);
  if (contract === undefined) {
    contract = new Contract(server.app.swagger() as unknown as OpenApiDocument);
    contracts.set(server, contract);
  }
  return contract;
}

/** How many answers the contract check has checked on this server (0 when it is off). */
export function contractChecks(t: TestServer): number {
  return contracts.get(t.server)?.checked ?? 0;
}

async function launch(
  databaseUrl: string,
  cleanup: () => Promise<void>,
  options: StartTestOptions,
): Promise<TestServer> {
  const environment = options.environment ?? 'demo';
  const server = await startServer({
    databaseUrl,
    port: 0,
    adminPassword: options.adminPassword ?? ADMIN_PASSWORD,
    seedDemo: options.seedDemo ?? environment === 'demo',
    ...(options.seedPromotions === undefined ? {} : { seedPromotions: options.seedPromotions }),
    environment,
    logLevel: 'silent',
    authRateLimitPerMinute: options.authRateLimitPerMinute ?? 10_000,
    settlementIntervalMs: options.settlementIntervalMs ?? 0,
    expiryIntervalMs: options.expiryIntervalMs ?? 0,
    periodIntervalMs: options.periodIntervalMs ?? 0,
    housekeepingIntervalMs: 0,
    ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
    ...(options.sms === undefined ? {} : { sms: options.sms }),
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    ...(options.connectionTimeoutMs === undefined ? {} : { connectionTimeoutMs: options.connectionTimeoutMs }),
    // Tests never read the process's MALL_* variables: no gateway unless the test gives one (production gets one).
    payments: options.payments ?? (environment === 'production' ? productionPayments() : {}),
    paymentCheckIntervalMs: 0,
    ...(options.uploadsDir === undefined ? {} : { uploadsDir: options.uploadsDir }),
    ...(options.uploadLimitBytes === undefined ? {} : { uploadLimitBytes: options.uploadLimitBytes }),
    ...(options.planModules === undefined ? {} : { planModules: options.planModules }),
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await server.close();
  };
  return {
    url: server.url,
    databaseUrl,
    server,
    api: makeApi(server.url, () => contractOf(server)),
    stop,
    restart: async () => {
      await stop();
      return launch(databaseUrl, cleanup, options);
    },
    attach: (extra = {}) => launch(databaseUrl, async () => undefined, { ...options, ...extra }),
    close: async () => {
      await stop();
      await cleanup();
    },
  };
}

const sqliteBackend: Backend = {
  name: 'sqlite',
  async start(options = {}) {
    let databaseUrl = options.reuse;
    let dir: string | undefined;
    if (databaseUrl === undefined) {
      dir = mkdtempSync(join(tmpdir(), 'mall-test-'));
      databaseUrl = `sqlite:${join(dir, 'mall.db')}`;
    }
    return launch(
      databaseUrl,
      async () => {
        if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      },
      options,
    );
  },
};

function postgresBackend(baseUrl: string): Backend {
  return {
    name: 'postgres',
    async start(options = {}) {
      let databaseUrl = options.reuse;
      let schema: string | undefined;
      let uploads: string | undefined;
      if (options.uploadsDir === undefined) uploads = mkdtempSync(join(tmpdir(), 'mall-uploads-'));
      if (databaseUrl === undefined) {
        schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
        const client = new pg.Client({ connectionString: baseUrl });
        await client.connect();
        await client.query(`create schema ${schema}`);
        await client.end();
        databaseUrl = `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}schema=${schema}`;
      }
      const drop = async (): Promise<void> => {
        if (uploads !== undefined) rmSync(uploads, { recursive: true, force: true });
        if (schema === undefined) return;
        const client = new pg.Client({ connectionString: baseUrl });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      };
      try {
        return await launch(databaseUrl, drop, uploads === undefined ? options : { ...options, uploadsDir: uploads });
      } catch (error) {
        await drop();
        throw error;
      }
    },
  };
}

export function backends(): Backend[] {
  const pgUrl = process.env.TEST_DATABASE_URL;
  if ((pgUrl === undefined || pgUrl === '') && process.env.MALL_REQUIRE_PG === '1')
    throw new Error('MALL_REQUIRE_PG=1 but TEST_DATABASE_URL is not set');
  return pgUrl === undefined || pgUrl === '' ? [sqliteBackend] : [sqliteBackend, postgresBackend(pgUrl)];
}

let phoneCounter = 0;
export function nextPhone(): string {
  phoneCounter += 1;
  return `139${String(process.pid % 10000).padStart(4, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

export async function registerShopper(
  t: TestServer,
  inviteCode?: string,
): Promise<{ token: string; id: string; inviteCode: string; phone: string }> {
  const phone = nextPhone();
  const answer = await t.api('POST', '/api/shop/register', {
    body: { phone, password: 'secret123', ...(inviteCode === undefined ? {} : { inviteCode }) },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const user = answer.body.user as { id: string; inviteCode: string };
  return { token: answer.body.token as string, id: user.id, inviteCode: user.inviteCode, phone };
}

export async function staffToken(t: TestServer, username = 'admin'): Promise<string> {
  const answer = await t.api('POST', '/api/admin/login', { body: { username, password: ADMIN_PASSWORD } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.token as string;
}

export async function giftPackSku(t: TestServer): Promise<string> {
  const answer = await t.api('GET', '/api/shop/products');
  const items = answer.body.items as { title: string; skus: { id: string }[] }[];
  const gift = items.find((p) => p.title === '消费商礼包');
  const sku = gift?.skus[0]?.id;
  if (sku === undefined) throw new Error('gift pack missing from the seed');
  return sku;
}

export const ADDRESS = {
  name: '张三',
  phone: '13800138000',
  region: ['浙江省', '杭州市', '西湖区'],
  detail: '文三路 1 号',
};

let keyCounter = 0;
export function idemKey(): string {
  keyCounter += 1;
  return `k-${Date.now()}-${keyCounter}`;
}

export async function createOrder(
  t: TestServer,
  token: string,
  skuId: string,
  quantity = 1,
  key = idemKey(),
): Promise<ApiAnswer> {
  return t.api('POST', '/api/shop/orders', {
    token,
    body: { items: [{ skuId, quantity }], address: ADDRESS },
    headers: { 'idempotency-key': key },
  });
}

/** Order -> sandbox payment -> signed notification -> shipped -> received. Returns the order id. */
export async function buyAndReceive(
  t: TestServer,
  shopper: string,
  adminToken: string,
  skuId: string,
): Promise<string> {
  return buyItemsAndReceive(t, shopper, adminToken, [{ skuId, quantity: 1 }]);
}

/** The same for an order of several lines. */
export async function buyItemsAndReceive(
  t: TestServer,
  shopper: string,
  adminToken: string,
  items: { skuId: string; quantity: number }[],
): Promise<string> {
  const created = await t.api('POST', '/api/shop/orders', {
    token: shopper,
    body: { items, address: ADDRESS },
    headers: { 'idempotency-key': idemKey() },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const orderId = (created.body.order as { id: string }).id;
  const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, { token: shopper, body: { channel: 'sandbox' } });
  expect(pay.status, JSON.stringify(pay.body)).toBe(200);
  const paymentId = (pay.body.payment as { id: string }).id;
  const ok = await t.api('POST', `/api/sandbox/payments/${paymentId}/succeed`);
  expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  const ship = await t.api('POST', `/api/admin/orders/${orderId}/ship`, {
    token: adminToken,
    body: { carrier: 'SF', trackingNo: `SF${orderId.slice(-8)}` },
  });
  expect(ship.status, JSON.stringify(ship.body)).toBe(200);
  const receive = await t.api('POST', `/api/shop/orders/${orderId}/receive`, { token: shopper });
  expect(receive.status, JSON.stringify(receive.body)).toBe(200);
  return orderId;
}

/** The invariant every test file ends with: the ledger sums to zero, no wallet is negative, the audit is clean. */
export async function expectLedgerHealthy(t: TestServer): Promise<void> {
  const admin = await staffToken(t, 'finance');
  const accounts = await t.api('GET', '/api/admin/accounts', { token: admin });
  expect(accounts.status).toBe(200);
  const items = accounts.body.items as { account: string; balanceFen: number }[];
  let total = 0n;
  for (const a of items) {
    total += BigInt(a.balanceFen);
    if (a.account.startsWith('user:')) expect(a.balanceFen, a.account).toBeGreaterThanOrEqual(0);
  }
  expect(total).toBe(0n);
  const audit = await t.api('GET', '/api/admin/audit', { token: admin });
  expect(audit.status).toBe(200);
  expect(audit.body.differences).toEqual([]);
  expect(audit.body.ok).toBe(true);
}

export async function sandboxSecretOf(t: TestServer): Promise<string> {
  const row = await t.server.store.db
    .selectFrom('kv')
    .select('value')
    .where('key', '=', 'sandbox_secret')
    .executeTakeFirstOrThrow();
  return row.value;
}

/**
 * A product made by the admin for one test, so stock numbers are the test's own. `campaigns` adds it to the scope of
 * those campaigns (the demo's are named after their plans: referralCycle, appreciationPool), a new version of each.
 */
export async function makeProduct(
  t: TestServer,
  adminToken: string,
  input: { priceFen: number; stock: number; campaigns?: string[]; costFen?: number; categoryId?: string },
): Promise<{ productId: string; skuId: string }> {
  const answer = await t.api('POST', '/api/admin/products', {
    token: adminToken,
    body: {
      title: `测试商品 ${idemKey()}`,
      ...(input.categoryId === undefined ? {} : { categoryId: input.categoryId }),
      skus: [{ name: '默认', priceFen: input.priceFen, costFen: input.costFen ?? 0, stock: input.stock }],
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const product = answer.body.product as { id: string; skus: { id: string }[] };
  for (const campaign of input.campaigns ?? []) await addToScope(t, adminToken, campaign, product.id);
  return { productId: product.id, skuId: product.skus[0]?.id ?? '' };
}

/** Adds a product to a campaign's product scope (a new version of the campaign). */
export async function addToScope(
  t: TestServer,
  adminToken: string,
  campaign: string,
  productId: string,
): Promise<void> {
  const current = await t.api('GET', `/api/admin/campaigns/${campaign}`, { token: adminToken });
  expect(current.status, JSON.stringify(current.body)).toBe(200);
  const scope = (current.body.campaign as { scope: { products: string[]; categories: string[] } | null }).scope;
  if (scope === null) return;
  const edit = await t.api('PUT', `/api/admin/campaigns/${campaign}`, {
    token: adminToken,
    body: { scope: { products: [...scope.products, productId], categories: scope.categories } },
  });
  expect(edit.status, JSON.stringify(edit.body)).toBe(200);
}

export async function skuStock(t: TestServer, adminToken: string, productId: string): Promise<number> {
  const answer = await t.api('GET', `/api/admin/products/${productId}`, { token: adminToken });
  return (answer.body.product as { skus: { stock: number }[] }).skus[0]?.stock ?? -1;
}

/** A inviting B, both buying the gift pack, settled: A ends with a 10,000 fen rebate in the wallet. */
export async function fundedInviter(
  t: TestServer,
  adminToken: string,
): Promise<{
  a: Awaited<ReturnType<typeof registerShopper>>;
  b: Awaited<ReturnType<typeof registerShopper>>;
  orders: string[];
}> {
  await t.api('PUT', '/api/admin/settings', { token: adminToken, body: { afterSalesDays: 0 } });
  const sku = await giftPackSku(t);
  const a = await registerShopper(t);
  const b = await registerShopper(t, a.inviteCode);
  const orders = [await buyAndReceive(t, a.token, adminToken, sku)];
  await t.api('POST', '/api/admin/settlement/run', { token: adminToken });
  orders.push(await buyAndReceive(t, b.token, adminToken, sku));
  await t.api('POST', '/api/admin/settlement/run', { token: adminToken });
  return { a, b, orders };
}
