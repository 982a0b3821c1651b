import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  buyAndReceive,
  expectLedgerHealthy,
  giftPackSku,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

for (const backend of backends()) {
  describe(`seed story over HTTP (${backend.name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await backend.start();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('pays A 100/200/700 yuan for B, C, D and mints the SPEC positions, with a clean audit', async () => {
      const admin = await staffToken(t);
      const settings = await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
      expect(settings.status).toBe(200);
      expect(settings.body.afterSalesDays).toBe(0);
      const sku = await giftPackSku(t);
      const a = await registerShopper(t);
      const b = await registerShopper(t, a.inviteCode);
      const c = await registerShopper(t, a.inviteCode);
      const d = await registerShopper(t, a.inviteCode);
      const me = await t.api('GET', '/api/shop/me', { token: b.token });
      expect((me.body.user as { referrer: { id: string } }).referrer.id).toBe(a.id);

      for (const shopper of [a, b, c, d]) {
        await buyAndReceive(t, shopper.token, admin, sku);
        const run = await t.api('POST', '/api/admin/settlement/run', { token: admin });
        expect(run.status).toBe(200);
        expect(run.body.settled).toBe(1);
      }

      const wallet = await t.api('GET', '/api/shop/me/wallet', { token: a.token });
      expect(wallet.status).toBe(200);
      expect(wallet.body.balanceFen).toBe(100_000);
      const rebates = (wallet.body.entries as { amountFen: number; reason: string }[])
        .filter((e) => e.reason === 'referralCycle')
        .map((e) => e.amountFen);
      expect(rebates.sort((x, y) => x - y)).toEqual([10_000, 20_000, 70_000]);

      const units: number[] = [];
      for (const shopper of [a, b, c, d]) {
        const positions = await t.api('GET', '/api/shop/me/positions', { token: shopper.token });
        expect(positions.status).toBe(200);
        const list = positions.body.positions as { units: number; capFen: number; status: string }[];
        expect(list).toHaveLength(1);
        expect(list[0]?.capFen).toBe(200_000);
        expect(list[0]?.status).toBe('open');
        units.push(list[0]?.units ?? -1);
      }
      expect(units).toEqual([210_000_000, 147_000_000, 124_950_000, 112_455_000]);

      const pool = await t.api('GET', '/api/admin/pool', { token: admin });
      expect(pool.body.cashFen).toBe(120_000);
      expect(pool.body.supplyUnits).toBe(210_000_000 + 147_000_000 + 124_950_000 + 112_455_000);

      const invitations = await t.api('GET', '/api/shop/me/invitations', { token: a.token });
      expect((invitations.body.invitees as unknown[]).length).toBe(3);
      expect((invitations.body.cycles as { rewardCount: number }[])[0]?.rewardCount).toBe(3);

      await expectLedgerHealthy(t);
    });

    it('rebuilds the engine from the event log after a restart and keeps settling from where it was', async () => {
      const admin = await staffToken(t);
      const sku = await giftPackSku(t);
      const inviter = (await t.api('GET', '/api/admin/users?pageSize=200', { token: admin })).body.items as {
        id: string;
        inviteCode: string;
        referrerId: string | null;
      }[];
      const a = inviter.find((u) => u.referrerId === null);
      expect(a).toBeDefined();
      t = await t.restart();
      const admin2 = await staffToken(t);
      const e = await registerShopper(t, a?.inviteCode);
      await buyAndReceive(t, e.token, admin2, sku);
      const run = await t.api('POST', '/api/admin/settlement/run', { token: admin2 });
      expect(run.body.settled).toBe(1);
      // The 4th reward of A's cycle starts over at 10%.
      const user = await t.api('GET', `/api/admin/users/${a?.id}`, { token: admin2 });
      expect((user.body.wallet as { balanceFen: number }).balanceFen).toBe(110_000);
      await expectLedgerHealthy(t);
      void admin;
    });
  });
}
