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
 * Issue 9 part 5 over HTTP: the period setting, an operator's "close the period now", cashback installments paid at
 * closes (the demo's 5% in three installments), and a period closing exactly once, also when two requests or two
 * server processes on one database try at the same moment.
 */
interface Entry {
  amountFen: number;
  reason: string;
  orderId: string | null;
}
const errorCode = (a: ApiAnswer) => (a.body.error as { code: string } | undefined)?.code;

for (const backend of backends()) {
  describe(`periods (${backend.name})`, () => {
    let t: TestServer;
    let other: TestServer;
    let admin: string;
    let tea: string;
    beforeAll(async () => {
      t = await backend.start();
      other = await t.attach();
      admin = await staffToken(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
      const products = await t.api('GET', '/api/shop/products');
      const items = products.body.items as { title: string; skus: { id: string }[] }[];
      tea = items.find((p) => p.title.startsWith('西湖龙井'))?.skus[0]?.id ?? '';
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await other?.close();
      await t?.close();
    });

    const cashbackOf = async (user: string, order: string): Promise<number[]> => {
      const ledger = await t.api('GET', `/api/admin/ledger?account=user:${user}:wallet&pageSize=200`, { token: admin });
      return (ledger.body.items as Entry[])
        .filter((e) => e.orderId === order && e.reason === 'cashback')
        .map((e) => e.amountFen)
        .reverse();
    };
    const setKind = async (periodKind: string) => {
      const answer = await t.api('PUT', '/api/admin/settings', { token: admin, body: { periodKind } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.periodKind).toBe(periodKind);
    };

    it('pays cashback installments at closes, and each period closes once', async () => {
      await setKind('day');
      const bad = await t.api('PUT', '/api/admin/settings', { token: admin, body: { periodKind: 'year' } });
      expect(bad.status).toBe(400);
      const buyer = await registerShopper(t);
      const order = await buyItemsAndReceive(t, buyer.token, admin, [{ skuId: tea, quantity: 1 }]);
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      // share(36,800, 500 bps) = 1,840 in three: 613 at settlement, 613 at the next close, 614 at the one after.
      expect(await cashbackOf(buyer.id, order)).toEqual([613]);

      const first = await t.api('POST', '/api/admin/periods/close', { token: admin });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.key).toMatch(/^day:\d{4}-\d{2}-\d{2}$/);
      expect(await cashbackOf(buyer.id, order)).toEqual([613, 613]);
      const again = await t.api('POST', '/api/admin/periods/close', { token: admin });
      expect(again.status).toBe(409);
      expect(errorCode(again)).toBe('period_already_closed');
      expect(await cashbackOf(buyer.id, order)).toEqual([613, 613]);

      // A new period (weekly now): two requests on two server processes at once, exactly one closes it.
      await setKind('week');
      const otherAdmin = await staffToken(other);
      const both = await Promise.all([
        t.api('POST', '/api/admin/periods/close', { token: admin }),
        other.api('POST', '/api/admin/periods/close', { token: otherAdmin }),
      ]);
      expect(both.map((a) => a.status).sort()).toEqual([200, 409]);
      expect(await cashbackOf(buyer.id, order)).toEqual([613, 613, 614]);

      const periods = await t.api('GET', '/api/admin/periods', { token: admin });
      expect(periods.body.current).toMatchObject({ kind: 'week', closed: true });
      const closes = periods.body.closes as { key: string; closedBy: string }[];
      expect(closes.map((c) => c.key.split(':')[0])).toEqual(['week', 'day']);
      expect(closes.every((c) => c.closedBy === 'staff:admin')).toBe(true);

      // The schedule is done: a later close pays this order nothing more.
      await setKind('month');
      expect((await t.api('POST', '/api/admin/periods/close', { token: admin })).status).toBe(200);
      expect(await cashbackOf(buyer.id, order)).toEqual([613, 613, 614]);
    });

    it('the wallet shows as pending what settlement will pay and the installments still to come, and when', async () => {
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 7 } });
      const buyer = await registerShopper(t);
      const order = await buyItemsAndReceive(t, buyer.token, admin, [{ skuId: tea, quantity: 1 }]);
      const pending = await t.api('GET', '/api/shop/me/pending', { token: buyer.token });
      expect(pending.status, JSON.stringify(pending.body)).toBe(200);
      const items = pending.body.items as {
        orderId: string;
        reason: string;
        amountFen: number;
        kind: string;
        paysAt: string;
      }[];
      expect(items.map((i) => [i.orderId, i.reason, i.kind, i.amountFen])).toEqual([
        [order, 'cashback', 'settlement', 613],
        [order, 'cashback', 'installment', 613],
        [order, 'cashback', 'installment', 614],
      ]);
      // Settlement pays 7 days after receipt; the installments at the ends of the next two periods (monthly now).
      const days = (Date.parse(items[0]?.paysAt ?? '') - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThanOrEqual(7);
      expect(pending.body.pendingFen).toBe(1840);
      const wallet = await t.api('GET', '/api/shop/me/wallet', { token: buyer.token });
      expect(wallet.body.pendingFen).toBe(1840);

      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      const after = await t.api('GET', '/api/shop/me/pending', { token: buyer.token });
      expect(after.body.pendingFen).toBe(1227);
      expect((after.body.items as { kind: string }[]).every((i) => i.kind === 'installment')).toBe(true);
      expect(await cashbackOf(buyer.id, order)).toEqual([613]);
    });
  });
}
