import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

const run = promisify(execFile);
const MALL = join(import.meta.dirname, '..', 'bin', 'mall.js');

for (const backend of backends().filter((b) => b.name === 'postgres')) {
  describe('two servers on one PostgreSQL', () => {
    let one: TestServer;
    let two: TestServer;
    beforeAll(async () => {
      one = await backend.start();
      two = await one.attach();
    });
    afterAll(async () => {
      await two?.close();
      if (one) await expectLedgerHealthy(one);
      await one?.close();
    });

    it('settles every order exactly once when both run the settlement at the same time, each catching up with the other', async () => {
      const adminOne = await staffToken(one);
      const adminTwo = await staffToken(two);
      await one.api('PUT', '/api/admin/settings', { token: adminOne, body: { afterSalesDays: 0 } });
      const sku = await giftPackSku(one);
      const root = await registerShopper(one);
      const shoppers = [root];
      for (let i = 0; i < 7; i += 1) shoppers.push(await registerShopper(i % 2 === 0 ? one : two, root.inviteCode));
      for (const [i, s] of shoppers.entries())
        await buyAndReceive(i % 2 === 0 ? one : two, s.token, i % 2 === 0 ? adminOne : adminTwo, sku);
      const runs = await Promise.all([
        one.api('POST', '/api/admin/settlement/run', { token: adminOne }),
        two.api('POST', '/api/admin/settlement/run', { token: adminTwo }),
      ]);
      expect(runs.reduce((sum, r) => sum + Number(r.body.settled), 0)).toBe(8);
      // Later settlements on either server continue the same cycle: the 8th buyer is the root's 7th reward (10%).
      const more = await registerShopper(two, root.inviteCode);
      await buyAndReceive(two, more.token, adminTwo, sku);
      expect((await one.api('POST', '/api/admin/settlement/run', { token: adminOne })).body.settled).toBe(1);
      const wallet = await two.api('GET', '/api/shop/me/wallet', { token: root.token });
      // 7 invitees: 100+200+700+100+200+700+100 yuan, then the 8th: 200 yuan.
      expect(wallet.body.balanceFen).toBe((10_000 + 20_000 + 70_000) * 2 + 10_000 + 20_000);
      await expectLedgerHealthy(two);
    });
  });
}

for (const backend of backends().filter((b) => b.name === 'sqlite')) {
  describe('mall audit (CLI)', () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await backend.start();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('exits 0 on a consistent database and 1, listing the differences, when a stored balance was tampered with', async () => {
      const admin = await staffToken(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
      const shopper = await registerShopper(t);
      await buyAndReceive(t, shopper.token, admin, await giftPackSku(t));
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      await t.stop();
      const env = { ...process.env, DATABASE_URL: t.databaseUrl };
      const clean = await run(process.execPath, [MALL, 'audit'], { env });
      expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, differences: [] });
      const { default: Database } = await import('better-sqlite3');
      const raw = new Database(t.databaseUrl.slice('sqlite:'.length));
      raw
        .prepare("update accounts set balance_fen = balance_fen + 1 where address = 'pool:appreciationPool:cash'")
        .run();
      const position = raw.prepare("select key, data from plan_records where kind = 'position'").get() as {
        key: string;
        data: string;
      };
      const data = JSON.parse(position.data) as { units: { $big: string } };
      data.units.$big = String(BigInt(data.units.$big) + 5n);
      raw
        .prepare("update plan_records set data = ? where kind = 'position' and key = ?")
        .run(JSON.stringify(data), position.key);
      raw.close();
      const dirty = await run(process.execPath, [MALL, 'audit'], { env }).then(
        () => {
          throw new Error('mall audit exited 0 on a tampered database');
        },
        (error: { code: number; stdout: string }) => error,
      );
      expect(dirty.code).toBe(1);
      const report = JSON.parse(dirty.stdout) as { ok: boolean; differences: { kind: string }[] };
      expect(report.ok).toBe(false);
      expect(report.differences.map((d) => d.kind).sort()).toEqual([
        'account_balance',
        'campaign_account',
        'ledger_total',
        'record',
      ]);
    });
  });
}
