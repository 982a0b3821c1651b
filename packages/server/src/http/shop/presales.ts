import { getPresale, listPresales } from '../../commerce/checkout/presales';
import {
  createPresaleOrder,
  presaleOrderOf,
  presaleOrderView,
  MAX_PRESALE_UNITS,
  type PresaleOrderInput,
} from '../../commerce/checkout/presale-orders';
import { assertOrderOwner, getOrderView } from '../../commerce/order-views';
import { cancelPresaleOrder } from '../../money/presale-deposits';
import { submitRefund } from '../../money/payments/gateway-refunds';
import { nowIso } from '../../platform/clock';
import { fail } from '../../platform/errors';
import { loadSettings } from '../../platform/settings';
import { header, shopperId, type RouteModule } from '../context';
import {
  addressSchema,
  id,
  idempotencyKeyHeader,
  idParam,
  int,
  list,
  nullable,
  obj,
  orderSchema,
  publicShop,
  shopTags,
  str,
} from '../schemas';
import { presaleOrderSchema, presaleSchema } from '../presale-schemas';

/**
 * Presales for shoppers: what is on presale (with the rules, before paying), taking one (the order, deposit due),
 * the presale part of an order (what is paid, what is due next), and cancelling with the deposit refunded while the
 * rules allow it. Paying either part goes through the ordinary `POST /api/shop/orders/{id}/pay`.
 */
export const shopPresaleRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get<{ Querystring: { productId?: string } }>(
    '/api/shop/presales',
    {
      config: { public: true, errors: [] },
      schema: {
        ...publicShop,
        summary: 'Presales of products on the shelf until their balance window ends (optionally of one product)',
        querystring: obj({ productId: id() }),
        response: { 200: obj({ ...(list(presaleSchema, false).properties as object), serverTime: str() }) },
      },
    },
    async (request) => ({
      items: await listPresales(db, { shopper: true, productId: request.query.productId }),
      serverTime: nowIso(),
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/presales/:id',
    {
      config: { public: true, errors: ['presale_not_found'] },
      schema: {
        ...publicShop,
        summary: 'One presale: prices, windows, phase and the rules the shopper agrees to before paying',
        params: idParam,
        response: { 200: obj({ presale: presaleSchema, serverTime: str() }) },
      },
    },
    async (request) => ({ presale: await getPresale(db, request.params.id, true), serverTime: nowIso() }),
  );

  app.post<{ Body: PresaleOrderInput }>(
    '/api/shop/presale-orders',
    {
      config: {
        errors: [
          'idempotency_key_reused',
          'idempotency_key_required',
          'presale_not_found',
          'presale_not_open',
          'too_many_unpaid_orders',
          'out_of_stock',
          'address_not_found',
          'invalid_parameter',
        ],
      },
      schema: {
        tags: shopTags,
        summary:
          'Take a presale: the order at its final price (deposit + balance), stock reserved; pay the deposit next with POST /api/shop/orders/{id}/pay. 201, or 200 with the same order for the same key and body.',
        headers: idempotencyKeyHeader(true),
        body: obj(
          {
            presaleId: id(),
            quantity: int({ minimum: 1, maximum: MAX_PRESALE_UNITS }),
            address: addressSchema,
            addressId: id(),
          },
          ['presaleId', 'quantity'],
        ),
        response: { 200: obj({ order: orderSchema }), 201: obj({ order: orderSchema }) },
      },
    },
    async (request, reply) => {
      const userId = await shopperId(ctx, request);
      const key = header(request.headers['idempotency-key']);
      if (key === undefined || key === '') fail('idempotency_key_required');
      const settings = await loadSettings(db);
      const { orderId, replayed } = await createPresaleOrder(db, userId, key, request.body, settings);
      void reply.status(replayed ? 200 : 201);
      return { order: await getOrderView(db, orderId, userId) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/orders/:id/presale',
    {
      config: { errors: ['order_not_found'] },
      schema: {
        tags: shopTags,
        summary:
          "A presale order's parts: deposit and balance, what is paid, what the shopper can do next, the rules (both null for an order that is not a presale)",
        params: idParam,
        response: {
          200: obj({ presaleOrder: nullable(presaleOrderSchema), presale: nullable(presaleSchema), serverTime: str() }),
        },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await assertOrderOwner(db, request.params.id, userId);
      const row = await presaleOrderOf(db, request.params.id);
      const now = nowIso();
      // Every order page asks; an ordinary order is an answer (no presale), not a missing resource.
      if (row === undefined) return { presaleOrder: null, presale: null, serverTime: now };
      return {
        presaleOrder: presaleOrderView(row, Date.parse(now)),
        presale: await getPresale(db, row.presale_id),
        serverTime: now,
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/shop/orders/:id/presale-cancel',
    {
      config: { errors: ['order_not_found', 'order_transition_not_allowed', 'presale_deposit_not_refundable'] },
      schema: {
        tags: shopTags,
        summary:
          'Cancel a presale order: unpaid, it simply closes; with the deposit paid and the balance window not open yet, the deposit is refunded the way it came',
        params: idParam,
        response: { 200: obj({ order: orderSchema }) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const { refundId } = await cancelPresaleOrder(db, request.params.id, userId);
      if (refundId !== null) await submitRefund(db, ctx.gateways, refundId);
      return { order: await getOrderView(db, request.params.id, userId) };
    },
  );
};
