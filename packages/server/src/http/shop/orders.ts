import { cancelOwnOrder, confirmReceipt, createOrder, type CreateOrderInput } from '../../commerce/orders';
import { getOrderView, listOrders } from '../../commerce/order-views';
import { openAfterSale } from '../../money/after-sales/commands';
import { payOrder } from '../../money/payments/payments';
import { payThroughGateway } from '../../money/payments/gateway-payments';
import { GATEWAY_CHANNELS } from '../../money/payments/gateways';
import { loadSettings } from '../../platform/settings';
import { countCheckout } from '../../platform/metrics';
import { fail } from '../../platform/errors';
import { header, paging, shopperId, type RouteModule } from '../context';
import { paymentSchema } from '../payment-schemas';
import {
  addressSchema,
  id,
  idempotencyKeyHeader,
  idParam,
  list,
  nullable,
  obj,
  orderSchema,
  pageQuery,
  shopTags,
  str,
} from '../schemas';
import { checkoutItemsSchema } from '../checkout-schemas';
import { BUYER_SEED_PATTERN } from '../../commerce/checkout/blind-box-draws';

const orderAnswer = () => ({ 200: obj({ order: orderSchema }) });

/** The shopper's orders: create (idempotent), list, read, pay, cancel, confirm receipt, ask for a refund. */
export const shopOrderRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.post<{ Body: CreateOrderInput }>(
    '/api/shop/orders',
    {
      config: {
        errors: [
          'idempotency_key_reused',
          'too_many_unpaid_orders',
          'purchase_limit_exceeded',
          'sku_not_found',
          'product_off_shelf',
          'presale_only',
          'out_of_stock',
          'address_not_found',
          'region_not_delivered',
          'coupon_not_applicable',
          'flash_sale_not_found',
          'flash_sale_not_running',
          'flash_sold_out',
          'flash_limit_exceeded',
          'blind_box_not_open',
          'blind_box_seed_required',
          'blind_box_age_unconfirmed',
          'blind_box_under_age',
          'blind_box_daily_cap',
        ],
      },
      schema: {
        tags: shopTags,
        summary:
          'Create an order (prices it on the server, reserves stock, uses the coupon): 201 with the new order; the same key with the same body again answers 200 with that order. A 0-fen order is paid at once. Give `address` or `addressId`.',
        headers: idempotencyKeyHeader(true),
        body: obj(
          {
            items: checkoutItemsSchema,
            address: addressSchema,
            addressId: id(),
            couponId: nullable(id()),
            blindBoxSeed: str({ pattern: BUYER_SEED_PATTERN }),
          },
          ['items'],
        ),
        response: { 200: orderAnswer()[200], 201: obj({ order: orderSchema }) },
      },
    },
    async (request, reply) => {
      const userId = await shopperId(ctx, request);
      const key = header(request.headers['idempotency-key']);
      if (key === undefined || key === '') fail('idempotency_key_required');
      const settings = await loadSettings(db);
      const { orderId, replayed, view } = await createOrder(db, userId, key, request.body, settings);
      const order = view ?? (await getOrderView(db, orderId, userId));
      if (!replayed) countCheckout();
      void reply.status(replayed ? 200 : 201);
      return { order };
    },
  );

  app.get<{ Querystring: { status?: string; page?: number; pageSize?: number } }>(
    '/api/shop/orders',
    {
      config: { errors: [] },
      schema: {
        tags: shopTags,
        summary: "The shopper's own orders",
        querystring: obj({ status: str(), ...pageQuery }),
        response: { 200: list(orderSchema) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const { page, pageSize } = paging(request.query);
      const result = await listOrders(db, { userId, status: request.query.status, page, pageSize });
      return { ...result, page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/orders/:id',
    {
      config: { errors: ['order_not_found'] },
      schema: {
        tags: shopTags,
        summary: "One of the shopper's orders (another shopper's is 404)",
        params: idParam,
        response: orderAnswer(),
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      return { order: await getOrderView(db, request.params.id, userId) };
    },
  );

  app.post<{ Params: { id: string }; Body: { channel: string } }>(
    '/api/shop/orders/:id/pay',
    {
      config: {
        errors: [
          'order_not_found',
          'order_transition_not_allowed',
          'order_expired',
          'group_full',
          'presale_balance_not_open',
          'channel_unavailable',
          'insufficient_balance',
          'openid_required',
          'client_ip_required',
          'amount_out_of_range',
          'gateway_timeout',
          'gateway_unavailable',
          'gateway_rejected',
          'gateway_bad_response',
        ],
      },
      schema: {
        tags: shopTags,
        summary:
          'Pay an order: wallet pays at once; sandbox (demo) and the WeChat Pay / Alipay channels answer where to pay next (payUrl, codeUrl or jsapiParams); `wechat` and `alipay` pick a configured channel',
        params: idParam,
        body: obj({ channel: str({ enum: ['sandbox', 'wechat', 'alipay', 'wallet', ...GATEWAY_CHANNELS] }) }, [
          'channel',
        ]),
        response: { 200: obj({ payment: paymentSchema }) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const { channel } = request.body;
      if (channel === 'sandbox' || channel === 'wallet') {
        return { payment: await payOrder(db, ctx.providers, request.params.id, userId, channel) };
      }
      return {
        payment: await payThroughGateway(db, ctx.gateways, request.params.id, userId, channel, { ip: request.ip }),
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/shop/orders/:id/cancel',
    {
      config: { errors: ['order_not_found', 'order_transition_not_allowed', 'presale_deposit_paid'] },
      schema: {
        tags: shopTags,
        summary:
          'Cancel an unpaid order (releases stock); a presale with its deposit paid is cancelled by presale-cancel',
        params: idParam,
        response: orderAnswer(),
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await cancelOwnOrder(db, request.params.id, userId);
      return { order: await getOrderView(db, request.params.id, userId) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/shop/orders/:id/receive',
    {
      config: { errors: ['order_not_found', 'order_transition_not_allowed'] },
      schema: {
        tags: shopTags,
        summary: 'Confirm receipt (starts the after-sales window)',
        params: idParam,
        response: orderAnswer(),
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await confirmReceipt(db, request.params.id, userId);
      return { order: await getOrderView(db, request.params.id, userId) };
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/shop/orders/:id/refund',
    {
      config: { errors: ['order_not_found', 'order_transition_not_allowed'] },
      schema: {
        tags: shopTags,
        summary:
          'Request a refund of everything not yet refunded (an after-sales refund request over every line); an operator approves or rejects it',
        params: idParam,
        body: obj({ reason: str({ minLength: 1, maxLength: 500 }) }, ['reason']),
        response: orderAnswer(),
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await openAfterSale(db, userId, request.params.id, { kind: 'refund_only', reason: request.body.reason });
      return { order: await getOrderView(db, request.params.id, userId) };
    },
  );
};
