import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, startServer } from '../src/index';
import {
  ADMIN_PASSWORD,
  backends,
  createOrder,
  expectLedgerHealthy,
  fundedInviter,
  makeProduct,
  registerShopper,
  staffToken,
  type TestServer,
  productionPayments,
} from './helpers';

/**
 * Issue 7, finding 1: the sandbox handed out free money. In production it does not exist; in demo mode the ledger
 * knows which money is simulated and never pays it out through a real channel.
 */
const PRODUCTION_PASSWORD = 'a-long-production-password';

async function accountState(t: TestServer, address: string): Promise<{ balance: bigint; simulated: bigint }> {
  const row = await t.server.store.db
    .selectFrom('accounts')
    .select(['balance_fen', 'simulated_fen'])
    .where('address', '=', address)
    .executeTakeFirst();
  return { balance: row?.balance_fen ?? 0n, simulated: row?.simulated_fen ?? 0n };
}

for (const backend of backends()) {
  describe(`production mode has no sandbox (${backend.name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await backend.start({ environment: 'production', adminPassword: PRODUCTION_PASSWORD });
    });
    afterAll(() => t.close());

    it('answers 404 on every sandbox route and refuses the sandbox channel, so the free-money chain gets nothing', async () => {
      const admin = await t.api('POST', '/api/admin/login', {
        body: { username: 'admin', password: PRODUCTION_PASSWORD },
      });
      expect(admin.status).toBe(200);
      const token = admin.body.token as string;
      const { skuId } = await makeProduct(t, token, { priceFen: 100_000, stock: 10 });
      const r = await registerShopper(t);
      const invitee = await registerShopper(t, r.inviteCode);
      const order = await createOrder(t, invitee.token, skuId);
      expect(order.status).toBe(201);
      const orderId = (order.body.order as { id: string }).id;
      const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, {
        token: invitee.token,
        body: { channel: 'sandbox' },
      });
      expect(pay.status).toBe(422);
      expect(pay.body.error?.code).toBe('channel_unavailable');
      for (const [method, path] of [
        ['POST', '/api/sandbox/payments/pay_x/succeed'],
        ['GET', '/api/sandbox/payments/pay_x'],
        ['POST', '/api/payments/sandbox/notify'],
      ] as const) {
        const answer = await t.api(method, path, method === 'POST' ? { body: {} } : {});
        expect(answer.status, `${method} ${path}`).toBe(404);
      }
      const settings = await t.api('GET', '/api/shop/settings');
      expect(settings.body.environment).toBe('production');
      const payments = await t.server.store.db.selectFrom('payments').selectAll().execute();
      expect(payments).toEqual([]);
    });

    it('keeps the API document for staff only', async () => {
      expect((await t.api('GET', '/api/openapi.json')).status).toBe(401);
      expect((await fetch(`${t.url}/api/docs`)).status).toBe(401);
      const login = await t.api('POST', '/api/admin/login', {
        body: { username: 'admin', password: PRODUCTION_PASSWORD },
      });
      const token = login.body.token as string;
      expect((await t.api('GET', '/api/admin/me', { token })).body.environment).toBe('production');
      expect((await t.api('GET', '/api/openapi.json', { token })).status).toBe(200);
      const page = await fetch(`${t.url}/api/docs`, { headers: { cookie: `mall_staff_token=${token}` } });
      expect(page.status).toBeLessThan(400);
    });
  });

  describe(`production refuses what a demo mall has (${backend.name})`, () => {
    it('refuses a demo database, demo data, and a missing or short first admin password', async () => {
      const demo = await backend.start();
      try {
        await expect(
          startServer({
            databaseUrl: demo.databaseUrl,
            port: 0,
            environment: 'production',
            adminPassword: PRODUCTION_PASSWORD,
            logLevel: 'silent',
            payments: productionPayments(),
          }),
        ).rejects.toThrow(/demo data/);
      } finally {
        await demo.close();
      }
      await expect(backend.start({ environment: 'production', adminPassword: 'short' })).rejects.toThrow(
        /MALL_ADMIN_PASSWORD/,
      );
      await expect(
        backend.start({ environment: 'production', adminPassword: PRODUCTION_PASSWORD, seedDemo: true }),
      ).rejects.toThrow(/demo data/);
    });
  });

  describe(`the ledger knows simulated money (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
    });
    afterAll(() => t.close());

    it('says so in demo mode', async () => {
      const settings = await t.api('GET', '/api/shop/settings');
      expect(settings.body.environment).toBe('demo');
    });

    it('marks rebates of sandbox-paid orders simulated, spends them first in the mall, and pays them out only to the sandbox', async () => {
      const { a } = await fundedInviter(t, admin);
      const wallet = `user:${a.id}:wallet`;
      expect(await accountState(t, wallet)).toEqual({ balance: 10_000n, simulated: 10_000n });
      const view = await t.api('GET', '/api/shop/me/wallet', { token: a.token });
      expect(view.body.simulatedFen).toBe(10_000);

      // Paying in the mall with the wallet spends simulated money first, and the order carries that share.
      const { skuId } = await makeProduct(t, admin, { priceFen: 3_000, stock: 5 });
      const order = await createOrder(t, a.token, skuId);
      const orderId = (order.body.order as { id: string }).id;
      const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, {
        token: a.token,
        body: { channel: 'wallet' },
      });
      expect(pay.status).toBe(200);
      const paid = await t.server.store.db
        .selectFrom('orders')
        .select('simulated_fen')
        .where('id', '=', orderId)
        .executeTakeFirstOrThrow();
      expect(paid.simulated_fen).toBe(3_000n);
      expect(await accountState(t, wallet)).toEqual({ balance: 7_000n, simulated: 7_000n });

      // A withdrawal of it is simulated; paying it sends it back to the sandbox gateway, never to a real payout.
      const w = await t.api('POST', '/api/shop/me/withdrawals', {
        token: a.token,
        body: { amountFen: 5_000, channel: 'wechat' },
      });
      expect(w.status).toBe(200);
      const withdrawal = w.body.withdrawal as { id: string; simulatedFen: number };
      expect(withdrawal.simulatedFen).toBe(5_000);
      const finance = await staffToken(t, 'finance');
      expect((await t.api('POST', `/api/admin/withdrawals/${withdrawal.id}/approve`, { token: finance })).status).toBe(
        200,
      );
      expect((await t.api('POST', `/api/admin/withdrawals/${withdrawal.id}/paid`, { token: finance })).status).toBe(
        200,
      );
      const payout = await t.server.store.db
        .selectFrom('transfers')
        .selectAll()
        .where('id', '=', `withdrawal-payout:${withdrawal.id}`)
        .executeTakeFirstOrThrow();
      expect(payout.to_account).toBe('gateway:sandbox');
      expect(payout.reason).toBe('withdrawal_paid_simulated');
      expect(payout.simulated_fen).toBe(5_000n);
      expect((await accountState(t, 'gateway:payout')).balance).toBe(0n);
      await expectLedgerHealthy(t);
    });

    it('refuses to pay simulated money through a real channel once the same ledger runs in production', async () => {
      const { a } = await fundedInviter(t, admin);
      // WeChat: the production start below configures Alipay only, so this one would be paid by hand.
      const w = await t.api('POST', '/api/shop/me/withdrawals', {
        token: a.token,
        body: { amountFen: 10_000, channel: 'wechat' },
      });
      const id = (w.body.withdrawal as { id: string }).id;
      const finance = await staffToken(t, 'finance');
      expect((await t.api('POST', `/api/admin/withdrawals/${id}/approve`, { token: finance })).status).toBe(200);
      // Someone strips the demo markers and starts the same database in production.
      await t.stop();
      const store = openStore(t.databaseUrl);
      try {
        await store.db.deleteFrom('kv').where('key', 'in', ['seeded', 'demo_admin_password']).execute();
      } finally {
        await store.close();
      }
      const again = await t.attach({ environment: 'production', adminPassword: PRODUCTION_PASSWORD });
      try {
        const login = await again.api('POST', '/api/admin/login', {
          body: { username: 'finance', password: ADMIN_PASSWORD },
        });
        expect(login.status).toBe(200);
        const paid = await again.api('POST', `/api/admin/withdrawals/${id}/paid`, {
          token: login.body.token as string,
        });
        expect(paid.status).toBe(409);
        expect(paid.body.error?.code).toBe('simulated_money');
        const row = await again.server.store.db
          .selectFrom('withdrawals')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        expect(row.status).toBe('approved');
      } finally {
        await again.stop();
      }
    });
  });
}
