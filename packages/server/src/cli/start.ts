import { spawnSync } from 'node:child_process';
import cluster from 'node:cluster';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../index';
import { REPO_ROOT } from '../http/static-routes';
import { runPrimary, type WorkerReady } from './cluster';
import { clusterMetricsResponder } from '../platform/metrics';

const HELP = `usage: mall start [--workers N]

Migrates the database, seeds the demo data once, and serves the API and the built web apps.
  MALL_PORT            port (default 3000)
  MALL_HOST            interface (default 0.0.0.0)
  MALL_ADMIN_PASSWORD  password of the demo staff admin/operator/finance (default: generated once, kept in the DB)
  DATABASE_URL         postgres://user:pass@host/db or sqlite:PATH (default sqlite:./data/mall.db)
  MALL_LOG_LEVEL       pino level (default info)
  MALL_SKIP_WEB_BUILD  1 = do not build missing web apps before starting
  MALL_AUTH_RATE_LIMIT login/register attempts per IP per minute (default 60)
  MALL_SETTLEMENT_INTERVAL_MS  settlement timer period (default 60000; 0 = only on demand)
  MALL_ENV             production: no sandbox; needs a WeChat Pay or Alipay channel (default demo)
  MALL_WECHAT_*, MALL_ALIPAY_*, MALL_PAY_NOTIFY_BASE_URL  payment gateways (packages/server/docs/payments.md)
  MALL_LEADER_RETRY_MS how often a process that does not lead tries to take over the timers (default 5000)

  --workers N          N server processes sharing the port (default MALL_WORKERS, else 1); N > 1 needs PostgreSQL:
                       several processes on one SQLite file are not supported
`;

/** Builds the storefront and admin console once when their dist folders are missing; a failed build is not fatal. */
function buildAppsIfMissing(): void {
  const apps = ['shop', 'admin'].filter((name) => {
    const dir = join(REPO_ROOT, 'apps', name);
    if (existsSync(join(dir, 'dist'))) return false;
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
      return typeof pkg.scripts?.build === 'string' && existsSync(join(dir, 'index.html'));
    } catch {
      return false;
    }
  });
  if (apps.length === 0) return;
  process.stdout.write(`building web apps: ${apps.join(', ')} ...\n`);
  const result = spawnSync('npm', ['run', 'build', ...apps.flatMap((a) => ['-w', `@mall/${a}`])], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.stderr.write('web app build failed; serving the API only\n');
}

function banner(ready: Omit<WorkerReady, 'type'>): string {
  const shown = ready.url.replace('127.0.0.1', 'localhost');
  return [
    '',
    `商城 Mall is running on ${ready.where}`,
    `  storefront   ${shown}/`,
    `  admin        ${shown}/admin/`,
    `  API docs     ${shown}/api/docs`,
    `  admin login  admin / ${ready.adminPassword ?? '(the MALL_ADMIN_PASSWORD set earlier)'}   (also operator, finance)`,
    '',
  ].join('\n');
}

function envNumber(name: string): { [key: string]: number } {
  const value = process.env[name];
  return value ? { [name]: Number(value) } : {};
}

/** One server in this process: the whole mall with `--workers 1`, one of N under the cluster primary otherwise. */
async function serve(port: number): Promise<number> {
  const numbers = {
    ...envNumber('MALL_AUTH_RATE_LIMIT'),
    ...envNumber('MALL_SETTLEMENT_INTERVAL_MS'),
    ...envNumber('MALL_LEADER_RETRY_MS'),
  };
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      port,
      host: process.env.MALL_HOST ?? '0.0.0.0',
      ...(process.env.MALL_ADMIN_PASSWORD ? { adminPassword: process.env.MALL_ADMIN_PASSWORD } : {}),
      logLevel: process.env.MALL_LOG_LEVEL ?? 'info',
      ...(numbers.MALL_AUTH_RATE_LIMIT === undefined ? {} : { authRateLimitPerMinute: numbers.MALL_AUTH_RATE_LIMIT }),
      ...(numbers.MALL_SETTLEMENT_INTERVAL_MS === undefined
        ? {}
        : { settlementIntervalMs: numbers.MALL_SETTLEMENT_INTERVAL_MS }),
      ...(numbers.MALL_LEADER_RETRY_MS === undefined ? {} : { leaderRetryMs: numbers.MALL_LEADER_RETRY_MS }),
    });
  } catch (error) {
    // A refusal to start (production without a real payment channel, a half-configured gateway, a demo database in
    // production) is a configuration problem: say it plainly, exit 2, no stack trace.
    process.stderr.write(`mall start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const ready = { url: server.url, where: server.store.where, adminPassword: server.adminPassword };
  if (cluster.isWorker) process.send?.({ type: 'mall:ready', ...ready } satisfies WorkerReady);
  else process.stdout.write(banner(ready));
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      if (!cluster.isWorker) process.stdout.write(`\n${signal}: shutting down\n`);
      server.close().then(resolve, (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    // A worker whose primary is gone (killed) has no one to hand it connections: it stops too.
    if (cluster.isWorker) process.once('disconnect', () => stop('disconnect'));
  });
  // The IPC channel to the primary would keep a worker alive after its server closed.
  if (cluster.isWorker && process.connected) process.disconnect();
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  let values: { workers?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { workers: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    process.stderr.write(`mall start: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = Number(process.env.MALL_PORT ?? 3000);
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`mall start: MALL_PORT must be a port number\n`);
    return 2;
  }
  if (cluster.isWorker) return serve(port);
  const workersText = values.workers ?? process.env.MALL_WORKERS ?? '1';
  const workers = /^\d+$/.test(workersText) ? Number(workersText) : NaN;
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > 64) {
    process.stderr.write(
      `mall start: --workers must be a whole number from 1 to 64, got ${JSON.stringify(workersText)}\n`,
    );
    return 2;
  }
  const url = process.env.DATABASE_URL ?? '';
  if (workers > 1 && !/^postgres(ql)?:\/\//.test(url)) {
    process.stderr.write(
      `mall start: --workers ${workers} needs PostgreSQL (DATABASE_URL=postgres://...). Several processes on one SQLite file are not supported: SQLite has one writer, and the server's group commit and engine assume it is the only process. Use --workers 1 with SQLite.\n`,
    );
    return 2;
  }
  if (process.env.MALL_SKIP_WEB_BUILD !== '1') buildAppsIfMissing();
  if (workers === 1) return serve(port);
  return runPrimary(workers, { banner, onWorkerMessage: clusterMetricsResponder() });
}
