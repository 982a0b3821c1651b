import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { operatorGauges } from '../incentives/gauges';
import { METRICS_CONTENT_TYPE, processMetricsText } from '../platform/metrics';
import { checkReadiness } from '../platform/readiness';
import { fail } from '../platform/errors';
import { bearer, staffWith, type AppContext, type AppOptions } from './context';

/**
 * What operators and orchestrators poll. `/healthz`: the process is alive (no database call, so a slow database
 * does not get a live process restarted). `/readyz`: the database answers and holds every migration (503
 * `not_ready` otherwise; a load balancer stops sending traffic). `/metrics`: Prometheus text.
 *
 * `/metrics` shows business figures (pool cash, withdrawals), so it is not public: a staff token, or the bearer
 * token set in MALL_METRICS_TOKEN (for a Prometheus server), or, in demo mode only, any request from loopback.
 */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function mayScrape(ctx: AppContext, options: AppOptions, request: FastifyRequest): Promise<void> {
  const token = bearer(request);
  if (options.metricsToken !== undefined && token !== undefined && sameSecret(token, options.metricsToken)) return;
  if (options.production !== true && LOOPBACK.test(request.ip)) return;
  await staffWith(ctx, request, null);
}

export async function operationsRoutes(app: FastifyInstance, ctx: AppContext, options: AppOptions): Promise<void> {
  const gauges = operatorGauges(ctx.store.db);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async () => {
    const readiness = await checkReadiness(ctx.store);
    if (!readiness.ready) {
      fail(
        'not_ready',
        readiness.database === 'ok'
          ? `migrations pending: ${readiness.pendingMigrations.join(', ')}`
          : 'the database does not answer',
      );
    }
    return { status: 'ready', database: readiness.database, pendingMigrations: readiness.pendingMigrations };
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    await mayScrape(ctx, options, request);
    const [processText, leaders] = await Promise.all([processMetricsText(), ctx.leader.leaders()]);
    await gauges.refresh(Date.now(), leaders);
    void reply.header('content-type', METRICS_CONTENT_TYPE).header('cache-control', 'no-store');
    return `${processText}\n${await gauges.registry.metrics()}`;
  });
}
