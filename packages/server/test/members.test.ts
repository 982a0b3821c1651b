import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  buyItemsAndReceive,
  expectLedgerHealthy,
  registerShopper,
  staffToken,
  type ApiAnswer,
  type TestServer,
} from './helpers';

/**
 * Issue 9 parts 3 and 4 over HTTP: the member level ladder (the demo's 普通/银卡/金卡), promotion by settled spend,
 * a level set by hand and logged, the ladder frozen once per-level campaigns use it, and regional agents appointed
 * and dismissed, paid by the orders shipped into their region and seeing those orders.
 */
interface LevelView {
  level: { code: string } | null;
  next: { code: string } | null;
  spendFen: number;
  spendToNextFen: number | null;
}
const errorCode = (a: ApiAnswer) => (a.body.error as { code: string } | undefined)?.code;
const userLevel = (a: ApiAnswer) => (a.body.user as { level: string | null }).level;

interface Entry {
  amountFen: number;
  reason: string;
  orderId: string | null;
}

for (const backend of backends()) {
  describe(`member levels and agents (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    let tea: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
      const products = await t.api('GET', '/api/shop/products');
      const items = products.body.items as { title: string; skus: { id: string; priceFen: number }[] }[];
      tea = items.find((p) => p.title.startsWith('西湖龙井'))?.skus[0]?.id ?? '';
      expect(tea).not.toBe('');
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    const settle = async () => {
      const run = await t.api('POST', '/api/admin/settlement/run', { token: admin });
      expect(run.status).toBe(200);
    };
    const walletOf = async (user: string): Promise<Entry[]> => {
      const ledger = await t.api('GET', `/api/admin/ledger?account=user:${user}:wallet&pageSize=200`, { token: admin });
      return ledger.body.items as Entry[];
    };
    const levelOf = async (token: string) =>
      (await t.api('GET', '/api/shop/me/level', { token })).body as unknown as LevelView;

    it('a shopper starts at the lowest level and is promoted when settled spend reaches a threshold', async () => {
      const ladder = await t.api('GET', '/api/admin/levels', { token: admin });
      expect(ladder.body.items).toEqual([
        { code: 'normal', name: '普通', rank: 0, minSpendFen: 0 },
        { code: 'silver', name: '银卡', rank: 1, minSpendFen: 100_000 },
        { code: 'gold', name: '金卡', rank: 2, minSpendFen: 500_000 },
      ]);
      const s = await registerShopper(t);
      const fresh = await levelOf(s.token);
      expect(fresh.level?.code).toBe('normal');
      expect(fresh.next?.code).toBe('silver');
      expect(fresh.spendToNextFen).toBe(100_000);
      await buyItemsAndReceive(t, s.token, admin, [{ skuId: tea, quantity: 2 }]);
      await settle();
      const after = await levelOf(s.token);
      expect(after.spendFen).toBe(73_600);
      expect(after.level?.code).toBe('normal');
      expect(after.spendToNextFen).toBe(100_000 - 73_600);
      await buyItemsAndReceive(t, s.token, admin, [{ skuId: tea, quantity: 1 }]);
      await settle();
      const promoted = await levelOf(s.token);
      expect(promoted.level?.code).toBe('silver');
      expect(promoted.spendToNextFen).toBe(500_000 - 110_400);
      const list = await t.api('GET', `/api/admin/users?q=${s.phone}`, { token: admin });
      expect((list.body.items as { id: string; level: string }[]).find((u) => u.id === s.id)?.level).toBe('silver');
    });

    it('staff set a level by hand (logged); the 级差 campaign pays the upline by the level set', async () => {
      const a = await registerShopper(t);
      const b = await registerShopper(t, a.inviteCode);
      const set = await t.api('PUT', `/api/admin/users/${a.id}/level`, { token: admin, body: { level: 'gold' } });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      const detail = await t.api('GET', `/api/admin/users/${a.id}`, { token: admin });
      expect(userLevel(detail)).toBe('gold');
      const log = await t.api('GET', `/api/admin/member-log?user=${a.id}`, { token: admin });
      expect((log.body.items as { action: string; actor: string }[])[0]).toMatchObject({
        action: 'level_set',
        actor: 'staff:admin',
      });
      const unknown = await t.api('PUT', `/api/admin/users/${a.id}/level`, { token: admin, body: { level: 'jade' } });
      expect(unknown.status).toBe(404);
      expect(errorCode(unknown)).toBe('level_not_found');
      expect(userLevel(await t.api('GET', `/api/admin/users/${a.id}`, { token: admin }))).toBe('gold');

      const order = await buyItemsAndReceive(t, b.token, admin, [{ skuId: tea, quantity: 1 }]);
      await settle();
      const credits = (await walletOf(a.id)).filter((e) => e.orderId === order);
      // gold's rate 400 bps of 36,800 fen; A has not bought, so the buyers-only promotion commission pays nothing.
      expect(credits.map((e) => [e.reason, e.amountFen])).toEqual([['levelDifferential', 1472]]);
    });

    it('the ladder is frozen once per-level campaigns use it; names and thresholds stay editable', async () => {
      const add = await t.api('POST', '/api/admin/levels', {
        token: admin,
        body: { code: 'diamond', name: '钻石', minSpendFen: 2_000_000 },
      });
      expect(add.status).toBe(409);
      expect(errorCode(add)).toBe('levels_in_use');
      const reorder = await t.api('PUT', '/api/admin/levels-order', {
        token: admin,
        body: { codes: ['normal', 'gold', 'silver'] },
      });
      expect(reorder.status).toBe(409);
      const bad = await t.api('PUT', '/api/admin/levels/gold', { token: admin, body: { minSpendFen: 50_000 } });
      expect(bad.status).toBe(422);
      const lowest = await t.api('PUT', '/api/admin/levels/normal', { token: admin, body: { minSpendFen: 10 } });
      expect(lowest.status).toBe(422);
      const edit = await t.api('PUT', '/api/admin/levels/silver', {
        token: admin,
        body: { name: '银卡会员', minSpendFen: 200_000 },
      });
      expect(edit.status, JSON.stringify(edit.body)).toBe(200);
      expect((edit.body.items as unknown[])[1]).toEqual({
        code: 'silver',
        name: '银卡会员',
        rank: 1,
        minSpendFen: 200_000,
      });
      const s = await registerShopper(t);
      expect((await levelOf(s.token)).spendToNextFen).toBe(200_000);
    });

    it('an agent appointed to a province is paid by orders shipped there, sees them, and is paid no more once dismissed', async () => {
      const agent = await registerShopper(t);
      const buyer = await registerShopper(t);
      const appoint = await t.api('POST', `/api/admin/users/${agent.id}/agent/appoint`, {
        token: admin,
        body: { region: ['浙江省'] },
      });
      expect(appoint.status, JSON.stringify(appoint.body)).toBe(200);
      expect(appoint.body.items).toMatchObject([{ userId: agent.id, region: ['浙江省'] }]);
      const twice = await t.api('POST', `/api/admin/users/${agent.id}/agent/appoint`, {
        token: admin,
        body: { region: ['浙江省'] },
      });
      expect(twice.status).toBe(409);
      expect(errorCode(twice)).toBe('agent_exists');

      const paid = await buyItemsAndReceive(t, buyer.token, admin, [{ skuId: tea, quantity: 1 }]);
      await settle();
      const credits = (await walletOf(agent.id)).filter((e) => e.orderId === paid);
      // The demo's province rate: 100 bps of 36,800 fen.
      expect(credits.map((e) => [e.reason, e.amountFen])).toEqual([['regionalAgent', 368]]);
      const mine = await t.api('GET', '/api/shop/me/agent-orders', { token: agent.token });
      expect(mine.status).toBe(200);
      expect(mine.body.regions).toMatchObject([{ region: ['浙江省'] }]);
      expect(mine.body.items).toEqual([
        expect.objectContaining({
          orderId: paid,
          amountFen: 36_800,
          region: ['浙江省', '杭州市', '西湖区'],
          rewardFen: 368,
        }),
      ]);
      const detail = await t.api('GET', `/api/admin/users/${agent.id}`, { token: admin });
      expect(detail.body.agencies).toMatchObject([{ region: ['浙江省'] }]);

      const dismiss = await t.api('POST', `/api/admin/users/${agent.id}/agent/dismiss`, {
        token: admin,
        body: { region: ['浙江省'] },
      });
      expect(dismiss.status).toBe(200);
      expect(dismiss.body.items).toEqual([]);
      const again = await t.api('POST', `/api/admin/users/${agent.id}/agent/dismiss`, {
        token: admin,
        body: { region: ['浙江省'] },
      });
      expect(again.status).toBe(404);
      expect(errorCode(again)).toBe('agent_not_found');
      const unpaid = await buyItemsAndReceive(t, buyer.token, admin, [{ skuId: tea, quantity: 1 }]);
      await settle();
      expect((await walletOf(agent.id)).filter((e) => e.orderId === unpaid)).toEqual([]);
      const log = await t.api('GET', `/api/admin/member-log?user=${agent.id}`, { token: admin });
      expect((log.body.items as { action: string }[]).map((e) => e.action)).toEqual([
        'agent_dismissed',
        'agent_appointed',
      ]);
    });

    it('the seeded demo agents hold 广东省, 深圳市 and 南山区', async () => {
      const agents = await t.api('GET', '/api/admin/agents', { token: admin });
      const regions = (agents.body.items as { region: string[] }[]).map((a) => a.region.join('/'));
      expect(regions).toEqual(expect.arrayContaining(['广东省', '广东省/深圳市', '广东省/深圳市/南山区']));
    });
  });
}
