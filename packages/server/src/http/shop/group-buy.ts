import { getGroupBuyActivity, listGroupBuyActivities } from '../../commerce/group-buy/activities';
import { joinGroup, openGroup, type GroupOrderInput } from '../../commerce/group-buy/groups';
import { getGroupView, listGroups } from '../../commerce/group-buy/group-views';
import { getOrderView } from '../../commerce/order-views';
import { loadSettings } from '../../platform/settings';
import { nowIso } from '../../platform/clock';
import { Failure, fail } from '../../platform/errors';
import { header, shopperId, type AppContext, type RouteModule } from '../context';
import type { FastifyRequest } from 'fastify';
import {
  addressSchema,
  arr,
  id,
  idParam,
  idempotencyKeyHeader,
  obj,
  orderSchema,
  publicShop,
  shopTags,
  str,
} from '../schemas';
import { groupBuyActivitySchema, groupSchema } from '../group-buy-schemas';

const ORDER_ERRORS = [
  'idempotency_key_required',
  'idempotency_key_reused',
  'too_many_unpaid_orders',
  'purchase_limit_exceeded',
  'sku_not_found',
  'product_off_shelf',
  'presale_only',
  'out_of_stock',
  'address_not_found',
  'region_not_delivered',
] as const;

const orderBody = obj({ address: addressSchema, addressId: id() });
const groupOrderAnswer = {
  200: obj({ order: orderSchema, groupId: str() }),
  201: obj({ order: orderSchema, groupId: str() }),
};

/** The signed-in shopper, if any: the group page is public, and says more to a member. */
async function viewer(ctx: AppContext, request: FastifyRequest): Promise<string | undefined> {
  try {
    return await shopperId(ctx, request);
  } catch (error) {
    if (error instanceof Failure && error.code === 'unauthorized') return undefined;
    throw error;
  }
}

/** Group buys (拼团) in the storefront: activities, a group's page, opening and joining by paying. */
export const shopGroupBuyRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get<{ Querystring: { productId?: string } }>(
    '/api/shop/group-buys',
    {
      config: { public: true, errors: [] },
      schema: {
        ...publicShop,
        summary:
          'Group-buy activities running now or later (home section, product badges); productId narrows to one product',
        querystring: obj({ productId: id() }),
        response: { 200: obj({ items: arr(groupBuyActivitySchema), serverTime: str() }, ['items', 'serverTime']) },
      },
    },
    async (request) => ({
      items: await listGroupBuyActivities(db, {
        shopper: true,
        ...(request.query.productId === undefined ? {} : { productId: request.query.productId }),
      }),
      serverTime: nowIso(),
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/group-buys/:id',
    {
      config: { public: true, errors: ['group_buy_not_found'] },
      schema: {
        ...publicShop,
        summary: 'One group-buy activity and its groups open to join (members masked)',
        params: idParam,
        response: { 200: obj({ activity: groupBuyActivitySchema, groups: arr(groupSchema), serverTime: str() }) },
      },
    },
    async (request) => ({
      activity: await getGroupBuyActivity(db, request.params.id, true),
      groups: await listGroups(db, { activityId: request.params.id, joinable: true, limit: 20 }),
      serverTime: nowIso(),
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/groups/:id',
    {
      config: { public: true, errors: ['group_not_found'] },
      schema: {
        ...publicShop,
        summary:
          'A group page: paid members (masked), time left, the committed seed hash, and after it closes the seed, the group seed and the winners to recompute the draw',
        params: idParam,
        response: { 200: obj({ group: groupSchema, serverTime: str() }, ['group', 'serverTime']) },
      },
    },
    async (request) => ({
      group: await getGroupView(db, request.params.id, await viewer(ctx, request)),
      serverTime: nowIso(),
    }),
  );

  const place =
    (kind: 'open' | 'join') =>
    async (
      request: FastifyRequest<{ Params: { id: string }; Body: GroupOrderInput }>,
      reply: { status(n: number): unknown },
    ) => {
      const userId = await shopperId(ctx, request);
      const key = header(request.headers['idempotency-key']);
      if (key === undefined || key === '') fail('idempotency_key_required');
      const settings = await loadSettings(db);
      const act = kind === 'open' ? openGroup : joinGroup;
      const placed = await act(db, userId, key, request.params.id, request.body, settings);
      void reply.status(placed.replayed ? 200 : 201);
      return { order: await getOrderView(db, placed.orderId, userId), groupId: placed.groupId };
    };

  app.post<{ Params: { id: string }; Body: GroupOrderInput }>(
    '/api/shop/group-buys/:id/open',
    {
      config: { errors: [...ORDER_ERRORS, 'group_buy_not_found', 'group_buy_not_running'] },
      schema: {
        tags: shopTags,
        summary:
          'Open a group (开团): an order of one unit at the group price; the group counts the leader once the order is paid. Give `address` or `addressId`.',
        headers: idempotencyKeyHeader(true),
        params: idParam,
        body: orderBody,
        response: groupOrderAnswer,
      },
    },
    place('open'),
  );

  app.post<{ Params: { id: string }; Body: GroupOrderInput }>(
    '/api/shop/groups/:id/join',
    {
      config: { errors: [...ORDER_ERRORS, 'group_not_found', 'group_not_open', 'group_full', 'group_already_joined'] },
      schema: {
        tags: shopTags,
        summary:
          'Join a group (参团): an order at the group price; the payment takes a seat, or is refunded automatically if the group filled or closed first',
        headers: idempotencyKeyHeader(true),
        params: idParam,
        body: orderBody,
        response: groupOrderAnswer,
      },
    },
    place('join'),
  );
};
