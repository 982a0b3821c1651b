import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { migrateToLatest, openStore, type Store } from './platform/db/database';
import { assertCurrentEventLog, ensureLockRow, Sequencer } from './incentives/incentive-log';
import { buildApp } from './http/app';
import type { AppContext } from './http/context';
import { sandboxProvider } from './money/payments/sandbox';
import type { PaymentProvider } from './money/payments/provider';
import { seedDemo } from './demo/seed';
import { runSettlement, settlementBatchSize } from './incentives/settlement';
import { expireUnpaid } from './commerce/orders';
import { forfeitUnpaidBalances } from './money/presale-deposits';
import { expireGroups } from './money/group-buy/group-jobs';
import { autoConfirmReceipts } from './commerce/receipts';
import { paymentsConfigFromEnv, type PaymentsConfig } from './money/payments/config';
import { GatewayRegistry } from './money/payments/gateways';
import { runPaymentJobs } from './money/payments/payment-jobs';
import type { SmsSender } from './platform/identity/login-codes';
import { createStaff } from './platform/identity/staff';
import {
  DEMO_NOTICE,
  MIN_PRODUCTION_PASSWORD_LENGTH,
  parseEnvironment,
  type MallEnvironment,
} from './platform/environment';
import { hashPassword } from './platform/passwords';
import { inTx } from './platform/db/database';
import { housekeeping } from './platform/housekeeping';
import { DEFAULT_UPLOAD_LIMIT_BYTES, localFileStore, type FileStore } from './platform/uploads';
import { s3ConfigFromEnv, s3FileStore } from './platform/s3-file-store';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_SQLITE_PATH } from './platform/db/database';
import { createLeadership, type Leadership } from './platform/leader';
import { closeDuePeriod } from './incentives/periods';
import { setPlanModules } from './incentives/simulations';
import { pathToFileURL } from 'node:url';

export interface StartOptions {
  databaseUrl?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  adminPassword?: string;
  seedDemo?: boolean;
  /**
   * With the demo data, also the checkout promotions' demo (a group buy with a paid group, a lottery group, a blind
   * box, a presale); default true. Tests of exact dashboard figures turn it off: it adds a paid order.
   */
  seedPromotions?: boolean;
  logLevel?: string;
  /** Login/register attempts per IP per minute (default 60). */
  authRateLimitPerMinute?: number;
  /** How often the settlement worker runs (default 60 s; 0 disables the timer). */
  settlementIntervalMs?: number;
  /** How often unpaid orders past the timeout are cancelled (default 30 s; 0 disables the timer). */
  expiryIntervalMs?: number;
  /** Where apps/shop/dist and apps/admin/dist are looked for (default: the repository root). */
  webRoot?: string;
  /** `production` turns the sandbox gateway, demo data and the log SMS sender off (default: MALL_ENV, else demo). */
  environment?: MallEnvironment;
  /** The SMS gateway for one-time codes; without one, production answers the code routes with sms_unavailable. */
  sms?: SmsSender;
  /** Fastify's trustProxy: true, a hop count, or a list of proxy addresses (default: MALL_TRUST_PROXY, else off). */
  trustProxy?: boolean | number | string;
  /** Closes a connection that sends nothing for this long (default 60 s). */
  connectionTimeoutMs?: number;
  /** How often expired sessions, codes and idempotency keys are deleted (default 1 h; 0 disables the timer). */
  housekeepingIntervalMs?: number;
  /**
   * WeChat Pay / Alipay configuration (default: from the MALL_WECHAT_* / MALL_ALIPAY_* variables). A function gets the
   * server's own URL once it listens (tests point the notify URL of the gateway double at it).
   */
  payments?: PaymentsConfig | ((url: string) => PaymentsConfig);
  /** How often open gateway payments, refunds and payouts are queried (default 60 s; 0 disables the timer). */
  paymentCheckIntervalMs?: number;
  /** Where uploaded images are stored (default: MALL_UPLOADS_DIR, else `uploads/` beside the SQLite file, else ./data/uploads). */
  uploadsDir?: string;
  /** The largest image upload in bytes (default: MALL_UPLOAD_MAX_BYTES, else 5 MB). */
  uploadLimitBytes?: number;
  /** Where uploads are kept instead of the local directory (default: S3-compatible storage when MALL_S3_BUCKET is set). */
  fileStore?: FileStore;
  /** A bearer token that may read /metrics besides staff tokens (default: MALL_METRICS_TOKEN). */
  metricsToken?: string;
  /** How often a process that does not lead tries to take the leader lock (PostgreSQL; default 5 s). */
  leaderRetryMs?: number;
  /**
   * How often the period timer looks for a period boundary that passed (default 60 s; 0 disables it). It runs in
   * the leading process; the period_closes row makes the close happen once.
   */
  periodIntervalMs?: number;
  /**
   * Module URLs or paths that register extra plans with core's registry when imported (default: MALL_PLAN_MODULES,
   * comma separated). Imported before the engine is built, and by every simulation worker.
   */
  planModules?: readonly string[];
}

