import { CARRIERS } from '../../commerce/carriers';
import { EXPORT_HEADER, batchOrderIds, shipBatch, warehouseRows } from '../../commerce/shipping';
import { SHEET_TYPES, readSheet, writeSheet, type SheetFormat } from '../../platform/spreadsheet';
import { staffOf, type RouteModule } from '../context';
import { bytesOf, withRawBodies } from '../raw-body';
import { anyObject, arr, bool, int, list, obj, sheetAnswer, str } from '../schemas';
import { staffRoute } from '../staff-route';

const FILE_LIMIT_BYTES = 2 * 1024 * 1024;

const rowResult = obj({ line: int(), orderId: str(), ok: bool, code: str(), message: str() }, ['line', 'ok']);

/** Shipping at scale: the carrier list, batch shipping from a CSV or XLSX upload, the warehouse export. */
export const adminShippingRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/carriers',
    staffRoute(
      'orders:read',
      'The carriers orders ship with: code and name',
      {},
      list(obj({ code: str(), name: anyObject }), false),
    ),
    async () => ({ items: CARRIERS.map((c) => ({ code: c.code, name: c.name })) }),
  );

  app.get<{ Querystring: { status?: string; format?: SheetFormat } }>(
    '/api/admin/orders/export',
    staffRoute(
      'orders:read',
      'Orders for the warehouse, one row per order line (default: paid, waiting to ship)',
      {
        querystring: obj({
          status: str({
            enum: ['paid', 'shipped', 'received', 'settled', 'refunding', 'refunded', 'cancelled', 'created'],
          }),
          format: str({ enum: ['csv', 'xlsx'] }),
        }),
      },
      sheetAnswer,
      undefined,
      [],
    ),
    async (request, reply) => {
      const format = request.query.format ?? 'csv';
      const status = request.query.status ?? 'paid';
      const file = await writeSheet(format, 'orders', EXPORT_HEADER, await warehouseRows(db, status));
      void reply
        .header('content-type', SHEET_TYPES[format])
        .header('content-disposition', `attachment; filename="orders-${status}.${format}"`)
        .header('cache-control', 'no-store');
      return file;
    },
  );

  await withRawBodies(app, FILE_LIMIT_BYTES, async (scope) => {
    scope.post(
      '/api/admin/orders/ship-batch',
      staffRoute(
        'orders:write',
        'Ship many paid orders from a CSV or XLSX file (columns: order id, carrier, tracking number; a header row is optional). Each good row ships; each bad row is reported with its line and reason.',
        {},
        obj({ shipped: int(), failed: int(), rows: arr(rowResult) }),
        {
          action: 'order.ship',
          entity: 'order',
          target: async (request) => batchOrderIds(await readSheet(bytesOf(request.body)).catch(() => [])),
        },
      ),
      async (request) => {
        const staff = await staffOf(ctx, request);
        const rows = await shipBatch(db, await readSheet(bytesOf(request.body)), `staff:${staff.username}`);
        return {
          shipped: rows.filter((r) => r.ok).length,
          failed: rows.filter((r) => !r.ok).length,
          rows,
        };
      },
    );
  });
};
