import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../index';
import { REPO_ROOT } from '../http/static-routes';

const HELP = `usage: mall start

Migrates the database, seeds the demo data once, and serves the API and the built web apps.
  MALL_PORT            port (default 3000)
  MALL_HOST            interface (default 0.0.0.0)
  MALL_ADMIN_PASSWORD  password of the demo staff admin/operator/finance (default: generated once, kept in the DB)
  DATABASE_URL         postgres://user:pass@host/db or sqlite:PATH (default sqlite:./data/mall.db)
  MALL_LOG_LEVEL       pino level (default info)
  MALL_SKIP_WEB_BUILD  1 = do not build missing web apps before starting
  MALL_AUTH_RATE_LIMIT login/register attempts per IP per minute (default 60)
  MALL_SETTLEMENT_INTERVAL_MS  settlement timer period (default 60000; 0 = only on demand)
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

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = Number(process.env.MALL_PORT ?? 3000);
  if (!Number.isSafeInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`mall start: MALL_PORT must be a port number\n`);
    return 2;
  }
  if (process.env.MALL_SKIP_WEB_BUILD !== '1') buildAppsIfMissing();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      port,
      host: process.env.MALL_HOST ?? '0.0.0.0',
      ...(process.env.MALL_ADMIN_PASSWORD ? { adminPassword: process.env.MALL_ADMIN_PASSWORD } : {}),
      logLevel: process.env.MALL_LOG_LEVEL ?? 'info',
      ...(process.env.MALL_AUTH_RATE_LIMIT ? { authRateLimitPerMinute: Number(process.env.MALL_AUTH_RATE_LIMIT) } : {}),
      ...(process.env.MALL_SETTLEMENT_INTERVAL_MS
        ? { settlementIntervalMs: Number(process.env.MALL_SETTLEMENT_INTERVAL_MS) }
        : {}),
    });
  } catch (error) {
    // A refused database (legacy incentive log, production over demo data) is a message, not a stack trace.
    process.stderr.write(`mall start: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const shown = server.url.replace('127.0.0.1', 'localhost');
  process.stdout.write(
    [
      '',
      `商城 Mall is running on ${server.store.where}`,
      `  storefront   ${shown}/`,
      `  admin        ${shown}/admin/`,
      `  API docs     ${shown}/api/docs`,
      `  admin login  admin / ${server.adminPassword ?? '(the MALL_ADMIN_PASSWORD set earlier)'}   (also operator, finance)`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stdout.write(`\n${signal}: shutting down\n`);
      server.close().then(resolve, (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
