import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { migrateToLatest, openStore, type Store } from './platform/db/database';
import { ensureLockRow, Sequencer } from './incentives/incentive-log';
import { buildApp } from './http/app';
import type { AppContext } from './http/context';
import { sandboxProvider } from './money/payments/sandbox';
import type { PaymentProvider } from './money/payments/provider';
import { seedDemo } from './demo/seed';
import { runSettlement } from './incentives/settlement';
import { expireUnpaid } from './commerce/orders';
import type { SmsSender } from './platform/identity/login-codes';

export interface StartOptions {
  databaseUrl?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  adminPassword?: string;
  seedDemo?: boolean;
  logLevel?: string;
  /** Login/register attempts per IP per minute (default 60). */
  authRateLimitPerMinute?: number;
  /** How often the settlement worker runs (default 60 s; 0 disables the timer). */
  settlementIntervalMs?: number;
  /** How often unpaid orders past the timeout are cancelled (default 30 s; 0 disables the timer). */
  expiryIntervalMs?: number;
  /** Where apps/shop/dist and apps/admin/dist are looked for (default: the repository root). */
  webRoot?: string;
}

export interface RunningServer {
  url: string;
  adminPassword: string | undefined;
  store: Store;
  app: FastifyInstance;
  settleNow(): Promise<number>;
  close(): Promise<void>;
}

async function sandboxSecret(store: Store): Promise<string> {
  const candidate = process.env.MALL_SANDBOX_SECRET ?? randomBytes(32).toString('hex');
  await store.db
    .insertInto('kv')
    .values({ key: 'sandbox_secret', value: candidate })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await store.db
    .selectFrom('kv')
    .select('value')
    .where('key', '=', 'sandbox_secret')
    .executeTakeFirstOrThrow();
  return row.value;
}

/** Opens the database, migrates, seeds (once), rebuilds the engine from the event log and serves the API. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const store = openStore(options.databaseUrl ?? process.env.DATABASE_URL);
  try {
    await migrateToLatest(store.db, store.schema);
    await ensureLockRow(store.db);
    const secret = await sandboxSecret(store);
    const seeded = options.seedDemo === false ? undefined : await seedDemo(store.db, options.adminPassword);
    const sequencer = new Sequencer(store.db);
    // Rebuild the in-memory engine from the event log now, so a corrupt log fails the start, not a checkout.
    await sequencer.snapshot(() => undefined);

    let settling: Promise<number> | undefined;
    const settleNow = (): Promise<number> => {
      // Concurrent triggers share one run: the sequencer would serialise them anyway.
      settling ??= runSettlement(sequencer).finally(() => {
        settling = undefined;
      });
      return settling;
    };
    const providers = new Map<string, PaymentProvider>([['sandbox', sandboxProvider(secret)]]);
    const logRef: { app?: FastifyInstance } = {};
    const sms: SmsSender = {
      // The dev sender: the code goes to the log, where a developer (or a test) can read it.
      send: async (phone, text) => {
        logRef.app?.log.info({ phone, text }, 'dev SMS sender');
      },
    };
    const ctx: AppContext = { store, sequencer, providers, sms, sandboxSecret: secret, settleNow };
    const app = await buildApp(ctx, {
      logLevel: options.logLevel ?? 'info',
      authRateLimitPerMinute: options.authRateLimitPerMinute ?? 60,
      webRoot: options.webRoot,
    });
    logRef.app = app;
    await app.listen({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
    const url = `http://${host}:${port}`;

    const timers: NodeJS.Timeout[] = [];
    const every = (ms: number, job: () => Promise<unknown>, name: string): void => {
      if (ms <= 0) return;
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        job()
          .catch((error: unknown) => app.log.error({ err: error }, `${name} failed`))
          .finally(() => {
            busy = false;
          });
      }, ms);
      timer.unref();
      timers.push(timer);
    };
    every(options.settlementIntervalMs ?? 60_000, settleNow, 'settlement');
    every(options.expiryIntervalMs ?? 30_000, () => expireUnpaid(store.db), 'unpaid expiry');

    let closing: Promise<void> | undefined;
    const running = app;
    return {
      url,
      adminPassword: seeded?.adminPassword,
      store,
      app: running,
      settleNow,
      close: () => {
        closing ??= (async () => {
          for (const t of timers) clearInterval(t);
          await running.close();
          await settling?.catch(() => undefined);
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

export { openStore, migrateToLatest } from './platform/db/database';
export { runAudit } from './incentives/audit';