/** The data directory of the SQLite default holds the uploads; PostgreSQL installs use ./data/uploads. */
export function defaultUploadsDir(databaseUrl: string | undefined): string {
  const url = databaseUrl ?? `sqlite:${DEFAULT_SQLITE_PATH}`;
  if (/^postgres(ql)?:\/\//.test(url)) return './data/uploads';
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  return path === ':memory:' ? './data/uploads' : join(dirname(path), 'uploads');
}

function uploadLimitFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_UPLOAD_LIMIT_BYTES;
  if (!/^\d{1,10}$/.test(value) || Number(value) < 1024)
    throw new Error('MALL_UPLOAD_MAX_BYTES must be a whole number of bytes, at least 1024');
  return Number(value);
}

export interface RunningServer {
  url: string;
  environment: MallEnvironment;
  adminPassword: string | undefined;
  store: Store;
  app: FastifyInstance;
  /** Whether this process runs the leader-only jobs (timers, period closes); see platform/leader.ts. */
  leader: Leadership;
  settleNow(): Promise<number>;
  /** WeChat Pay and Alipay as this server talks to them. */
  gateways: GatewayRegistry;
  close(): Promise<void>;
}

/** A per-installation random secret, made once and kept in the database (first writer wins across processes). */
async function installationSecret(store: Store, key: string, given?: string): Promise<string> {
  const candidate = given ?? randomBytes(32).toString('hex');
  await store.db
    .insertInto('kv')
    .values({ key, value: candidate })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await store.db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}

/**
 * Production refuses what a demo database has (demo data, a generated password kept in the database) and creates the
 * first admin from MALL_ADMIN_PASSWORD, which is never stored.
 */
async function prepareProduction(store: Store, options: StartOptions): Promise<void> {
  if (options.seedDemo === true) throw new Error('MALL_ENV=production refuses demo data: start without seeding');
  const demo = await store.db
    .selectFrom('kv')
    .select('key')
    .where('key', 'in', ['seeded', 'demo_admin_password'])
    .execute();
  if (demo.length > 0) {
    throw new Error(
      'MALL_ENV=production refuses this database: it holds demo data and a generated demo password. Start production on a new database.',
    );
  }
  const staff = await store.db
    .selectFrom('staff')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .executeTakeFirstOrThrow();
  if (BigInt(staff.n) > 0n) return;
  const password = options.adminPassword;
  if (password === undefined || password.length < MIN_PRODUCTION_PASSWORD_LENGTH) {
    throw new Error(
      `MALL_ENV=production needs MALL_ADMIN_PASSWORD (at least ${MIN_PRODUCTION_PASSWORD_LENGTH} characters) to create the first admin; it is never stored.`,
    );
  }
  const hash = await hashPassword(password);
  await inTx(store.db, (trx) => createStaff(trx, 'admin', hash, 'admin'));
}

/** The payment gateways' configuration from the environment, refusing a half-configured one with what is missing. */
function paymentsFromEnv(): PaymentsConfig {
  const result = paymentsConfigFromEnv(process.env);
  if (!result.ok) throw new Error(`payment gateway configuration refused:\n  ${result.problems.join('\n  ')}`);
  return result.config;
}

/** A real mall takes real money: production refuses to start with no WeChat Pay or Alipay channel to take it. */
export const NO_REAL_CHANNEL =
  'MALL_ENV=production refuses to start without a real payment channel: configure WeChat Pay (MALL_WECHAT_*) or Alipay (MALL_ALIPAY_*) and MALL_PAY_NOTIFY_BASE_URL (see packages/server/docs/payments.md). The sandbox exists only in demo mode.';

