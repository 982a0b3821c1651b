import type { FastifyInstance } from 'fastify';
import { APPRECIATION_POOL, Engine, findPlan, parseEngineConfig, type AppreciationPoolInstance } from '@mall/core';
import { inTx } from '../db/database';
import { hashPassword } from '../passwords';
import { isUniqueViolation, remember, replayed, requestHashOf } from '../idempotency';
import { fail } from '../errors';
import {
  createSession,
  getUser,
  issueLoginCode,
  loginUser,
  loginWithCode,
  maskPhone,
  registerUser,
  type UserRow,
} from '../identity';
import { getProduct, listCategories, listProducts, type Product } from '../catalog';
import {
  cancelOrder,
  createOrder,
  getOrderView,
  listOrders,
  requestRefund,
  transition,
  type CreateOrderInput,
} from '../orders';
import { createPayment, type Channel } from '../payments/payments';
import { loadSettings, settingsJson } from '../settings';
import { walletView } from '../wallet';
import { listWithdrawals, requestWithdrawal } from '../withdrawals';
import { poolState, positionsView, priceFenPerPoint, redeem, redeemPreview } from '../positions';
import { loadPlans } from '../plans';
import { nowIso } from '../clock';
import type { AppContext } from './context';
import { shopperId } from './context';
import type { AppOptions } from './app';
import {
  addressSchema,
  anyObject,
  arr,
  authAnswer,
  idParam,
  int,
  list,
  obj,
  orderSchema,
  paymentSchema,
  positionsSchema,
  publicProductSchema,
  redeemAnswer,
  settingsSchema,
  str,
  userSchema,
  walletSchema,
  withdrawalSchema,
  pageQuery,
  positiveFen,
  bool,
} from './schemas';

const shop = ['shop'];
const publicShop = { tags: shop, security: [] };

export function publicProduct(p: Product) {
  return {
    id: p.id,
    title: p.title,
    subtitle: p.subtitle,
    description: p.description,
    imageUrl: p.imageUrl,
    images: p.images,
    categoryId: p.categoryId,
    skus: p.skus.map((s) => ({ id: s.id, name: s.name, priceFen: s.priceFen, stock: s.stock })),
    plans: p.plans,
  };
}

