import { expireUnpaid, shipOrder } from '../../commerce/orders';
import { getOrderView, listOrders, withBuyerPhones } from '../../commerce/order-views';
import { decideRefund } from '../../money/refunds';
import { paging, staffWith, type RouteModule } from '../context';
import { adminRoute, idParam, int, list, obj, orderSchema, pageQuery, str } from '../schemas';

/** Orders for staff: list and read with the buyer's phone, ship, decide refunds, run the timers' jobs now. */
export const adminOrderRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const orderAnswer = () => obj({ order: orderSchema });

  app.get<{ Querystring: { status?: string; q?: string; page?: number; pageSize?: number } }>(
    '/api/admin/orders',
    adminRoute(
      'Orders (orders:read)',
      { querystring: obj({ status: str(), q: str({ maxLength: 100 }), ...pageQuery }) },
      list(orderSchema),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'orders:read');
      const { page, pageSize } = paging(request.query);
      const result = await listOrders(db, { status: request.query.status, q: request.query.q, page, pageSize });
      return { items: await withBuyerPhones(db, result.items), total: result.total, page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/orders/:id',
    adminRoute('One order (orders:read)', { params: idParam }, orderAnswer(), ['order_not_found']),
    async (request) => {
      await staffWith(ctx, request, 'orders:read');
      const [order] = await withBuyerPhones(db, [await getOrderView(db, request.params.id)]);
      return { order };
    },
  );

  app.post<{ Params: { id: string }; Body: { carrier: string; trackingNo: string } }>(
    '/api/admin/orders/:id/ship',
    adminRoute(
      'Ship a paid order (orders:write)',
      {
        params: idParam,
        body: obj(
          { carrier: str({ minLength: 1, maxLength: 50 }), trackingNo: str({ minLength: 1, maxLength: 100 }) },
          ['carrier', 'trackingNo'],
        ),
      },
      orderAnswer(),
      ['order_not_found', 'order_transition_not_allowed'],
    ),
    async (request) => {
      const staff = await staffWith(ctx, request, 'orders:write');
      await shipOrder(db, request.params.id, `staff:${staff.username}`, request.body);
      return { order: await getOrderView(db, request.params.id) };
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
      `/api/admin/orders/:id/refund/${decision}`,
      adminRoute(
        decision === 'approve'
          ? 'Approve a refund: money back through its channel, stock back (orders:write)'
          : 'Reject a refund: the order returns to where it was (orders:write)',
        { params: idParam, body: obj({ reason: str({ maxLength: 500 }) }) },
        orderAnswer(),
        ['order_not_found', 'refund_not_open'],
      ),
      async (request) => {
        const staff = await staffWith(ctx, request, 'orders:write');
        const note = request.body?.reason ?? null;
        await decideRefund(db, request.params.id, decision, `staff:${staff.username}`, note);
        return { order: await getOrderView(db, request.params.id) };
      },
    );
  }

  app.post(
    '/api/admin/orders/expire-unpaid',
    adminRoute(
      'Cancel unpaid orders past the timeout now (orders:write); a timer also does this',
      {},
      obj({ cancelled: int() }, ['cancelled']),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'orders:write');
      return { cancelled: await expireUnpaid(db) };
    },
  );

  app.post(
    '/api/admin/settlement/run',
    adminRoute(
      'Settle every order whose after-sales window has closed (orders:write)',
      {},
      obj({ settled: int() }, ['settled']),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'orders:write');
      return { settled: await ctx.settleNow() };
    },
  );
};
