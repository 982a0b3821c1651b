import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  createOrder,
  expectLedgerHealthy,
  giftPackSku,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/** Every admin route with the permission it needs (null: any staff member). */
const ADMIN_ROUTES: [method: string, path: string, permission: string | null][] = [
  ['GET', '/api/admin/me', null],
  ['GET', '/api/admin/dashboard', 'dashboard:read'],
  ['GET', '/api/admin/categories', 'catalog:read'],
  ['POST', '/api/admin/categories', 'catalog:write'],
  ['GET', '/api/admin/products', 'catalog:read'],
  ['GET', '/api/admin/products/prd_x', 'catalog:read'],
  ['POST', '/api/admin/products', 'catalog:write'],
  ['PUT', '/api/admin/products/prd_x', 'catalog:write'],
  ['POST', '/api/admin/products/prd_x/shelf', 'catalog:write'],
  ['GET', '/api/admin/orders', 'orders:read'],
  ['GET', '/api/admin/orders/ord_x', 'orders:read'],
  ['POST', '/api/admin/orders/ord_x/ship', 'orders:write'],
  ['POST', '/api/admin/orders/ord_x/refund/approve', 'orders:write'],
  ['POST', '/api/admin/orders/ord_x/refund/reject', 'orders:write'],
  ['POST', '/api/admin/orders/expire-unpaid', 'orders:write'],
  ['GET', '/api/admin/users', 'users:read'],
  ['GET', '/api/admin/users/usr_x', 'users:read'],
  ['GET', '/api/admin/users/usr_x/invitees', 'users:read'],
  ['GET', '/api/admin/plans', 'plans:read'],
  ['GET', '/api/admin/campaigns', 'plans:read'],
  ['GET', '/api/admin/campaigns/referralCycle', 'plans:read'],
  ['GET', '/api/admin/campaign-log', 'plans:read'],
  ['POST', '/api/admin/campaigns', 'plans:write'],
  ['PUT', '/api/admin/campaigns/referralCycle', 'plans:write'],
  ['POST', '/api/admin/campaigns/referralCycle/status', 'plans:write'],
  ['GET', '/api/admin/withdrawals', 'finance:read'],
  ['POST', '/api/admin/withdrawals/wdr_x/approve', 'finance:write'],
  ['POST', '/api/admin/withdrawals/wdr_x/reject', 'finance:write'],
  ['POST', '/api/admin/withdrawals/wdr_x/paid', 'finance:write'],
  ['GET', '/api/admin/ledger', 'finance:read'],
  ['GET', '/api/admin/accounts', 'finance:read'],
  ['GET', '/api/admin/audit', 'finance:read'],
  ['POST', '/api/admin/withdrawals/wdr_x/payout', 'finance:write'],
  ['GET', '/api/admin/after-sales', 'orders:read'],
  ['GET', '/api/admin/after-sales/afs_x', 'orders:read'],
  ['POST', '/api/admin/after-sales/afs_x/approve', 'orders:write'],
  ['POST', '/api/admin/after-sales/afs_x/reject', 'orders:write'],
  ['POST', '/api/admin/after-sales/afs_x/receive-return', 'orders:write'],
  ['POST', '/api/admin/after-sales/afs_x/retry-refund', 'orders:write'],
  ['POST', '/api/admin/orders/ord_x/goodwill-refund', 'finance:write'],
  ['GET', '/api/admin/payments/config', 'finance:read'],
  ['POST', '/api/admin/payments/check-open', 'finance:write'],
  ['GET', '/api/admin/payments', 'finance:read'],
  ['GET', '/api/admin/refunds', 'finance:read'],
  ['POST', '/api/admin/reconciliations', 'finance:write'],
  ['GET', '/api/admin/reconciliations', 'finance:read'],
  ['GET', '/api/admin/reconciliations/rcn_x', 'finance:read'],
  ['GET', '/api/admin/reconciliations/rcn_x/differences.csv', 'finance:read'],
  ['GET', '/api/admin/pool', 'dashboard:read'],
  ['POST', '/api/admin/settlement/run', 'orders:write'],
  ['GET', '/api/admin/settings', null],
  ['PUT', '/api/admin/settings', 'settings:write'],
  ['POST', '/api/admin/simulations', 'plans:read'],
  ['GET', '/api/admin/simulations/sim_x', 'plans:read'],
];

