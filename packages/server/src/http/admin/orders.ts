import { expireUnpaid } from '../../commerce/orders';
import { shipWithCarrier } from '../../commerce/shipping';
import { getOrderView, listOrders, withBuyerPhones } from '../../commerce/order-views';
import { orderDraws } from '../../commerce/checkout/blind-box-draws';
import { blindBoxDrawSchema } from '../blind-box-schemas';
import { approveAfterSale, pendingRequestOf, rejectAfterSale } from '../../money/after-sales/commands';
import { paging, staffOf, type RouteModule } from '../context';
import { arr, bool, idParam, int, list, obj, orderSchema, pageQuery, str } from '../schemas';
import { byParam, staffRoute } from '../staff-route';

/** Orders for staff: list and read with the buyer's phone, ship, decide refunds, run the timers' jobs now. */
export const adminOrderRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const orderAnswer = () => obj({ order: orderSchema });

  app.get<{ Querystring: { status?: string; q?: string; page?: number; pageSize?: number } }>(
    '/api/admin/orders',
    staffRoute(
      'orders:read',
      'Orders',
      { querystring: obj({ status: str(), q: str({ maxLength: 100 }), ...pageQuery }) },
      list(orderSchema),
      undefined,
      [],
    ),
    async (request) => {
      const { page, pageSize } = paging(request.query);
      const result = await listOrders(db, { status: request.query.status, q: request.query.q, page, pageSize });
      return { items: await withBuyerPhones(db, result.items), total: result.total, page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/orders/:id',
    staffRoute('orders:read', 'One order', { params: idParam }, orderAnswer(), undefined, ['order_not_found']),
    async (request) => {
      const [order] = await withBuyerPhones(db, [await getOrderView(db, request.params.id)]);
      return { order };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/orders/:id/blind-box-draws',
    staffRoute(
      'orders:read',
      'The blind-box draws of one order (empty for other orders and until paid): the item each box drew',
      { params: idParam },
      obj({ draws: arr(blindBoxDrawSchema) }, ['draws']),
      undefined,
      ['order_not_found'],
    ),
    async (request) => ({ draws: await orderDraws(db, request.params.id, null) }),
  );

  app.post<{ Params: { id: string }; Body: { carrier: string; trackingNo: string } }>(
    '/api/admin/orders/:id/ship',
    staffRoute(
      'orders:write',
      'Ship a paid order with a carrier from GET /api/admin/carriers (code or name; 422 unknown_carrier)',
      {
        params: idParam,
        body: obj(
          { carrier: str({ minLength: 1, maxLength: 50 }), trackingNo: str({ minLength: 1, maxLength: 100 }) },
          ['carrier', 'trackingNo'],
        ),
      },
      orderAnswer(),
      { action: 'order.ship', entity: 'order', target: byParam() },
      ['order_not_found', 'order_transition_not_allowed', 'unknown_carrier', 'group_not_complete'],
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      await shipWithCarrier(db, request.params.id, `staff:${staff.username}`, request.body);
      return { order: await getOrderView(db, request.params.id) };
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    app.post<{ Params: { id: string }; Body: { reason?: string; restock?: boolean } | undefined }>(
      `/api/admin/orders/:id/refund/${decision}`,
      staffRoute(
        'orders:write',
        decision === 'approve'
          ? "Approve the order's waiting after-sales request: a refund goes back through its channel (stock back when the order was not shipped, or with restock: true)"
          : "Reject the order's waiting after-sales request: the order returns to where it was",
        { params: idParam, body: obj({ reason: str({ maxLength: 500 }), restock: bool }) },
        orderAnswer(),
        { action: `order.refund.${decision}`, entity: 'order', target: byParam() },
        ['order_not_found', 'refund_not_open'],
      ),
      async (request) => {
        const staff = await staffOf(ctx, request);
        const actor = `staff:${staff.username}`;
        const note = request.body?.reason;
        const id = await pendingRequestOf(db, request.params.id);
        if (decision === 'approve') {
          await approveAfterSale(db, ctx.gateways, id, actor, {
            ...(note === undefined ? {} : { note }),
            ...(request.body?.restock === undefined ? {} : { restock: request.body.restock }),
          });
        } else await rejectAfterSale(db, id, actor, note ?? '');
        return { order: await getOrderView(db, request.params.id) };
      },
    );
  }

  app.post(
    '/api/admin/orders/expire-unpaid',
    staffRoute(
      'orders:write',
      'Cancel unpaid orders past the timeout now; a timer also does this',
      {},
      obj({ cancelled: int() }, ['cancelled']),
      { action: 'orders.expire-unpaid', entity: null },
      [],
    ),
    async () => ({ cancelled: await expireUnpaid(db) }),
  );

  app.post(
    '/api/admin/settlement/run',
    staffRoute(
      'orders:write',
      'Settle every order whose after-sales window has closed',
      {},
      obj({ settled: int() }, ['settled']),
      { action: 'settlement.run', entity: null },
      [],
    ),
    async () => ({ settled: await ctx.settleNow() }),
  );
};
