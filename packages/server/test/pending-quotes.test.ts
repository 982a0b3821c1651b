import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, buyAndReceive, expectLedgerHealthy, registerShopper, staffToken, type TestServer } from './helpers';

interface Pending {
  pendingFen: number;
  items: { orderId: string; reason: string; amountFen: number; kind: string }[];
}

/** One counter of this process's /metrics (the registry is per process: tests compare before and after). */
async function quotes(t: TestServer, token: string): Promise<{ forked: number; cached: number }> {
  const text = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const read = (outcome: string): number => {
    const prefix = `mall_pending_quotes_total{outcome="${outcome}"} `;
    const line = text.split('\n').find((l) => l.startsWith(prefix));
    return line === undefined ? 0 : Number(line.slice(prefix.length));
  };
  return { forked: read('forked'), cached: read('cached') };
}

/**
 * Issue 9: the pending wallet is quoted by settling the open orders on a fork of the engine; the quote is kept per
 * engine state, so a burst of wallet reads forks once, and a new event or a change of the open orders quotes again.
 */
for (const backend of backends()) {
  describe(`pending quotes without a fork per request (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    let tea: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      const products = await t.api('GET', '/api/shop/products');
      const items = products.body.items as { title: string; skus: { id: string }[] }[];
      tea = items.find((p) => p.title.startsWith('西湖龙井'))?.skus[0]?.id ?? '';
      expect(tea).not.toBe('');
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('forks once for a burst of reads, again when the open orders change and when an event is applied', async () => {
      const a = await registerShopper(t);
      const first = await buyAndReceive(t, a.token, admin, tea);
      const start = await quotes(t, admin);
      const reads: Pending[] = [];
      for (let i = 0; i < 3; i += 1)
        reads.push((await t.api('GET', '/api/shop/me/pending', { token: a.token })).body as unknown as Pending);
      const wallet = await t.api('GET', '/api/shop/me/wallet', { token: a.token });
      const burst = await quotes(t, admin);
      expect(burst.forked - start.forked).toBe(1);
      expect(burst.cached - start.cached).toBe(3);
      // The tea's 5% cashback of 36,800 fen in three installments, 613 + 613 + 614: the same answer every time.
      expect(reads[0]?.pendingFen).toBe(1_840);
      expect(reads[0]?.items.map((i) => i.amountFen)).toEqual([613, 613, 614]);
      expect(reads[1]).toEqual(reads[0]);
      expect(reads[2]).toEqual(reads[0]);
      expect(wallet.body.pendingFen).toBe(1_840);

      // Another shopper's order reaches its after-sales window: the open orders changed, so a fresh quote.
      const b = await registerShopper(t);
      await buyAndReceive(t, b.token, admin, tea);
      const forB = (await t.api('GET', '/api/shop/me/pending', { token: b.token })).body as unknown as Pending;
      const again = (await t.api('GET', '/api/shop/me/pending', { token: a.token })).body as unknown as Pending;
      const afterB = await quotes(t, admin);
      expect(afterB.forked - burst.forked).toBe(1);
      expect(afterB.cached - burst.cached).toBe(1);
      expect(forB.pendingFen).toBe(1_840);
      expect(again).toEqual(reads[0]);

      // Settlement applies events (the log moves): the next read quotes again, and A's first installment is paid.
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
      const run = await t.api('POST', '/api/admin/settlement/run', { token: admin });
      expect(run.body.settled).toBe(2);
      const settled = (await t.api('GET', '/api/shop/me/pending', { token: a.token })).body as unknown as Pending;
      const afterSettle = await quotes(t, admin);
      // Nothing is left in an after-sales window, so no fork is needed at all; the schedule's records answer.
      expect(afterSettle.forked - afterB.forked).toBe(0);
      expect(settled.pendingFen).toBe(1_227);
      expect(settled.items.every((i) => i.kind === 'installment' && i.orderId === first)).toBe(true);
    });

    it('quotes again after an event while the same orders stay open', async () => {
      const c = await registerShopper(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 7 } });
      await buyAndReceive(t, c.token, admin, tea);
      await t.api('GET', '/api/shop/me/pending', { token: c.token });
      const before = await quotes(t, admin);
      await t.api('GET', '/api/shop/me/pending', { token: c.token });
      expect((await quotes(t, admin)).forked).toBe(before.forked);
      // A level set by hand is an engine event (setLevel) and changes nothing about the open orders.
      const levels = await t.api('GET', '/api/admin/levels', { token: admin });
      const top = (levels.body.items as { code: string }[]).at(-1)?.code;
      const set = await t.api('PUT', `/api/admin/users/${c.id}/level`, { token: admin, body: { level: top } });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      await t.api('GET', '/api/shop/me/pending', { token: c.token });
      expect((await quotes(t, admin)).forked - before.forked).toBe(1);
    });
  });
}
