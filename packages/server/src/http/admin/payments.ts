import { runPaymentJobs } from '../../money/payments/payment-jobs';
import { listGatewayPayments, listRefunds } from '../../money/payments/payment-views';
import { paging, type RouteModule } from '../context';
import { arr, bool, int, list, nullable, obj, pageQuery, str } from '../schemas';
import { staffRoute } from '../staff-route';
import { gatewaySummarySchema, refundSchema } from '../payment-schemas';

const counts = (names: string[]) => obj(Object.fromEntries(names.map((n) => [n, int()])));

/** Payments for finance: which gateways are configured (never a secret), the query job, payments and refunds. */
export const adminPaymentRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/payments/config',
    staffRoute(
      'finance:read',
      'Configured payment gateways and channels, from the environment: ids and URLs only, never a key',
      {},
      obj({ environment: str(), sandbox: bool, channels: arr(str()), gateways: arr(gatewaySummarySchema) }),
    ),
    async () => {
      return {
        environment: ctx.environment,
        sandbox: ctx.providers.has('sandbox'),
        channels: ctx.gateways.channels(),
        gateways: ctx.gateways.summary(),
      };
    },
  );

  app.post(
    '/api/admin/payments/check-open',
    staffRoute(
      'finance:write',
      'Run the query job now: ask the gateways about open payments, refunds and payouts; a timer also does this every minute',
      {},
      obj({
        payments: counts(['applied', 'closed', 'waiting', 'flagged', 'errors']),
        refunds: counts(['succeeded', 'failed', 'waiting']),
        payouts: counts(['paid', 'failed', 'waiting']),
      }),
      { action: 'payments.check-open', entity: null },
    ),
    async () => {
      return runPaymentJobs(db, ctx.gateways, { olderThanMs: 0 });
    },
  );

  app.get<{ Querystring: { status?: string; problem?: boolean; page?: number; pageSize?: number } }>(
    '/api/admin/payments',
    staffRoute(
      'finance:read',
      'WeChat Pay and Alipay payments, newest first; problem=true for those the gateway reported differently',
      { querystring: obj({ status: str({ maxLength: 30 }), problem: bool, ...pageQuery }) },
      list(
        obj({
          id: str(),
          orderId: str(),
          channel: str(),
          amountFen: int(),
          refundedFen: int(),
          status: str(),
          gatewayTxnId: nullable(str()),
          problem: nullable(str()),
          createdAt: str(),
          paidAt: nullable(str()),
        }),
      ),
    ),
    async (request) => {
      const { page, pageSize } = paging(request.query);
      const filter = { status: request.query.status, problem: request.query.problem === true, page, pageSize };
      return { ...(await listGatewayPayments(db, filter)), page, pageSize };
    },
  );

  app.get<{ Querystring: { status?: string; page?: number; pageSize?: number } }>(
    '/api/admin/refunds',
    staffRoute(
      'finance:read',
      'Refunds (after-sales, goodwill, late payments), newest first',
      { querystring: obj({ status: str({ maxLength: 30 }), ...pageQuery }) },
      list(refundSchema),
    ),
    async (request) => {
      const { page, pageSize } = paging(request.query);
      return { ...(await listRefunds(db, { status: request.query.status, page, pageSize })), page, pageSize };
    },
  );
};
