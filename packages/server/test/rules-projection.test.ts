import { rulesSection } from '@mall/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  buyAndReceive,
  expectLedgerHealthy,
  fundedInviter,
  giftPackSku,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

interface Projection {
  campaign: string;
  orderAmountFen: number;
  promisedFen: number;
  cashFen: number;
  horizon: number;
  newPosition: { units: number; capFen: number; ordersUntilExit: number | null };
  oldestOpen: { order: string; user: string; ordersUntilExit: number | null } | null;
}
interface Section {
  plan: string;
  campaign: string;
  projection: Projection | null;
  example: { fromToday: boolean; steps: { rewards: { kind: string; amountFen: number }[] }[] };
}

/**
 * Issue 9, part 9: the rules page shows, for every live pool campaign, the engine's projection from today's state
 * (orders of today's average size until a position bought now, and the oldest open one, exits), and its worked
 * example starts from today's pool, not an empty one.
 */
for (const backend of backends()) {
  describe(`rules page projections (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    const rules = async (): Promise<Section[]> => {
      const answer = await t.api('GET', '/api/shop/rules');
      expect(answer.status).toBe(200);
      return answer.body.sections as Section[];
    };

    it('projects every live pool from its state, the same answer as the points page, and no other plan', async () => {
      const { a } = await fundedInviter(t, admin);
      const sections = await rules();
      const pools = sections.filter((s) => s.plan === 'appreciationPool');
      expect(pools.map((s) => s.campaign)).toEqual(['appreciationPool']);
      expect(sections.filter((s) => s.plan !== 'appreciationPool').every((s) => s.projection === null)).toBe(true);
      const projection = pools[0]!.projection!;
      const points = await t.api('GET', '/api/shop/pool/projection?campaign=appreciationPool');
      expect(projection).toEqual(points.body);
      // Two gift packs of 100,000 fen settled: today's average order is 100,000 fen.
      expect(projection.orderAmountFen).toBe(100_000);
      expect(projection.cashFen).toBe(60_000);
      // The oldest open position is A's: a first pool position exits no later than one bought after it.
      expect(projection.oldestOpen?.user).toBe(a.id);
      const oldest = projection.oldestOpen?.ordersUntilExit ?? null;
      const fresh = projection.newPosition.ordersUntilExit;
      expect(oldest).not.toBeNull();
      expect(fresh).not.toBeNull();
      expect(oldest!).toBeGreaterThan(0);
      expect(oldest!).toBeLessThanOrEqual(fresh!);
    });

    it("starts the pool's worked example from today's pool, which an empty pool's example does not match", async () => {
      const pool = (await rules()).find((s) => s.plan === 'appreciationPool')!;
      expect(pool.example.fromToday).toBe(true);
      const campaign = await t.api('GET', '/api/admin/campaigns/appreciationPool', { token: admin });
      const params = (campaign.body.campaign as { params: unknown }).params;
      const empty = rulesSection('appreciationPool', params);
      expect(empty.example.fromToday).toBe(false);
      const amounts = (s: { example: { steps: { rewards: { amountFen: number | bigint }[] }[] } }) =>
        s.example.steps.map((st) => st.rewards.map((r) => Number(r.amountFen)));
      expect(amounts(pool)).not.toEqual(amounts(empty));
    });

    it('moves with the log: a new settlement changes the projection the page shows', async () => {
      const before = (await rules()).find((s) => s.plan === 'appreciationPool')!.projection!;
      const shopper = await registerShopper(t);
      await buyAndReceive(t, shopper.token, admin, await giftPackSku(t));
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      const after = (await rules()).find((s) => s.plan === 'appreciationPool')!.projection!;
      expect(after.cashFen).toBeGreaterThan(before.cashFen);
      expect(after.promisedFen).toBeGreaterThan(before.promisedFen);
    });
  });
}