/** Opens the database, migrates, seeds (once), rebuilds the engine from the event log and serves the API. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const environment = options.environment ?? parseEnvironment(process.env.MALL_ENV);
  const production = environment === 'production';
  const gateways = new GatewayRegistry();
  const given = options.payments ?? paymentsFromEnv();
  if (typeof given !== 'function') {
    gateways.configure(given);
    if (production && !gateways.configured()) throw new Error(NO_REAL_CHANNEL);
  }
  const planModules = (options.planModules ?? (process.env.MALL_PLAN_MODULES ?? '').split(','))
    .filter((m) => m.trim() !== '')
    .map((m) => (/^[a-z]+:/.test(m) ? m : pathToFileURL(resolve(m.trim())).href));
  // A plan's module registers it on import; the log may name its campaigns, so it must be known before the replay.
  for (const url of planModules) await import(url);
  setPlanModules(planModules);
  const store = openStore(options.databaseUrl ?? process.env.DATABASE_URL);
  let leader: Leadership | undefined;
  try {
    await migrateToLatest(store.db, store.schema);
    await assertCurrentEventLog(store.db);
    await ensureLockRow(store.db);
    if (production) await prepareProduction(store, options);
    const secret = production
      ? undefined
      : await installationSecret(store, 'sandbox_secret', process.env.MALL_SANDBOX_SECRET);
    const codeSecret = await installationSecret(store, 'login_code_secret');
    const sequencer = new Sequencer(store.db);
    const seeded =
      production || options.seedDemo === false
        ? undefined
        : await seedDemo(store.db, sequencer, options.adminPassword, {
            promotions: options.seedPromotions ?? true,
            sandboxSecret: secret,
          });
    // Rebuild the in-memory engine from the event log now, so a corrupt log fails the start, not a checkout.
    await sequencer.snapshot(() => undefined);

    let settling: Promise<number> | undefined;
    const settleNow = (): Promise<number> => {
      // Concurrent triggers share one run: the sequencer would serialise them anyway. Shipped orders past the
      // auto-receive days are received first, so their after-sales window runs without the shopper.
      settling ??= autoConfirmReceipts(store.db)
        .then(() => runSettlement(sequencer, settlementBatchSize(store.dialect)))
        .finally(() => {
          settling = undefined;
        });
      return settling;
    };
    // The sandbox gateway exists only in demo mode: in production nothing can declare that money arrived but a
    // real gateway's verified notification.
    const providers = new Map<string, PaymentProvider>(
      secret === undefined ? [] : [['sandbox', sandboxProvider(secret)]],
    );
    const logRef: { app?: FastifyInstance } = {};
    const leads = createLeadership(store, {
      retryMs: options.leaderRetryMs ?? 5_000,
      onError: (error, what) => logRef.app?.log.error({ err: error }, `${what} failed`),
      onChange: (leading) =>
        logRef.app?.log.info({ leader: leading }, leading ? 'leading: timers run here' : 'not leading'),
    });
    leader = leads;
    const sms: SmsSender | undefined =
      options.sms ??
      (production
        ? undefined
        : {
            // The dev sender: the code goes to the log, where a developer (or a test) can read it. Never in production.
            send: async (phone, text) => {
              logRef.app?.log.info({ phone, text }, 'dev SMS sender');
            },
          });
    const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
    const s3 = s3ConfigFromEnv(process.env);
    const uploads = {
      files:
        options.fileStore ??
        (s3 === undefined
          ? localFileStore(options.uploadsDir ?? process.env.MALL_UPLOADS_DIR ?? defaultUploadsDir(databaseUrl))
          : s3FileStore(s3)),
      limitBytes: options.uploadLimitBytes ?? uploadLimitFromEnv(process.env.MALL_UPLOAD_MAX_BYTES),
    };
    const ctx: AppContext = {
      uploads,
      store,
      sequencer,
      providers,
      gateways,
      sms,
      sandboxSecret: secret,
      codeSecret,
      settleNow,
      environment,
      leader: leads,
    };
    const trustProxy = options.trustProxy ?? trustProxyFromEnv(process.env.MALL_TRUST_PROXY);
    const app = await buildApp(ctx, {
      logLevel: options.logLevel ?? 'info',
      authRateLimitPerMinute: options.authRateLimitPerMinute ?? 60,
      webRoot: options.webRoot,
      production,
      trustProxy,
      connectionTimeoutMs: options.connectionTimeoutMs ?? 60_000,
      metricsToken: options.metricsToken ?? (process.env.MALL_METRICS_TOKEN || undefined),
    });
    logRef.app = app;
    if (!production) app.log.warn(DEMO_NOTICE);
    await app.listen({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
    const url = `http://${host}:${port}`;
    if (typeof given === 'function') {
      gateways.configure(given(url));
      if (production && !gateways.configured()) {
        await app.close();
        throw new Error(NO_REAL_CHANNEL);
      }
    }

    // Timers run in the leading process only: with several processes on one PostgreSQL, one of them settles.
    leads.every('settlement', options.settlementIntervalMs ?? 60_000, settleNow);
    leads.every('unpaid expiry', options.expiryIntervalMs ?? 30_000, () => expireUnpaid(store.db));
    leads.every('presale forfeits', options.expiryIntervalMs ?? 30_000, () => forfeitUnpaidBalances(store.db));
    // Groups past their deadline fail and refund their members; the status flip makes it once across processes.
    leads.every('group expiry', options.expiryIntervalMs ?? 30_000, () => expireGroups(store.db, gateways));
    leads.every('housekeeping', options.housekeepingIntervalMs ?? 3_600_000, () => housekeeping(store.db));
    // The period_closes row makes a close happen once, also if a former leader is still inside its run.
    leads.every('period close', options.periodIntervalMs ?? 60_000, () => closeDuePeriod(store.db, sequencer));
    if (gateways.configured()) {
      // Safe to run twice at once: every outcome it finds goes through the apply-once path.
      leads.every('payment query job', options.paymentCheckIntervalMs ?? 60_000, () =>
        runPaymentJobs(store.db, gateways),
      );
    }

    let closing: Promise<void> | undefined;
    const running = app;
    return {
      url,
      environment,
      adminPassword: seeded?.adminPassword,
      store,
      app: running,
      leader: leads,
      settleNow,
      gateways,
      close: () => {
        closing ??= (async () => {
          await leads.close();
          await running.close();
          await settling?.catch(() => undefined);
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await leader?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}

/** MALL_TRUST_PROXY: "true", a hop count, or a comma-separated list of proxy addresses; unset means no proxy. */
export function trustProxyFromEnv(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export { openStore, migrateToLatest } from './platform/db/database';
export { runAudit } from './incentives/audit';
