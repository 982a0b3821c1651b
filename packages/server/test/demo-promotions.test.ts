import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, expectLedgerHealthy, registerShopper, staffToken, type TestServer } from './helpers';
import { joinGroup, sandboxPay, type GroupView } from './group-buy-helpers';

interface Activity {
  id: string;
  title: string;
  priceFen: number;
  groupSize: number;
  hours: number;
  lotteryWinners: number;
  state: string;
  groupsOpen: number;
}

/** `npm start` on a fresh database shows each checkout promotion working, and a shopper can use them at once. */
for (const backend of backends()) {
  describe(`demo data of the checkout promotions (${backend.name})`, () => {
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

    it('opens a 3-person group on the rice, led by a demo shopper who paid in the sandbox, and a lottery group on the tea', async () => {
      const activities = (await t.api('GET', '/api/shop/group-buys')).body.items as Activity[];
      expect(activities.map((a) => [a.title, a.priceFen, a.groupSize, a.hours, a.lotteryWinners, a.state])).toEqual(
        expect.arrayContaining([
          ['五常大米 5kg', 6990, 3, 24, 0, 'running'],
          ['西湖龙井 明前特级 250g', 990, 5, 24, 1, 'running'],
        ]),
      );
      expect(activities).toHaveLength(2);
      const groups = (await t.api('GET', '/api/admin/groups', { token: admin })).body.items as GroupView[];
      expect(groups).toHaveLength(1);
      const group = groups[0];
      expect(group).toMatchObject({ status: 'open', paidCount: 1, seatsLeft: 2 });
      expect(group?.members.map((m) => [m.seat, m.name, m.outcome])).toEqual([[1, '188****0010', 'seated']]);
      const paid = await t.server.store.db
        .selectFrom('transfers')
        .select(['from_account', 'to_account', 'amount_fen', 'simulated_fen'])
        .where('order_id', '=', group?.members[0]?.orderId ?? '')
        .execute();
      expect(paid).toEqual([
        { from_account: 'gateway:sandbox', to_account: 'platform:escrow', amount_fen: 6990n, simulated_fen: 6990n },
      ]);

      // The demo group is a real one: two shoppers join and pay, and it succeeds.
      for (const s of [await registerShopper(t), await registerShopper(t)]) {
        const joined = await joinGroup(t, s.token, group?.id ?? '');
        expect(joined.status, JSON.stringify(joined.body)).toBe(201);
        await sandboxPay(t, s.token, (joined.body.order as { id: string }).id);
      }
      const after = await t.api('GET', `/api/shop/groups/${group?.id ?? ''}`);
      expect(after.body.group).toMatchObject({ status: 'succeeded', paidCount: 3 });
    });

    it('sells an open blind-box series on its own product, with weights, values, a daily cap and a guarantee text', async () => {
      const series = (await t.api('GET', '/api/shop/blind-boxes')).body.items as {
        title: string;
        status: string;
        priceFen: number;
        dailyCapFen: number;
        guarantee: string;
        seedHash: string;
        serverSeed: string | null;
        items: { name: string; valueFen: number; weight: number }[];
      }[];
      expect(series).toHaveLength(1);
      const box = series[0];
      expect(box).toMatchObject({ title: '萌宠盲盒 第一弹', status: 'open', priceFen: 5900, dailyCapFen: 50_000 });
      expect(box?.serverSeed).toBeNull();
      expect(box?.seedHash).toMatch(/^[0-9a-f]{64}$/);
      expect(box?.guarantee).toContain('无保底');
      expect(box?.items.map((i) => i.weight)).toEqual([1, 4, 20, 25, 25, 25]);
      expect(box?.items.every((i) => i.valueFen > 0)).toBe(true);
    });

    it('takes presale deposits now with 定金膨胀, the balance window later', async () => {
      const presales = (await t.api('GET', '/api/shop/presales')).body.items as {
        priceFen: number;
        skuPriceFen: number;
        depositFen: number;
        countsAsFen: number;
        balanceFen: number;
        phase: string;
        depositEndsAt: string;
        balanceStartsAt: string;
      }[];
      expect(presales).toHaveLength(1);
      const p = presales[0];
      expect(p).toMatchObject({
        skuPriceFen: 129_900,
        priceFen: 99_900,
        depositFen: 10_000,
        countsAsFen: 30_000,
        balanceFen: 69_900,
        phase: 'deposit',
      });
      expect(Date.parse(p?.balanceStartsAt ?? '')).toBeGreaterThan(Date.now());
    });
  });
}