const ROLES: Record<string, string[]> = {
  operator: [
    'dashboard:read',
    'catalog:read',
    'catalog:write',
    'orders:read',
    'orders:write',
    'users:read',
    'plans:read',
  ],
  finance: ['dashboard:read', 'finance:read', 'finance:write', 'users:read'],
};

for (const backend of backends()) {
  describe(`authorization and bad input (${backend.name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await backend.start({ authRateLimitPerMinute: 1000 });
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it("answers 404 for another shopper's order, wallet stays one's own", async () => {
      const sku = await giftPackSku(t);
      const a = await registerShopper(t);
      const b = await registerShopper(t);
      const order = await createOrder(t, a.token, sku);
      const orderId = (order.body.order as { id: string }).id;
      for (const [method, path, body] of [
        ['GET', `/api/shop/orders/${orderId}`, undefined],
        ['POST', `/api/shop/orders/${orderId}/pay`, { channel: 'sandbox' }],
        ['POST', `/api/shop/orders/${orderId}/cancel`, undefined],
        ['POST', `/api/shop/orders/${orderId}/receive`, undefined],
        ['POST', `/api/shop/orders/${orderId}/refund`, { reason: 'x' }],
      ] as const) {
        const answer = await t.api(method, path, { token: b.token, body });
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body.error?.code).toBe('order_not_found');
      }
      const list = await t.api('GET', '/api/shop/orders', { token: b.token });
      expect(list.body.items).toEqual([]);
      const wallet = await t.api('GET', '/api/shop/me/wallet', { token: b.token });
      expect(wallet.body).toEqual({ balanceFen: 0, simulatedFen: 0, pendingFen: 0, entries: [] });
      expect((await t.api('GET', '/api/shop/me/wallet')).status).toBe(401);
      expect((await t.api('GET', '/api/shop/me/wallet', { token: 'nonsense' })).status).toBe(401);
      const staff = await staffToken(t);
      expect((await t.api('GET', '/api/shop/me/wallet', { token: staff })).status).toBe(401);
    });

    it('refuses every admin route to shoppers (401) and to staff without the permission (403)', async () => {
      const shopper = await registerShopper(t);
      const tokens = { operator: await staffToken(t, 'operator'), finance: await staffToken(t, 'finance') };
      for (const [method, path, permission] of ADMIN_ROUTES) {
        const body = method === 'GET' ? undefined : {};
        const asShopper = await t.api(method, path, { token: shopper.token, body });
        expect(asShopper.status, `${method} ${path} as shopper`).toBe(401);
        const anonymous = await t.api(method, path, { body });
        expect(anonymous.status, `${method} ${path} without a token`).toBe(401);
        for (const [role, token] of Object.entries(tokens)) {
          if (permission === null || ROLES[role]?.includes(permission)) continue;
          const answer = await t.api(method, path, { token, body });
          if (answer.status === 400) continue; // the schema answered first; the permission is checked in the handler
          expect(answer.status, `${method} ${path} as ${role}`).toBe(403);
          expect(answer.body.error?.code).toBe('forbidden');
        }
      }
      // Schema-valid bodies, so the permission check itself answers.
      const op = await t.api('PUT', '/api/admin/settings', { token: tokens.operator, body: { afterSalesDays: 1 } });
      expect(op.status).toBe(403);
      const fin = await t.api('POST', '/api/admin/orders/ord_x/ship', {
        token: tokens.finance,
        body: { carrier: 'SF', trackingNo: '1' },
      });
      expect(fin.status).toBe(403);
      const plan = await t.api('PUT', '/api/admin/campaigns/referralCycle', {
        token: tokens.operator,
        body: { name: 'x' },
      });
      expect(plan.status).toBe(403);
    });

    it('answers bad input with 4xx and {error: {code, message}}, never 500', async () => {
      const shopper = await registerShopper(t);
      const sku = await giftPackSku(t);
      const cases: [string, string, unknown, Record<string, string>?][] = [
        ['POST', '/api/shop/register', { phone: 'x' }],
        ['POST', '/api/shop/register', { phone: '13800000000', password: 123 }],
        ['POST', '/api/shop/register', '{not json'],
        [
          'POST',
          '/api/shop/orders',
          { items: [{ skuId: sku, quantity: -1 }], address: {} },
          { 'idempotency-key': 'a' },
        ],
        ['POST', '/api/shop/orders', { items: [{ skuId: sku, quantity: 1.5 }] }, { 'idempotency-key': 'b' }],
        ['POST', '/api/shop/me/withdrawals', { amountFen: -5, channel: 'wechat' }],
        ['POST', '/api/shop/me/withdrawals', { amountFen: 1e30, channel: 'wechat' }],
        ['POST', '/api/shop/me/withdrawals', { amountFen: '100', channel: 'paypal' }],
        ['GET', '/api/shop/orders?page=0', undefined],
      ];
      for (const [method, path, body, headers] of cases) {
        const answer = await t.api(method, path, { token: shopper.token, body, headers });
        expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
        expect(answer.body.error?.code).toBe('invalid_request');
        expect(typeof answer.body.error?.message).toBe('string');
      }
      const unknown = await t.api('GET', '/api/nothing-here');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error?.code).toBe('not_found');
      const badInvite = await t.api('POST', '/api/shop/register', {
        body: { phone: '13811112222', password: 'secret123', inviteCode: 'NOPE' },
      });
      expect(badInvite.status).toBe(422);
      expect(badInvite.body.error?.code).toBe('invalid_invite_code');
      const english = await t.api('POST', '/api/shop/login', {
        body: { phone: '13811112222', password: 'wrong-pw' },
        headers: { 'accept-language': 'en-US' },
      });
      expect(english.status).toBe(401);
      expect(english.body.error?.message).toBe('Wrong account or password');
      const taken = await t.api('POST', '/api/shop/register', {
        body: { phone: shopper.phone, password: 'secret123' },
      });
      expect(taken.status).toBe(409);
    });

    it('requires the risk acknowledgement to enable a high-risk campaign, and logs it', async () => {
      const admin = await staffToken(t);
      const off = await t.api('POST', '/api/admin/campaigns/referralCycle/status', {
        token: admin,
        body: { status: 'paused' },
      });
      expect(off.status).toBe(200);
      const on = await t.api('POST', '/api/admin/campaigns/referralCycle/status', {
        token: admin,
        body: { status: 'active' },
      });
      expect(on.status).toBe(422);
      expect(on.body.error?.code).toBe('risk_acknowledgement_required');
      const bad = await t.api('PUT', '/api/admin/campaigns/referralCycle', {
        token: admin,
        body: { params: { ratesBps: [20000] } },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error?.code).toBe('invalid_parameter');
      const acknowledged = await t.api('POST', '/api/admin/campaigns/referralCycle/status', {
        token: admin,
        body: { status: 'active', acknowledgeRisk: true },
      });
      expect(acknowledged.status).toBe(200);
      const campaign = acknowledged.body.campaign as { acknowledgedBy: string; highRisk: boolean; status: string };
      expect(campaign).toMatchObject({ acknowledgedBy: 'staff:admin', highRisk: true, status: 'active' });
      const log = await t.api('GET', '/api/admin/campaign-log?campaign=referralCycle', { token: admin });
      const entries = log.body.items as { action: string; actor: string; acknowledgement: string | null }[];
      expect(entries[0]).toMatchObject({ action: 'enable', actor: 'staff:admin' });
      expect(entries[0]?.acknowledgement).toContain('SPEC 3.4');
      expect(entries[1]).toMatchObject({ action: 'pause', acknowledgement: null });
    });

    it('rate-limits login attempts', async () => {
      const limited = await backend.start({ authRateLimitPerMinute: 3 });
      try {
        const codes = [];
        for (let i = 0; i < 5; i += 1)
          codes.push(
            (await limited.api('POST', '/api/shop/login', { body: { phone: '13800000009', password: 'whatever' } }))
              .status,
          );
        expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
        expect(codes[4]).toBe(429);
      } finally {
        await limited.close();
      }
    });

    it('serves the OpenAPI document and the docs page', async () => {
      const doc = await t.api('GET', '/api/openapi.json');
      expect(doc.status).toBe(200);
      const paths = Object.keys(doc.body.paths as Record<string, unknown>);
      expect(paths).toContain('/api/shop/orders');
      expect(paths).toContain('/api/admin/settlement/run');
      const page = await fetch(`${t.url}/api/docs/`);
      expect(page.status).toBe(200);
    });
  });
}
