import {
  cancelAfterSale,
  openAfterSale,
  reopenAfterSale,
  shipReturn,
  type LineRequest,
} from '../../money/after-sales/commands';
import { getAfterSale, listAfterSales } from '../../money/after-sales/views';
import { paging, shopperId, type RouteModule } from '../context';
import { idParam, list, obj, pageQuery, shopTags, str } from '../schemas';
import { afterSaleAnswer, afterSaleSchema, lineRequests } from '../payment-schemas';

const reasonSchema = str({ minLength: 1, maxLength: 500 });

/** The shopper's after-sales requests (售后): ask by line and quantity, ship goods back, reopen, cancel, follow. */
export const shopAfterSaleRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.post<{
    Params: { id: string };
    Body: { kind: 'refund_only' | 'return_refund'; reason: string; lines?: LineRequest[] };
  }>(
    '/api/shop/orders/:id/after-sales',
    {
      schema: {
        tags: shopTags,
        summary:
          'Ask for a refund (refund_only, 仅退款) or a return (return_refund, 退货退款) of some units of some lines; without lines, of everything not yet refunded',
        params: idParam,
        body: obj(
          { kind: str({ enum: ['refund_only', 'return_refund'] }), reason: reasonSchema, lines: lineRequests },
          ['kind', 'reason'],
        ),
        response: { 200: afterSaleAnswer },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const id = await openAfterSale(db, userId, request.params.id, request.body);
      return { afterSale: await getAfterSale(db, id, userId) };
    },
  );

  app.get<{ Querystring: { orderId?: string; status?: string; page?: number; pageSize?: number } }>(
    '/api/shop/after-sales',
    {
      schema: {
        tags: shopTags,
        summary: "The shopper's after-sales requests, newest first (status=open for the open ones)",
        querystring: obj({ orderId: str({ maxLength: 100 }), status: str({ maxLength: 30 }), ...pageQuery }),
        response: { 200: list(afterSaleSchema) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const { page, pageSize } = paging(request.query);
      const filter = { userId, orderId: request.query.orderId, status: request.query.status, page, pageSize };
      return { ...(await listAfterSales(db, filter)), page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/after-sales/:id',
    {
      schema: {
        tags: shopTags,
        summary: "One of the shopper's after-sales requests with its history",
        params: idParam,
        response: { 200: afterSaleAnswer },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      return { afterSale: await getAfterSale(db, request.params.id, userId) };
    },
  );

  app.post<{ Params: { id: string }; Body: { carrier: string; trackingNo: string } }>(
    '/api/shop/after-sales/:id/return-shipment',
    {
      schema: {
        tags: shopTags,
        summary:
          'The goods are on their way back: carrier and tracking number (after the operator approved the return)',
        params: idParam,
        body: obj(
          { carrier: str({ minLength: 1, maxLength: 50 }), trackingNo: str({ minLength: 1, maxLength: 100 }) },
          ['carrier', 'trackingNo'],
        ),
        response: { 200: afterSaleAnswer },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await shipReturn(db, userId, request.params.id, request.body);
      return { afterSale: await getAfterSale(db, request.params.id, userId) };
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/shop/after-sales/:id/reopen',
    {
      schema: {
        tags: shopTags,
        summary: 'Ask again after a rejection, with a new reason',
        params: idParam,
        body: obj({ reason: reasonSchema }, ['reason']),
        response: { 200: afterSaleAnswer },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await reopenAfterSale(db, userId, request.params.id, request.body.reason);
      return { afterSale: await getAfterSale(db, request.params.id, userId) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/shop/after-sales/:id/cancel',
    {
      schema: {
        tags: shopTags,
        summary: 'Withdraw a request the operator has not acted on (or a return not yet shipped back)',
        params: idParam,
        response: { 200: afterSaleAnswer },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await cancelAfterSale(db, userId, request.params.id);
      return { afterSale: await getAfterSale(db, request.params.id, userId) };
    },
  );
};
