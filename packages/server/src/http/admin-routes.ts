import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { APPRECIATION_POOL, PLANS, findPlan } from '@mall/core';
import { inTx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { createSession } from '../platform/identity/sessions';
import { getUser } from '../platform/identity/shoppers';
import { loginStaff, type Permission } from '../platform/identity/staff';
import {
  createCategory,
  getProduct,
  listCategories,
  listProducts,
  saveProduct,
  setShelf,
  type ProductInput,
} from '../commerce/catalog';
import { approveRefund, expireUnpaid, getOrderView, listOrders, rejectRefund } from '../commerce/orders';
import { loadSettings, settingsJson, updateSettings, type Settings } from '../platform/settings';
import { approveWithdrawal, listWithdrawals, markWithdrawalPaid, rejectWithdrawal } from '../money/withdrawals';
import { loadPlans, marginWarnings, planSchemaJson, updatePlan, type PlanRow } from '../incentives/plans';
import { positionsView, poolState, priceFenPerPoint } from '../incentives/positions';
import { runAudit } from '../incentives/audit';
import { toLedgerEntry } from '../money/ledger';
import { walletView } from '../money/wallet';
import { nowIso } from '../platform/clock';
import { transition } from '../commerce/order-machine';
import type { AppContext } from './context';
import { staffJson, staffWith } from './context';
import { priceHistory } from './shop-routes';
import {
  anyObject,
  arr,
  bool,
  fen,
  idParam,
  int,
  list,
  nullable,
  obj,
  orderSchema,
  pageQuery,
  productSchema,
  settingsSchema,
  str,
  withdrawalSchema,
  type Schema,
} from './schemas';

const tags = ['admin'];

function planJson(p: PlanRow) {
  const d = findPlan(p.code);
  return {
    code: p.code,
    title: d?.title,
    summary: d?.summary,
    highRisk: d?.highRisk ?? false,
    enabled: p.enabled,
    acknowledgedAt: p.acknowledgedAt,
    acknowledgedBy: p.acknowledgedBy,
    inUse: p.inUse,
    params: p.params,
    schema: d === undefined ? {} : planSchemaJson(d.params),
  };
}

const productBody = obj(
  {
    title: str({ minLength: 1, maxLength: 100 }),
    subtitle: str({ maxLength: 200 }),
    description: str({ maxLength: 5000 }),
    categoryId: nullable(str()),
    imageUrl: str({ maxLength: 2000 }),
    images: arr(str({ maxLength: 2000 }), { maxItems: 20 }),
    onShelf: bool,
    plans: arr(str({ enum: PLANS.map((p) => p.code) }), { maxItems: 10 }),
    skus: arr(
      obj(
        {
          id: str(),
          name: str({ minLength: 1, maxLength: 50 }),
          priceFen: fen,
          costFen: fen,
          stock: int({ minimum: 0, maximum: 100_000_000 }),
        },
        ['name', 'priceFen', 'costFen', 'stock'],
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  ['title', 'skus'],
);

interface ProductBody {
  title: string;
  subtitle?: string;
  description?: string;
  categoryId?: string | null;
  imageUrl?: string;
  images?: string[];
  onShelf?: boolean;
  plans?: string[];
  skus: { id?: string; name: string; priceFen: number; costFen: number; stock: number }[];
}

function productInput(body: ProductBody): ProductInput {
  return {
    ...body,
    skus: body.skus.map((s) => ({
      id: s.id,
      name: s.name,
      priceFen: BigInt(s.priceFen),
      costFen: BigInt(s.costFen),
      stock: BigInt(s.stock),
    })),
  };
}

export async function adminRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  authRateLimitPerMinute: number,
): Promise<void> {
  const db = ctx.store.db;
  const guard = (permission: Permission | null, request: Parameters<typeof staffWith>[1]) =>
    staffWith(ctx, request, permission);
  // Sign-in is checked before the body schema, so a shopper or a stranger learns nothing about admin routes but 401.
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.url !== '/api/admin/login') await staffWith(ctx, request, null);
  });
  const route = (summary: string, extra: Record<string, unknown> = {}, response?: Schema) => ({
    schema: { tags, summary, ...extra, ...(response === undefined ? {} : { response: { 200: response } }) },
  });

  app.post<{ Body: { username: string; password: string } }>(
    '/api/admin/login',
    {
      config: { rateLimit: { max: authRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        security: [],
        summary: 'Staff sign-in',
        body: obj({ username: str({ minLength: 1, maxLength: 50 }), password: str({ minLength: 1, maxLength: 128 }) }, [
          'username',
          'password',
        ]),
        response: { 200: obj({ token: str(), staff: anyObject }) },
      },
    },
    async (request) => {
      const staff = await loginStaff(db, request.body.username, request.body.password);
      return { token: await createSession(db, 'staff', staff.id), staff: staffJson(staff) };
    },
  );

  app.get('/api/admin/me', route('The signed-in staff member', {}, obj({ staff: anyObject })), async (request) => ({
    staff: staffJson(await guard(null, request)),
  }));

  app.get(
    '/api/admin/dashboard',
    route('Sales, payouts and pool at a glance (dashboard:read)', {}, anyObject),
    async (request) => {
      await guard('dashboard:read', request);
      const paidStatuses = ['paid', 'shipped', 'received', 'settled', 'refunding'];
      const sales = await db
        .selectFrom('orders')
        .select([
          (eb) => eb.fn.coalesce(eb.fn.sum<bigint>('amount_fen'), sql<bigint>`0`).as('fen'),
          (eb) => eb.fn.countAll<bigint>().as('n'),
        ])
        .where('status', 'in', paidStatuses)
        .executeTakeFirstOrThrow();
      const orderCount = await db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<bigint>().as('n'))
        .executeTakeFirstOrThrow();
      const userCount = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<bigint>().as('n'))
        .executeTakeFirstOrThrow();
      const payouts = await db
        .selectFrom('transfers')
        .select(['reason', (eb) => eb.fn.sum<bigint>('amount_fen').as('fen')])
        .where('reason', 'in', ['referralCycle', 'appreciationExit', 'appreciationRedeem'])
        .groupBy('reason')
        .execute();
      const payoutsByPlan: Record<string, bigint> = { referralCycle: 0n, appreciationPool: 0n };
      for (const p of payouts) {
        const code = p.reason === 'referralCycle' ? 'referralCycle' : APPRECIATION_POOL;
        payoutsByPlan[code] = (payoutsByPlan[code] ?? 0n) + BigInt(p.fen);
      }
      const day = sql<string>`substr(paid_at, 1, 10)`;
      const salesByDay = await db
        .selectFrom('orders')
        .select([
          day.as('day'),
          (eb) => eb.fn.sum<bigint>('amount_fen').as('salesFen'),
          (eb) => eb.fn.countAll<bigint>().as('orders'),
        ])
        .where('status', 'in', paidStatuses)
        .groupBy(day)
        .orderBy(day)
        .execute();
      const exitDay = sql<string>`substr(created_at, 1, 10)`;
      const exitsByDay = await db
        .selectFrom('transfers')
        .select([
          exitDay.as('day'),
          (eb) => eb.fn.countAll<bigint>().as('count'),
          (eb) => eb.fn.sum<bigint>('amount_fen').as('paidFen'),
        ])
        .where('reason', '=', 'appreciationExit')
        .groupBy(exitDay)
        .orderBy(exitDay)
        .execute();
      const pool = await poolState(db);
      return {
        salesFen: BigInt(sales.fen),
        orderCount: orderCount.n,
        paidOrderCount: sales.n,
        userCount: userCount.n,
        payoutsByPlan,
        pool: {
          cashFen: pool.cashFen,
          supplyUnits: pool.supplyUnits,
          priceFenPerPoint: priceFenPerPoint(pool.cashFen, pool.supplyUnits),
        },
        salesByDay: salesByDay.map((d) => ({ day: d.day, salesFen: BigInt(d.salesFen), orders: d.orders })),
        exitsByDay: exitsByDay.map((d) => ({ day: d.day, count: d.count, paidFen: BigInt(d.paidFen) })),
        priceHistory: (await priceHistory(ctx, 200)).map((p) => ({ at: p.at, priceFenPerPoint: p.priceFenPerPoint })),
      };
    },
  );

  app.get(
    '/api/admin/categories',
    route('Categories (catalog:read)', {}, list(obj({ id: str(), name: str() }), false)),
    async (request) => {
      await guard('catalog:read', request);
      return { items: await listCategories(db) };
    },
  );

  app.post<{ Body: { name: string } }>(
    '/api/admin/categories',
    route(
      'Create a category (catalog:write)',
      { body: obj({ name: str({ minLength: 1, maxLength: 50 }) }, ['name']) },
      obj({ category: obj({ id: str(), name: str() }) }),
    ),
    async (request) => {
      await guard('catalog:write', request);
      return { category: await inTx(db, (trx) => createCategory(trx, request.body.name)) };
    },
  );

  app.get<{ Querystring: { q?: string; categoryId?: string; page?: number; pageSize?: number } }>(
    '/api/admin/products',
    route(
      'Products with cost and stock (catalog:read)',
      { querystring: obj({ q: str({ maxLength: 50 }), categoryId: str(), ...pageQuery }) },
      list(productSchema),
    ),
    async (request) => {
      await guard('catalog:read', request);
      const page = request.query.page ?? 1;
      const pageSize = request.query.pageSize ?? 20;
      const all = await listProducts(db, {
        onShelfOnly: false,
        q: request.query.q,
        categoryId: request.query.categoryId,
      });
      return {
        items: all.slice((page - 1) * pageSize, page * pageSize),
        total: all.length,
        page,
        pageSize,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/products/:id',
    route('One product (catalog:read)', { params: idParam }, obj({ product: productSchema })),
    async (request) => {
      await guard('catalog:read', request);
      return { product: await getProduct(db, request.params.id, false) };
    },
  );

  const productAnswer = obj({ product: productSchema, warnings: arr(obj({ code: str(), message: str() })) });
  const saveWith = async (id: string | undefined, body: ProductBody) => {
    const input = productInput(body);
    const product = await inTx(db, (trx) => saveProduct(trx, id, input));
    return { product, warnings: marginWarnings(await loadPlans(db), product.plans, product.skus) };
  };

  app.post<{ Body: ProductBody }>(
    '/api/admin/products',
    route(
      'Create a product (catalog:write); warns when planned payouts exceed the margin',
      { body: productBody },
      productAnswer,
    ),
    async (request) => {
      await guard('catalog:write', request);
      return saveWith(undefined, request.body);
    },
  );

  app.put<{ Params: { id: string }; Body: ProductBody }>(
    '/api/admin/products/:id',
    route('Update a product (catalog:write)', { params: idParam, body: productBody }, productAnswer),
    async (request) => {
      await guard('catalog:write', request);
      return saveWith(request.params.id, request.body);
    },
  );

  app.post<{ Params: { id: string }; Body: { onShelf: boolean } }>(
    '/api/admin/products/:id/shelf',
    route(
      'Put a product on or off the shelf (catalog:write)',
      { params: idParam, body: obj({ onShelf: bool }, ['onShelf']) },
      obj({ product: productSchema }),
    ),
    async (request) => {
      await guard('catalog:write', request);
      return { product: await inTx(db, (trx) => setShelf(trx, request.params.id, request.body.onShelf)) };
    },
  );

  const withPhones = async <T extends { userId: string }>(orders: T[]) => {
    const ids = [...new Set(orders.map((o) => o.userId))];
    const users =
      ids.length === 0 ? [] : await db.selectFrom('users').select(['id', 'phone']).where('id', 'in', ids).execute();
    const phone = new Map(users.map((u) => [u.id, u.phone]));
    return orders.map((o) => ({ ...o, userPhone: phone.get(o.userId) ?? '' }));
  };

  app.get<{ Querystring: { status?: string; q?: string; page?: number; pageSize?: number } }>(
    '/api/admin/orders',
    route(
      'Orders (orders:read)',
      { querystring: obj({ status: str(), q: str({ maxLength: 100 }), ...pageQuery }) },
      list(orderSchema),
    ),
    async (request) => {
      await guard('orders:read', request);
      const page = request.query.page ?? 1;
      const pageSize = request.query.pageSize ?? 20;
      const result = await listOrders(db, { status: request.query.status, q: request.query.q, page, pageSize });
      return { items: await withPhones(result.items), total: result.total, page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/orders/:id',
    route('One order (orders:read)', { params: idParam }, obj({ order: orderSchema })),
    async (request) => {
      await guard('orders:read', request);
      const [order] = await withPhones([await getOrderView(db, request.params.id)]);
      return { order };
    },
  );

  app.post<{ Params: { id: string }; Body: { carrier: string; trackingNo: string } }>(
    '/api/admin/orders/:id/ship',
    route(
      'Ship a paid order (orders:write)',
      {
        params: idParam,
        body: obj(
          { carrier: str({ minLength: 1, maxLength: 50 }), trackingNo: str({ minLength: 1, maxLength: 100 }) },
          ['carrier', 'trackingNo'],
        ),
      },
      obj({ order: orderSchema }),
    ),
    async (request) => {
      const staff = await guard('orders:write', request);
      await inTx(db, (trx) =>
        transition(
          trx,
          request.params.id,
          'shipped',
          `staff:${staff.username}`,
          { shipped_at: nowIso(), carrier: request.body.carrier, tracking_no: request.body.trackingNo },
          'paid',
        ),
      );
      return { order: await getOrderView(db, request.params.id) };
    },
  );

  const refundDecision = (decision: 'approve' | 'reject') =>
    app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
      `/api/admin/orders/:id/refund/${decision}`,
      route(
        decision === 'approve'
          ? 'Approve a refund: money back through its channel, stock back (orders:write)'
          : 'Reject a refund: the order returns to where it was (orders:write)',
        { params: idParam, body: obj({ reason: str({ maxLength: 500 }) }) },
        obj({ order: orderSchema }),
      ),
      async (request) => {
        const staff = await guard('orders:write', request);
        const note = request.body?.reason ?? null;
        await inTx(db, (trx) =>
          (decision === 'approve' ? approveRefund : rejectRefund)(
            trx,
            request.params.id,
            `staff:${staff.username}`,
            note,
          ),
        );
        return { order: await getOrderView(db, request.params.id) };
      },
    );
  refundDecision('approve');
  refundDecision('reject');

  app.post(
    '/api/admin/orders/expire-unpaid',
    route(
      'Cancel unpaid orders past the timeout now (orders:write); a timer also does this',
      {},
      obj({ cancelled: int() }),
    ),
    async (request) => {
      await guard('orders:write', request);
      return { cancelled: await expireUnpaid(db) };
    },
  );

  app.get<{ Querystring: { q?: string; page?: number; pageSize?: number } }>(
    '/api/admin/users',
    route('Shoppers (users:read)', { querystring: obj({ q: str({ maxLength: 50 }), ...pageQuery }) }, anyObject),
    async (request) => {
      await guard('users:read', request);
      const page = request.query.page ?? 1;
      const pageSize = request.query.pageSize ?? 20;
      let query = db.selectFrom('users');
      const q = request.query.q;
      if (q !== undefined && q !== '')
        query = query.where((eb) =>
          eb.or([eb('users.phone', 'like', `%${q}%`), eb('users.id', '=', q), eb('users.invite_code', '=', q)]),
        );
      const total = await query.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
      const rows = await query
        .leftJoin('referral_progress', 'referral_progress.user_id', 'users.id')
        .leftJoin('accounts', (join) => join.on(sql<boolean>`accounts.address = 'user:' || users.id || ':wallet'`))
        .select([
          'users.id',
          'users.phone',
          'users.invite_code',
          'users.referrer_id',
          'users.created_at',
          'referral_progress.merchant',
          'accounts.balance_fen',
        ])
        .orderBy('users.created_at', 'desc')
        .orderBy('users.id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          phone: r.phone,
          inviteCode: r.invite_code,
          referrerId: r.referrer_id,
          merchant: r.merchant === 1n,
          createdAt: r.created_at,
          balanceFen: r.balance_fen ?? 0n,
        })),
        total: total.n,
        page,
        pageSize,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/users/:id',
    route('One shopper with wallet, positions and cycle (users:read)', { params: idParam }, anyObject),
    async (request) => {
      await guard('users:read', request);
      const user = await getUser(db, request.params.id);
      if (!user) fail('user_not_found');
      const wallet = await walletView(db, user.id, 50);
      const positions = await positionsView(db, user.id);
      const progress = await db
        .selectFrom('referral_progress')
        .selectAll()
        .where('user_id', '=', user.id)
        .executeTakeFirst();
      const invitees = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<bigint>().as('n'))
        .where('referrer_id', '=', user.id)
        .executeTakeFirstOrThrow();
      return {
        user: {
          id: user.id,
          phone: user.phone,
          inviteCode: user.invite_code,
          referrerId: user.referrer_id,
          merchant: progress?.merchant === 1n,
          createdAt: user.created_at,
        },
        wallet: { balanceFen: wallet.balanceFen, pendingFen: wallet.pendingFen, entries: wallet.entries },
        positions: positions.positions,
        cycle: {
          merchant: progress?.merchant === 1n,
          baseFen: progress?.base_fen ?? 0n,
          rewardCount: progress?.reward_count ?? 0n,
        },
        inviteeCount: invitees.n,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/users/:id/invitees',
    route('Direct invitees, for the lazy referral tree (users:read)', { params: idParam }, anyObject),
    async (request) => {
      await guard('users:read', request);
      const rows = await db
        .selectFrom('users as u')
        .leftJoin('referral_progress as rp', 'rp.user_id', 'u.id')
        .select([
          'u.id',
          'u.phone',
          'rp.merchant',
          (eb) =>
            eb
              .selectFrom('users as c')
              .select((e) => e.fn.countAll<bigint>().as('n'))
              .whereRef('c.referrer_id', '=', 'u.id')
              .as('inviteeCount'),
        ])
        .where('u.referrer_id', '=', request.params.id)
        .orderBy('u.created_at')
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          phone: r.phone,
          merchant: r.merchant === 1n,
          inviteeCount: r.inviteeCount ?? 0n,
        })),
      };
    },
  );

  app.get(
    '/api/admin/plans',
    route('Plans with parameters and schema (plans:read)', {}, anyObject),
    async (request) => {
      await guard('plans:read', request);
      return { items: (await loadPlans(db)).map(planJson) };
    },
  );

  app.put<{
    Params: { code: string };
    Body: { enabled: boolean; params?: Record<string, unknown>; acknowledgeRisk?: boolean };
  }>(
    '/api/admin/plans/:code',
    route(
      'Enable, disable or tune a plan (plans:write). High-risk plans need acknowledgeRisk; parameters freeze after the first settlement (409 plan_in_use).',
      {
        params: obj({ code: str() }, ['code']),
        body: obj({ enabled: bool, params: anyObject, acknowledgeRisk: bool }, ['enabled']),
      },
      anyObject,
    ),
    async (request) => {
      const staff = await guard('plans:write', request);
      const { plan, paramsChanged } = await inTx(db, (trx) =>
        updatePlan(trx, request.params.code, request.body, `staff:${staff.username}`),
      );
      if (paramsChanged) ctx.sequencer.invalidate();
      const products = await listProducts(db, { onShelfOnly: false });
      const plans = await loadPlans(db);
      const warnings = products
        .filter((p) => p.plans.includes(plan.code))
        .flatMap((p) => marginWarnings(plans, p.plans, p.skus));
      return { plan: planJson(plan), warnings };
    },
  );

  app.get<{ Querystring: { status?: string; page?: number; pageSize?: number } }>(
    '/api/admin/withdrawals',
    route('Withdrawals (finance:read)', { querystring: obj({ status: str(), ...pageQuery }) }, list(withdrawalSchema)),
    async (request) => {
      await guard('finance:read', request);
      const page = request.query.page ?? 1;
      const pageSize = request.query.pageSize ?? 20;
      return { ...(await listWithdrawals(db, { status: request.query.status, page, pageSize })), page, pageSize };
    },
  );

  const withdrawalAction = (action: 'approve' | 'reject' | 'paid') =>
    app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
      `/api/admin/withdrawals/:id/${action}`,
      route(
        action === 'approve'
          ? 'Approve a withdrawal (finance:write)'
          : action === 'reject'
            ? 'Reject a withdrawal: the money returns to the wallet (finance:write)'
            : 'Mark an approved withdrawal paid (finance:write)',
        { params: idParam, body: obj({ reason: str({ maxLength: 500 }) }) },
        obj({ withdrawal: withdrawalSchema }),
      ),
      async (request) => {
        await guard('finance:write', request);
        const id = request.params.id;
        const withdrawal = await inTx(db, (trx) =>
          action === 'approve'
            ? approveWithdrawal(trx, id)
            : action === 'reject'
              ? rejectWithdrawal(trx, id, request.body?.reason ?? '')
              : markWithdrawalPaid(trx, id),
        );
        return { withdrawal };
      },
    );
  withdrawalAction('approve');
  withdrawalAction('reject');
  withdrawalAction('paid');

  app.get<{ Querystring: { account?: string; page?: number; pageSize?: number } }>(
    '/api/admin/ledger',
    route(
      'Ledger transfers, optionally for one account (finance:read)',
      { querystring: obj({ account: str({ maxLength: 200 }), ...pageQuery }) },
      anyObject,
    ),
    async (request) => {
      await guard('finance:read', request);
      const page = request.query.page ?? 1;
      const pageSize = request.query.pageSize ?? 20;
      let query = db.selectFrom('transfers');
      const account = request.query.account;
      if (account !== undefined && account !== '')
        query = query.where((eb) => eb.or([eb('from_account', '=', account), eb('to_account', '=', account)]));
      const total = await query.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
      const rows = await query
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute();
      return { items: rows.map(toLedgerEntry), total: total.n, page, pageSize };
    },
  );

  app.get(
    '/api/admin/accounts',
    route(
      'Every ledger account and its balance (finance:read)',
      {},
      list(obj({ account: str(), balanceFen: int() }), false),
    ),
    async (request) => {
      await guard('finance:read', request);
      const rows = await db.selectFrom('accounts').selectAll().orderBy('address').execute();
      return { items: rows.map((r) => ({ account: r.address, balanceFen: r.balance_fen })) };
    },
  );

  app.get(
    '/api/admin/audit',
    route(
      'Replay the incentive event log and compare with stored balances, positions and pool (finance:read)',
      {},
      obj({ ok: bool, events: int(), differences: arr(anyObject) }),
    ),
    async (request) => {
      await guard('finance:read', request);
      return runAudit(db);
    },
  );

  app.get(
    '/api/admin/pool',
    route('Appreciation pool state and price history (dashboard:read)', {}, anyObject),
    async (request) => {
      await guard('dashboard:read', request);
      const pool = await poolState(db);
      return {
        cashFen: pool.cashFen,
        supplyUnits: pool.supplyUnits,
        priceFenPerPoint: priceFenPerPoint(pool.cashFen, pool.supplyUnits),
        priceHistory: await priceHistory(ctx, 500),
      };
    },
  );

  app.post(
    '/api/admin/settlement/run',
    route('Settle every order whose after-sales window has closed (orders:write)', {}, obj({ settled: int() })),
    async (request) => {
      await guard('orders:write', request);
      return { settled: await ctx.settleNow() };
    },
  );

  app.get('/api/admin/settings', route('Settings (any staff)', {}, settingsSchema), async (request) => {
    await guard(null, request);
    return settingsJson(await loadSettings(db));
  });

  app.put<{ Body: Partial<Record<keyof Settings, number>> }>(
    '/api/admin/settings',
    route(
      'Change settings (settings:write)',
      {
        body: obj({
          afterSalesDays: int({ minimum: 0, maximum: 365 }),
          withdrawMinFen: int({ minimum: 1, maximum: 100_000_000 }),
          withdrawFeeBps: int({ minimum: 0, maximum: 5000 }),
          unpaidTimeoutMinutes: int({ minimum: 0, maximum: 10080 }),
        }),
      },
      settingsSchema,
    ),
    async (request) => {
      await guard('settings:write', request);
      return settingsJson(await inTx(db, (trx) => updateSettings(trx, request.body ?? {})));
    },
  );
}
