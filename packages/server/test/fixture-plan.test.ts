import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAMP_CARD, unregisterStampCard } from './fixture-plan';
import {
  backends,
  buyAndReceive,
  expectLedgerHealthy,
  makeProduct,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/**
 * Issue 8 acceptance: a plan registered only in a test (test/fixture-plan.ts, one file, through core's registerPlan)
 * appears in the server's plan catalogue, the OpenAPI document's parameter schemas, campaigns, settlement, dashboard, audit, simulator route, rules route and
 * margin warnings, with no server file naming it.
 */
const FIXTURE_MODULE = new URL('./fixture-plan.ts', import.meta.url).href;

for (const backend of backends()) {
  describe(`a plan registered only in a test (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('is offered, runs as a campaign, pays, and shows in the dashboard, audit, rules and margin warnings', async () => {
      const plans = await t.api('GET', '/api/admin/plans', { token: admin });
      const entry = (plans.body.items as { code: string; schema: object; rewardKinds: { kind: string }[] }[]).find(
        (p) => p.code === STAMP_CARD,
      );
      expect(entry?.schema).toHaveProperty('bonusBps');
      expect(entry?.rewardKinds.map((k) => k.kind)).toEqual(['stampBonus']);
      const doc = await t.api('GET', '/api/openapi.json');
      const components = (doc.body.components as { schemas: Record<string, { properties: object }> }).schemas;
      expect(components[`PlanParams.${STAMP_CARD}`]?.properties).toHaveProperty('bonusBps');

      // A thin product: the stamp bonus bound (50%) exceeds its margin (20%).
      const product = await makeProduct(t, admin, { priceFen: 10_000, costFen: 8_000, stock: 10 });
      const created = await t.api('POST', '/api/admin/campaigns', {
        token: admin,
        body: { id: 'stamps', plan: STAMP_CARD, name: '集章', scope: { products: [product.productId] } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expect(created.body.warnings).toEqual([
        expect.objectContaining({ code: 'payout_exceeds_margin', productId: product.productId }),
      ]);
      const on = await t.api('POST', '/api/admin/campaigns/stamps/status', {
        token: admin,
        body: { status: 'active' },
      });
      expect(on.status, JSON.stringify(on.body)).toBe(200);

      const shopper = await registerShopper(t);
      for (let i = 0; i < 2; i += 1) {
        await buyAndReceive(t, shopper.token, admin, product.skuId);
        await t.api('POST', '/api/admin/settlement/run', { token: admin });
      }
      const wallet = await t.api('GET', '/api/shop/me/wallet', { token: shopper.token });
      // The second order completes the card: half of 10,000 back.
      expect(wallet.body.balanceFen).toBe(5_000);
      expect((wallet.body.entries as { reason: string; campaign: string }[])[0]).toMatchObject({
        reason: 'stampBonus',
        campaign: 'stamps',
      });

      const dashboard = await t.api('GET', '/api/admin/dashboard', { token: admin });
      expect((dashboard.body.payoutsByPlan as Record<string, number>)[STAMP_CARD]).toBe(5_000);
      const campaign = (
        dashboard.body.campaigns as { id: string; payoutFen: number; facts: object[]; kinds: object[] }[]
      ).find((c) => c.id === 'stamps');
      expect(campaign).toMatchObject({
        payoutFen: 5_000,
        facts: [{ key: 'cards', value: 1 }],
        kinds: [{ kind: 'stampBonus', label: { en: 'Stamp bonus' }, fen: 5_000 }],
      });

      const rules = await t.api('GET', '/api/shop/rules?campaign=stamps');
      const section = (
        rules.body.sections as { plan: string; clauses: { en: string }[]; example: { steps: object[] } }[]
      )[0];
      expect(section?.plan).toBe(STAMP_CARD);
      expect(section?.clauses[0]?.en).toContain('Every 2 orders');
      expect(section?.example.steps.length).toBe(3);

      // The audit replays the log, compares the plan's records and transfers, and is clean; a changed record is not.
      const audit = await t.api('GET', '/api/admin/audit', { token: admin });
      expect(audit.body).toMatchObject({ ok: true, differences: [] });
      await t.server.store.db
        .updateTable('plan_records')
        .set({ data: '{"stamps":1}' })
        .where('campaign', '=', 'stamps')
        .execute();
      const broken = await t.api('GET', '/api/admin/audit', { token: admin });
      expect(broken.body.differences).toEqual([
        expect.objectContaining({ kind: 'record', key: `stamps/card/${shopper.id}` }),
      ]);
      await t.server.store.db
        .updateTable('plan_records')
        .set({ data: '{"stamps":0}' })
        .where('campaign', '=', 'stamps')
        .execute();
    });
  });
}

describe('a plan registered only in a test, in the admin simulator', () => {
  const backend = backends()[0];
  let t: TestServer;
  beforeAll(async () => {
    // A simulation runs in a worker thread, a fresh module graph: it imports the plan modules the server was given.
    t = await (backend as NonNullable<typeof backend>).start({ planModules: [FIXTURE_MODULE] });
  });
  afterAll(async () => {
    await t?.close();
    unregisterStampCard();
  });

  it('simulates it like any plan', async () => {
    const token = await staffToken(t);
    const start = await t.api('POST', '/api/admin/simulations', {
      token,
      body: { plans: { [STAMP_CARD]: { every: 3 } }, generate: { orders: 300, amountFen: 10_000, repeatBps: 8000 } },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    let sim: { status: string; summary: { kinds?: { kind: string; amountFen: number }[] } | null; error: unknown } = {
      status: 'running',
      summary: null,
      error: null,
    };
    for (let i = 0; i < 600 && sim.status === 'running'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      sim = (await t.api('GET', `/api/admin/simulations/${start.body.id as string}`, { token })).body as typeof sim;
    }
    expect(sim.status, JSON.stringify(sim.error)).toBe('done');
    const stamp = sim.summary?.kinds?.find((k) => k.kind === 'stampBonus');
    expect(stamp?.amountFen).toBeGreaterThan(0);
  });
});
