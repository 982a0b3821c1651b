import {
  approveAfterSale,
  confirmReturnReceived,
  goodwillRefund,
  rejectAfterSale,
  retryRefund,
  type RefundChoice,
} from '../../money/after-sales/commands';
import { getAfterSale, listAfterSales } from '../../money/after-sales/views';
import type { RefundDestination } from '../../money/refunds';
import { fail } from '../../platform/errors';
import { paging, staffOf, type RouteModule } from '../context';
import { idParam, list, obj, pageQuery, positiveFen, str } from '../schemas';
import { byParam, staffRoute } from '../staff-route';
import { afterSaleAnswer, afterSaleSchema, refundChoice } from '../payment-schemas';

type ChoiceBody = { note?: string; destination?: RefundDestination; restock?: boolean } | undefined;

function choice(body: ChoiceBody): RefundChoice {
  return {
    ...(body?.note === undefined ? {} : { note: body.note }),
    ...(body?.destination === undefined ? {} : { destination: body.destination }),
    ...(body?.restock === undefined ? {} : { restock: body.restock }),
  };
}

/** The after-sales queue (售后): list, approve or reject, confirm returned goods, retry failed refunds, goodwill. */
export const adminAfterSaleRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const answer = async (id: string) => ({ afterSale: await getAfterSale(db, id) });

  app.get<{ Querystring: { status?: string; kind?: string; orderId?: string; page?: number; pageSize?: number } }>(
    '/api/admin/after-sales',
    staffRoute(
      'orders:read',
      'After-sales requests, newest first; status=open for the queue',
      {
        querystring: obj({
          status: str({ maxLength: 30 }),
          kind: str({ maxLength: 30 }),
          orderId: str({ maxLength: 100 }),
          ...pageQuery,
        }),
      },
      list(afterSaleSchema),
    ),
    async (request) => {
      const { page, pageSize } = paging(request.query);
      const { status, kind, orderId } = request.query;
      return { ...(await listAfterSales(db, { status, kind, orderId, page, pageSize })), page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/after-sales/:id',
    staffRoute('orders:read', 'One after-sales request with its history', { params: idParam }, afterSaleAnswer),
    async (request) => answer(request.params.id),
  );

  const actions = {
    approve: {
      summary:
        'Approve: a refund request is refunded now (original channel or wallet); a return request waits for the goods',
      run: (id: string, actor: string, body: ChoiceBody) => approveAfterSale(db, ctx.gateways, id, actor, choice(body)),
    },
    'receive-return': {
      summary: 'The returned goods arrived: restock (unless restock: false) and refund',
      run: (id: string, actor: string, body: ChoiceBody) =>
        confirmReturnReceived(db, ctx.gateways, id, actor, choice(body)),
    },
    'retry-refund': {
      summary: 'Send a failed refund again, through the gateway or to the wallet',
      run: (id: string, actor: string, body: ChoiceBody) => retryRefund(db, ctx.gateways, id, actor, choice(body)),
    },
    reject: {
      summary: 'Reject (the shopper may reopen with a reason); the order returns to where it was',
      run: (id: string, actor: string, body: ChoiceBody) => rejectAfterSale(db, id, actor, body?.note ?? ''),
    },
  } as const;

  for (const [name, action] of Object.entries(actions)) {
    app.post<{ Params: { id: string }; Body: ChoiceBody }>(
      `/api/admin/after-sales/:id/${name}`,
      staffRoute('orders:write', action.summary, { params: idParam, body: obj(refundChoice) }, afterSaleAnswer, {
        action: `after-sale.${name}`,
        entity: 'order',
        // The log keeps the order's state before and after: the request's refund shows on its order.
        target: async (request) => (await getAfterSale(db, byParam()(request) ?? '')).orderId,
      }),
      async (request) => {
        const staff = await staffOf(ctx, request);
        await action.run(request.params.id, `staff:${staff.username}`, request.body);
        return answer(request.params.id);
      },
    );
  }

  app.post<{ Params: { id: string }; Body: { amountFen: number; reason: string; destination?: RefundDestination } }>(
    '/api/admin/orders/:id/goodwill-refund',
    staffRoute(
      'finance:write',
      'Goodwill refund of a settled order, paid by the platform (expense), no clawback of any reward (also needs orders:write)',
      {
        params: idParam,
        body: obj(
          {
            amountFen: positiveFen,
            reason: str({ minLength: 1, maxLength: 500 }),
            destination: str({ enum: ['original', 'wallet'] }),
          },
          ['amountFen', 'reason'],
        ),
      },
      afterSaleAnswer,
      { action: 'order.goodwill-refund', entity: 'order', target: byParam() },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      if (!staff.permissions.includes('orders:write')) fail('forbidden');
      const id = await goodwillRefund(db, ctx.gateways, request.params.id, `staff:${staff.username}`, {
        amountFen: BigInt(request.body.amountFen),
        reason: request.body.reason,
        destination: request.body.destination ?? 'original',
      });
      return answer(id);
    },
  );
};