async function userJson(ctx: AppContext, user: UserRow) {
  const db = ctx.store.db;
  const referrer = user.referrer_id === null ? undefined : await getUser(db, user.referrer_id);
  const progress = await db
    .selectFrom('referral_progress')
    .select('merchant')
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  return {
    id: user.id,
    phone: user.phone,
    inviteCode: user.invite_code,
    referrer: referrer === undefined ? null : { id: referrer.id, phoneMasked: maskPhone(referrer.phone) },
    merchant: progress?.merchant === 1n,
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function shopRoutes(app: FastifyInstance, ctx: AppContext, options: AppOptions): Promise<void> {
  const db = ctx.store.db;
  const publicRoutes = new Set([
    '/api/shop/register',
    '/api/shop/login',
    '/api/shop/login/code/send',
    '/api/shop/login/code',
    '/api/shop/categories',
    '/api/shop/products',
    '/api/shop/products/:id',
    '/api/shop/settings',
    '/api/shop/rules',
    '/api/shop/pool/price-history',
  ]);
  app.addHook('preValidation', async (request) => {
    if (!publicRoutes.has(request.routeOptions.url ?? '')) await shopperId(ctx, request);
  });
  const authLimit = { rateLimit: { max: options.authRateLimitPerMinute, timeWindow: 60_000 } };

  app.post<{ Body: { phone: string; password: string; inviteCode?: string } }>(
    '/api/shop/register',
    {
      config: authLimit,
      schema: {
        ...publicShop,
        summary: 'Register a shopper, optionally with an invite code (binds the referrer for good)',
        body: obj(
          {
            phone: str({ minLength: 6, maxLength: 20 }),
            password: str({ minLength: 6, maxLength: 128 }),
            inviteCode: str({ maxLength: 32 }),
          },
          ['phone', 'password'],
        ),
        response: { 200: authAnswer },
      },
    },
    async (request) => {
      const passwordHash = await hashPassword(request.body.password);
      const user = await inTx(db, (trx) =>
        registerUser(trx, { phone: request.body.phone, passwordHash, inviteCode: request.body.inviteCode }),
      );
      const token = await createSession(db, 'shop', user.id);
      return { token, user: await userJson(ctx, user) };
    },
  );

  app.post<{ Body: { phone: string; password: string } }>(
    '/api/shop/login',
    {
      config: authLimit,
      schema: {
        ...publicShop,
        summary: 'Sign in with phone and password',
        body: obj({ phone: str({ minLength: 1, maxLength: 20 }), password: str({ minLength: 1, maxLength: 128 }) }, [
          'phone',
          'password',
        ]),
        response: { 200: authAnswer },
      },
    },
    async (request) => {
      const user = await loginUser(db, request.body.phone, request.body.password);
      const token = await createSession(db, 'shop', user.id);
      return { token, user: await userJson(ctx, user) };
    },
  );

  app.post<{ Body: { phone: string } }>(
    '/api/shop/login/code/send',
    {
      config: authLimit,
      schema: {
        ...publicShop,
        summary: 'Send a one-time sign-in code by SMS',
        body: obj({ phone: str({ minLength: 6, maxLength: 20 }) }, ['phone']),
        response: { 200: obj({ sent: bool }) },
      },
    },
    async (request) => {
      await issueLoginCode(db, ctx.sms, request.body.phone);
      return { sent: true };
    },
  );

  app.post<{ Body: { phone: string; code: string } }>(
    '/api/shop/login/code',
    {
      config: authLimit,
      schema: {
        ...publicShop,
        summary: 'Sign in (or register) with a one-time code',
        body: obj({ phone: str({ minLength: 6, maxLength: 20 }), code: str({ minLength: 4, maxLength: 8 }) }, [
          'phone',
          'code',
        ]),
        response: { 200: authAnswer },
      },
    },
    async (request) => {
      const user = await inTx(db, (trx) => loginWithCode(trx, request.body.phone, request.body.code));
      const token = await createSession(db, 'shop', user.id);
      return { token, user: await userJson(ctx, user) };
    },
  );

  app.get(
    '/api/shop/me',
    { schema: { tags: shop, summary: 'The signed-in shopper', response: { 200: obj({ user: userSchema }) } } },
    async (request) => {
      const id = await shopperId(ctx, request);
      const user = await getUser(db, id);
      if (!user) fail('unauthorized');
      return { user: await userJson(ctx, user) };
    },
  );

  app.get(
    '/api/shop/categories',
    {
      schema: { ...publicShop, summary: 'Categories', response: { 200: list(obj({ id: str(), name: str() }), false) } },
    },
    async () => ({
      items: await listCategories(db),
    }),
  );

  app.get<{ Querystring: { categoryId?: string; q?: string } }>(
    '/api/shop/products',
    {
      schema: {
        ...publicShop,
        summary: 'Products on the shelf',
        querystring: obj({ categoryId: str(), q: str({ maxLength: 50 }) }),
        response: { 200: list(publicProductSchema, false) },
      },
    },
    async (request) => ({
      items: (
        await listProducts(db, { onShelfOnly: true, categoryId: request.query.categoryId, q: request.query.q })
      ).map(publicProduct),
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/products/:id',
    {
      schema: {
        ...publicShop,
        summary: 'One product on the shelf',
        params: idParam,
        response: { 200: obj({ product: publicProductSchema }) },
      },
    },
    async (request) => ({ product: publicProduct(await getProduct(db, request.params.id, true)) }),
  );

  app.post<{ Body: CreateOrderInput }>(
    '/api/shop/orders',
    {
      schema: {
        tags: shop,
        summary:
          'Create an order (reserves stock). Header Idempotency-Key is required: same key + same body returns the same order.',
        headers: obj({ 'idempotency-key': str({ minLength: 1, maxLength: 100 }) }, [], false),
        body: obj(
          {
            items: arr(
              obj({ skuId: str({ minLength: 1, maxLength: 100 }), quantity: int({ minimum: 1, maximum: 1000 }) }, [
                'skuId',
                'quantity',
              ]),
              { minItems: 1, maxItems: 50 },
            ),
            address: addressSchema,
          },
          ['items', 'address'],
        ),
        response: { 200: obj({ order: orderSchema }), 201: obj({ order: orderSchema }) },
      },
    },
    async (request, reply) => {
      const userId = await shopperId(ctx, request);
      const key = header(request.headers['idempotency-key']);
      if (key === undefined || key === '') fail('idempotency_key_required');
      const settings = await loadSettings(db);
      const { orderId, replayed, view } = await createOrder(db, userId, key, request.body, settings);
      const order = view ?? (await getOrderView(db, orderId, userId));
      void reply.status(replayed ? 200 : 201);
      return { order };
    },
  );

  app.get<{ Querystring: { status?: string; page?: number; pageSize?: number } }>(
    '/api/shop/orders',
    {
      schema: {
        tags: shop,
        summary: "The shopper's own orders",
        querystring: obj({ status: str(), ...pageQuery }),
        response: { 200: list(orderSchema) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const page = request.query.page ?? 1;
      const pageSize = request.query.pageSize ?? 20;
      const result = await listOrders(db, { userId, status: request.query.status, page, pageSize });
      return { ...result, page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/orders/:id',
    {
      schema: {
        tags: shop,
        summary: "One of the shopper's orders (another shopper's is 404)",
        params: idParam,
        response: { 200: obj({ order: orderSchema }) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      return { order: await getOrderView(db, request.params.id, userId) };
    },
  );

  app.post<{ Params: { id: string }; Body: { channel: Channel } }>(
    '/api/shop/orders/:id/pay',
    {
      schema: {
        tags: shop,
        summary: 'Pay an order: sandbox returns a gateway page; wallet pays at once',
        params: idParam,
        body: obj({ channel: str({ enum: ['sandbox', 'wechat', 'alipay', 'wallet'] }) }, ['channel']),
        response: { 200: obj({ payment: paymentSchema }) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const payment = await inTx(db, (trx) =>
        createPayment(trx, ctx.providers, request.params.id, userId, request.body.channel),
      );
      return { payment };
    },
  );

  const mine = async (orderId: string, userId: string): Promise<void> => {
    const row = await db.selectFrom('orders').select('user_id').where('id', '=', orderId).executeTakeFirst();
    if (!row || row.user_id !== userId) fail('order_not_found');
  };

  app.post<{ Params: { id: string } }>(
    '/api/shop/orders/:id/cancel',
    {
      schema: {
        tags: shop,
        summary: 'Cancel an unpaid order (releases stock)',
        params: idParam,
        response: { 200: obj({ order: orderSchema }) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await mine(request.params.id, userId);
      await inTx(db, (trx) => cancelOrder(trx, request.params.id, `user:${userId}`, null));
      return { order: await getOrderView(db, request.params.id, userId) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/shop/orders/:id/receive',
    {
      schema: {
        tags: shop,
        summary: 'Confirm receipt (starts the after-sales window)',
        params: idParam,
        response: { 200: obj({ order: orderSchema }) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await mine(request.params.id, userId);
      await inTx(db, (trx) =>
        transition(trx, request.params.id, 'received', `user:${userId}`, { received_at: nowIso() }, 'shipped'),
      );
      return { order: await getOrderView(db, request.params.id, userId) };
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/shop/orders/:id/refund',
    {
      schema: {
        tags: shop,
        summary: 'Request a refund before settlement; an operator approves or rejects it',
        params: idParam,
        body: obj({ reason: str({ minLength: 1, maxLength: 500 }) }, ['reason']),
        response: { 200: obj({ order: orderSchema }) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await inTx(db, (trx) => requestRefund(trx, request.params.id, userId, request.body.reason));
      return { order: await getOrderView(db, request.params.id, userId) };
    },
  );

  app.get(
    '/api/shop/me/wallet',
    { schema: { tags: shop, summary: 'Wallet balance and statement', response: { 200: walletSchema } } },
    async (request) => {
      const userId = await shopperId(ctx, request);
      return walletView(db, userId);
    },
  );

  app.get(
    '/api/shop/me/positions',
    { schema: { tags: shop, summary: 'Appreciation pool positions', response: { 200: positionsSchema } } },
    async (request) => {
      const userId = await shopperId(ctx, request);
      return positionsView(db, userId);
    },
  );

  const redeemSchema = (summary: string, withKey: boolean) => ({
    tags: shop,
    summary,
    params: obj({ orderId: str({ minLength: 1, maxLength: 200 }) }, ['orderId']),
    ...(withKey ? { headers: obj({ 'idempotency-key': str({ minLength: 1, maxLength: 100 }) }, [], false) } : {}),
    body: obj({ units: int({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }, ['units']),
    response: { 200: redeemAnswer },
  });

  app.post<{ Params: { orderId: string }; Body: { units: number } }>(
    '/api/shop/me/positions/:orderId/redeem/preview',
    { schema: redeemSchema('What redeeming these units would pay now', false) },
    async (request) => {
      const userId = await shopperId(ctx, request);
      return redeemPreview(db, userId, request.params.orderId, BigInt(request.body.units));
    },
  );

  app.post<{ Params: { orderId: string }; Body: { units: number } }>(
    '/api/shop/me/positions/:orderId/redeem',
    { schema: redeemSchema('Redeem units of an open position (422 redeem_rejected when the rules refuse)', true) },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const key = header(request.headers['idempotency-key']);
      if (key === undefined || key === '') fail('idempotency_key_required');
      return redeem(ctx.sequencer, userId, request.params.orderId, BigInt(request.body.units), key);
    },
  );

  app.get(
    '/api/shop/me/invitations',
    {
      schema: {
        tags: shop,
        summary: 'Invite code, referrer, invitees and referral-cycle progress',
        response: { 200: anyObject },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const user = await getUser(db, userId);
      if (!user) fail('unauthorized');
      const invitees = await db
        .selectFrom('users')
        .leftJoin('referral_progress', 'referral_progress.user_id', 'users.id')
        .select(['users.id', 'users.phone', 'users.created_at', 'referral_progress.merchant'])
        .where('users.referrer_id', '=', userId)
        .orderBy('users.created_at')
        .execute();
      const progress = await db
        .selectFrom('referral_progress')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const plan = (await loadPlans(db)).find((p) => p.code === 'referralCycle');
      const rates = (plan?.params.ratesBps as number[] | undefined) ?? [];
      const count = progress?.reward_count ?? 0n;
      const json = await userJson(ctx, user);
      return {
        inviteCode: user.invite_code,
        referrer: json.referrer,
        invitees: invitees.map((i) => ({
          id: i.id,
          phoneMasked: maskPhone(i.phone),
          joinedAt: i.created_at,
          merchant: i.merchant === 1n,
        })),
        cycle: {
          enabled: plan?.enabled ?? false,
          merchant: progress?.merchant === 1n,
          baseFen: progress?.base_fen ?? 0n,
          rewardCount: count,
          ratesBps: rates,
          nextRateBps: rates.length === 0 ? 0 : (rates[Number(count % BigInt(rates.length))] ?? 0),
        },
      };
    },
  );

  app.get<{ Querystring: { page?: number; pageSize?: number } }>(
    '/api/shop/me/withdrawals',
    {
      schema: {
        tags: shop,
        summary: "The shopper's withdrawals",
        querystring: obj({ ...pageQuery }),
        response: { 200: list(withdrawalSchema) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const page = request.query.page ?? 1;
      const pageSize = request.query.pageSize ?? 20;
      return { ...(await listWithdrawals(db, { userId, page, pageSize })), page, pageSize };
    },
  );

  app.post<{ Body: { amountFen: number; channel: string } }>(
    '/api/shop/me/withdrawals',
    {
      schema: {
        tags: shop,
        summary:
          'Request a withdrawal: the amount leaves the wallet now; finance approves or rejects. Optional Idempotency-Key.',
        headers: obj({ 'idempotency-key': str({ minLength: 1, maxLength: 100 }) }, [], false),
        body: obj({ amountFen: positiveFen, channel: str({ enum: ['wechat', 'alipay', 'bank'] }) }, [
          'amountFen',
          'channel',
        ]),
        response: { 200: obj({ withdrawal: withdrawalSchema }) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const settings = await loadSettings(db);
      const key = header(request.headers['idempotency-key']);
      const scope = `withdrawal:${userId}`;
      const hash = requestHashOf(request.body);
      const attempt = () =>
        inTx(db, async (trx) => {
          if (key !== undefined) {
            const previous = await replayed(trx, scope, key, hash);
            if (previous !== undefined) return previous;
          }
          const answer = {
            withdrawal: await requestWithdrawal(
              trx,
              userId,
              BigInt(request.body.amountFen),
              request.body.channel,
              settings,
            ),
          };
          if (key !== undefined) await remember(trx, scope, key, hash, answer);
          return answer;
        });
      try {
        return await attempt();
      } catch (error) {
        // Two first attempts with one key raced on the key's primary key: the loser answers with the winner's result.
        if (key === undefined || !isUniqueViolation(error)) throw error;
        return attempt();
      }
    },
  );

  app.get(
    '/api/shop/settings',
    { schema: { ...publicShop, summary: 'Shopper-visible settings', response: { 200: settingsSchema } } },
    async () => settingsJson(await loadSettings(db)),
  );

  app.get(
    '/api/shop/rules',
    {
      schema: {
        ...publicShop,
        summary: 'The incentive rules, generated from the live parameters',
        response: { 200: anyObject },
      },
    },
    async () => {
      const plans = (await loadPlans(db)).filter((p) => p.enabled);
      const pool = await poolState(db);
      return {
        plans: plans.map((p) => {
          const definition = findPlan(p.code);
          return { code: p.code, title: definition?.title, summary: definition?.summary, params: p.params };
        }),
        pool: {
          cashFen: pool.cashFen,
          supplyUnits: pool.supplyUnits,
          priceFenPerPoint: priceFenPerPoint(pool.cashFen, pool.supplyUnits),
        },
        example: workedExample(plans.map((p) => [p.code, p.params] as const)),
      };
    },
  );

  app.get(
    '/api/shop/pool/price-history',
    { schema: { ...publicShop, summary: 'Pool price after each settlement batch', response: { 200: anyObject } } },
    async () => ({
      items: await priceHistory(ctx, 200),
    }),
  );
}

export async function priceHistory(ctx: AppContext, limit: number) {
  const rows = await ctx.store.db.selectFrom('pool_history').selectAll().orderBy('seq', 'desc').limit(limit).execute();
  return rows.reverse().map((r) => ({
    at: r.at,
    cashFen: r.cash_fen,
    supplyUnits: r.supply_units,
    priceFenPerPoint: priceFenPerPoint(r.cash_fen, r.supply_units),
  }));
}

/** SPEC 3's worked example recomputed with today's parameters: A buys, then B, C, D invited by A buy the same. */
function workedExample(plans: readonly (readonly [string, Record<string, unknown>])[]) {
  const parsed = parseEngineConfig(Object.fromEntries(plans));
  if (!parsed.ok) return null;
  const engine = new Engine(parsed.config);
  const amountFen = 100_000n;
  engine.apply({ type: 'join', user: 'A' });
  const steps = [];
  for (const user of ['A', 'B', 'C', 'D']) {
    if (user !== 'A') engine.apply({ type: 'join', user, referrer: 'A' });
    const effects = engine.apply({ type: 'settle', user, order: `${user}1`, amountFen });
    const pool = engine.campaign(APPRECIATION_POOL) as AppreciationPoolInstance | undefined;
    steps.push({
      buyer: user,
      amountFen,
      rewards: effects
        .filter((e) => e.type === 'transfer' && e.to.startsWith('user:'))
        .map((e) => (e.type === 'transfer' ? { user: e.user, reason: e.reason, amountFen: e.amountFen } : null)),
      pool: pool === undefined ? null : { cashFen: pool.state.cashFen, supplyUnits: pool.state.supplyUnits },
    });
  }
  return {
    description: 'A 购买礼包后邀请 B、C、D 各购买一次 / A buys, then B, C, D invited by A each buy once',
    steps,
  };
}
