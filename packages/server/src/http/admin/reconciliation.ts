import { getReconciliation, listReconciliations, reconcile, reconciliationCsv } from '../../money/reconciliation';
import type { GatewayName } from '../../money/payments/gateway';
import { fail } from '../../platform/errors';
import { paging, staffOf, type RouteModule } from '../context';
import { fileAnswer, idParam, list, obj, pageQuery, str } from '../schemas';
import { staffRoute } from '../staff-route';
import { reconciliationSchema } from '../payment-schemas';

/** Base64 of a bill file, at most about 700 KB of file in the 1 MB body limit. */
const FILE_PATTERN = '^[A-Za-z0-9+/]*={0,2}$';

/** Reconciliation (对账): a gateway's daily bill against our payments and refunds, with the result kept. */
export const adminReconciliationRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.post<{ Body: { gateway: GatewayName; billDate: string; fileBase64?: string } }>(
    '/api/admin/reconciliations',
    staffRoute(
      'finance:write',
      "Reconcile one Beijing date of a gateway: the bill uploaded (fileBase64: WeChat's trade bill CSV, Alipay's bill zip or 业务明细 CSV) or, without a file, downloaded from the gateway",
      {
        body: obj(
          {
            gateway: str({ enum: ['wechat', 'alipay'] }),
            billDate: str({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
            fileBase64: str({ minLength: 4, maxLength: 1_000_000, pattern: FILE_PATTERN }),
          },
          ['gateway', 'billDate'],
        ),
      },
      obj({ reconciliation: reconciliationSchema }),
      { action: 'reconciliation.run', entity: null },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      const { gateway, billDate, fileBase64 } = request.body;
      if (Number.isNaN(Date.parse(`${billDate}T00:00:00+08:00`))) fail('invalid_request', 'billDate is not a date');
      const file = fileBase64 === undefined ? undefined : Buffer.from(fileBase64, 'base64');
      return {
        reconciliation: await reconcile(db, ctx.gateways, { gateway, billDate, file }, `staff:${staff.username}`),
      };
    },
  );

  app.get<{ Querystring: { gateway?: string; page?: number; pageSize?: number } }>(
    '/api/admin/reconciliations',
    staffRoute(
      'finance:read',
      'Reconciliations, newest first',
      { querystring: obj({ gateway: str({ maxLength: 20 }), ...pageQuery }) },
      list(reconciliationSchema),
    ),
    async (request) => {
      const { page, pageSize } = paging(request.query);
      return { ...(await listReconciliations(db, { gateway: request.query.gateway, page, pageSize })), page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/reconciliations/:id',
    staffRoute(
      'finance:read',
      'One reconciliation',
      { params: idParam },
      obj({ reconciliation: reconciliationSchema }),
    ),
    async (request) => {
      return { reconciliation: await getReconciliation(db, request.params.id) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/reconciliations/:id/differences.csv',
    staffRoute('finance:read', 'The differences as CSV', { params: idParam }, fileAnswer('text/csv'), undefined, [
      'reconciliation_not_found',
    ]),
    async (request, reply) => {
      const csv = await reconciliationCsv(db, request.params.id);
      void reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="reconciliation-${request.params.id}.csv"`);
      return csv;
    },
  );
};
