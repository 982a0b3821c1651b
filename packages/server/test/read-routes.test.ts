import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPlan } from '@mall/core';
import {
  backends,
  buyAndReceive,
  expectLedgerHealthy,
  giftPackSku,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/** Every read route answers 200 with its documented fields, on data that went through a settlement. */
for (const backend of backends()) {
  describe(`read routes (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    let a: Awaited<ReturnType<typeof registerShopper>>;
    let b: Awaited<ReturnType<typeof registerShopper>>;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
      const sku = await giftPackSku(t);
      a = await registerShopper(t);
      b = await registerShopper(t, a.inviteCode);
      await buyAndReceive(t, a.token, admin, sku);
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      await buyAndReceive(t, b.token, admin, sku);
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('serves the admin dashboard, pool, users, invitees, plans, ledger and accounts', async () => {
      const dashboard = await t.api('GET', '/api/admin/dashboard', { token: admin });
      expect(dashboard.status).toBe(200);
      expect(dashboard.body).toMatchObject({
        // Two gift packs, and the demo group leader's order (the rice at its 6,990-fen group price).
        salesFen: 206_990,
        paidOrderCount: 3,
        // The two shoppers of this test, the demo's three regional agents and its group leader.
        userCount: 6,
        payoutsByPlan: { referralCycle: 10_000, appreciationPool: 0 },
      });
      const campaigns = dashboard.body.campaigns as { id: string; payoutFen: number; facts: { key: string }[] }[];
      // Payout as a share of sales: 10,000 of 206,990 fen is 483.1 bps, floored to 483.
      const planShares = dashboard.body.plans as { code: string; shareOfSalesBps: number | null }[];
      expect(planShares.find((p) => p.code === 'referralCycle')?.shareOfSalesBps).toBe(483);
      expect(planShares.find((p) => p.code === 'cashback')?.shareOfSalesBps).toBe(0);
      // The gift pack's two campaigns paid; the ordinary goods' campaigns (issue 9's demo) had no order yet.
      expect(new Map(campaigns.map((c) => [c.id, c.payoutFen]))).toEqual(
        new Map([
          ['referralCycle', 10_000],
          ['promotion', 0],
          ['levelDifferential', 0],
          ['regionalAgent', 0],
          ['cashback', 0],
          ['appreciationPool', 0],
        ]),
      );
      expect(campaigns.find((c) => c.id === 'referralCycle')?.facts.map((f) => f.key)).toEqual(['merchants']);
      expect((dashboard.body.salesByDay as { salesFen: number }[]).reduce((s, d) => s + d.salesFen, 0)).toBe(206_990);
      const pool = await t.api('GET', '/api/admin/pool', { token: admin });
      expect(pool.body).toMatchObject({ cashFen: 60_000, supplyUnits: 357_000_000 });
      expect((pool.body.priceHistory as unknown[]).length).toBe(2);
      const users = await t.api('GET', `/api/admin/users?q=${a.phone}`, { token: admin });
      expect(users.body.items).toEqual([
        expect.objectContaining({ id: a.id, merchant: true, balanceFen: 10_000, referrerId: null }),
      ]);
      const user = await t.api('GET', `/api/admin/users/${a.id}`, { token: admin });
      expect(user.body).toMatchObject({
        inviteeCount: 1,
        wallet: { balanceFen: 10_000 },
        cycles: [{ campaign: 'referralCycle', merchant: true, baseFen: 100_000, rewardCount: 1 }],
      });
      const invitees = await t.api('GET', `/api/admin/users/${a.id}/invitees`, { token: admin });
      expect(invitees.body.items).toEqual([{ id: b.id, phone: b.phone, merchant: true, inviteeCount: 0 }]);
      const plans = await t.api('GET', '/api/admin/plans', { token: admin });
      const catalog = plans.body.items as { code: string; schema: Record<string, unknown> }[];
      // Every plan of core's registry, in settlement order (SPEC 3.5).
      expect(catalog.map((p) => p.code)).toEqual([
        'referralCycle',
        'promotionCommission',
        'levelDifferential',
        'regionalAgent',
        'cashback',
        'queueRebate',
        'dividendPool',
        'appreciationPool',
      ]);
      expect(catalog[0]?.schema).toHaveProperty('ratesBps');
      const ledger = await t.api('GET', `/api/admin/ledger?account=user:${a.id}:wallet`, { token: admin });
      expect(ledger.body).toMatchObject({
        total: 1,
        items: [expect.objectContaining({ reason: 'referralCycle', amountFen: 10_000 })],
      });
      // Every reason is labelled from core's one table: a reward by its plan, the mall's own moves too.
      expect((ledger.body.items as { label: unknown }[])[0]?.label).toEqual(
        findPlan('referralCycle')?.rewardKinds.referralCycle,
      );
      const payments = await t.api('GET', '/api/admin/ledger?account=platform:escrow', { token: admin });
      const payment = (payments.body.items as { reason: string; label: unknown }[]).find((e) => e.reason === 'payment');
      expect(payment?.label).toEqual({ zh: '订单支付', en: 'Order payment' });
      const orders = await t.api('GET', '/api/admin/orders?status=settled', { token: admin });
      expect(orders.body.total).toBe(2);
      expect((orders.body.items as { userPhone: string }[]).map((o) => o.userPhone).sort()).toEqual(
        [a.phone, b.phone].sort(),
      );
      const me = await t.api('GET', '/api/admin/me', { token: admin });
      expect((me.body.staff as { permissions: string[] }).permissions).toContain('settings:write');
      expect(me.body.environment).toBe('demo');
    });

    it('serves the storefront catalog, rules, price history and the shopper pages', async () => {
      const categories = await t.api('GET', '/api/shop/categories');
      const first = (categories.body.items as { id: string }[])[0];
      expect(first).toBeDefined();
      const inCategory = await t.api('GET', `/api/shop/products?categoryId=${first?.id}`);
      expect((inCategory.body.items as { categoryId: string }[]).every((p) => p.categoryId === first?.id)).toBe(true);
      const rules = await t.api('GET', '/api/shop/rules');
      const sections = rules.body.sections as {
        plan: string;
        campaign: string;
        example: { fromToday: boolean; steps: { rewards: { amountFen: number }[] }[] };
      }[];
      // Every active campaign, in the SPEC 3.5 order of their plans.
      expect(sections.map((s) => [s.plan, s.campaign])).toEqual([
        ['referralCycle', 'referralCycle'],
        ['promotionCommission', 'promotion'],
        ['levelDifferential', 'levelDifferential'],
        ['regionalAgent', 'regionalAgent'],
        ['cashback', 'cashback'],
        ['appreciationPool', 'appreciationPool'],
      ]);
      // The cycle's worked example, run by the engine on a fork of today's state: A buys, then B, C, D invited by A.
      const steps = sections[0]?.example.steps ?? [];
      expect(sections[0]?.example.fromToday).toBe(true);
      expect(steps.map((s) => s.rewards.reduce((x, r) => x + r.amountFen, 0))).toEqual([0, 10_000, 20_000, 70_000]);
      const history = await t.api('GET', '/api/shop/pool/price-history');
      expect((history.body.items as { priceFenPerPoint: number }[]).map((h) => h.priceFenPerPoint)).toEqual([
        142.8571, 168.0672,
      ]);
      const invitations = await t.api('GET', '/api/shop/me/invitations', { token: a.token });
      expect(invitations.body.cycles).toMatchObject([
        {
          campaign: 'referralCycle',
          status: 'active',
          merchant: true,
          baseFen: 100_000,
          rewardCount: 1,
          ratesBps: [1000, 2000, 7000],
          nextRateBps: 2000,
        },
      ]);
      const settings = await t.api('GET', '/api/shop/settings');
      expect(settings.body).toEqual({
        afterSalesDays: 0,
        withdrawMinFen: 100,
        withdrawFeeBps: 0,
        unpaidTimeoutMinutes: 30,
        maxUnpaidOrders: 5,
        autoReceiveDays: 10,
        periodKind: 'month',
        environment: 'demo',
      });
      const svg = await fetch(`${t.url}/assets/products/gift.svg`);
      expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    });
  });
}
