import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, expectLedgerHealthy, fundedInviter, makeProduct, staffToken, type TestServer } from './helpers';

/** Issue 13, 操作日志: every admin write with who, when, what, before and after, IP; searchable and exported. */
interface Entry {
  id: string;
  at: string;
  staffUsername: string;
  action: string;
  entity: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string;
  method: string;
  path: string;
}

for (const backend of backends()) {
  describe(`operation log (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    const log = async (query: string, token = admin) => {
      const answer = await t.api('GET', `/api/admin/operations${query}`, { token });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body as { items: Entry[]; total: number; actions: string[] };
    };

    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('every admin write route states what it logs', () => {
      const writes = t.server.app.adminRoutes.filter((r) => r.method !== 'GET');
      expect(writes.length).toBeGreaterThan(30);
      expect(writes.filter((r) => !r.logged).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    });

    it('keeps a product edit with the staff member, IP, and the product before and after', async () => {
      const { productId } = await makeProduct(t, admin, { priceFen: 1000, stock: 5 });
      const current = (await t.api('GET', `/api/admin/products/${productId}`, { token: admin })).body.product as {
        title: string;
        skus: { id: string; name: string; priceFen: number; costFen: number; stock: number }[];
      };
      const edited = await t.api('PUT', `/api/admin/products/${productId}`, {
        token: admin,
        body: { title: '改名后的商品', skus: current.skus.map((s) => ({ ...s, stock: 9 })) },
      });
      expect(edited.status).toBe(200);
      const { items } = await log(`?entityId=${productId}`);
      expect(items.map((e) => e.action)).toEqual(['product.update', 'product.create']);
      const [update, create] = items as [Entry, Entry];
      expect(update.staffUsername).toBe('admin');
      expect(update.ip).toMatch(/127\.0\.0\.1|::1/);
      expect(update.method).toBe('PUT');
      expect(update.before?.title).toBe(current.title);
      expect(update.after?.title).toBe('改名后的商品');
      expect((update.before?.skus as { stock: number }[])[0]?.stock).toBe(5);
      expect((update.after?.skus as { stock: number }[])[0]?.stock).toBe(9);
      expect(create.before).toBeNull();
      expect(create.after?.id).toBe(productId);
    });

    it('keeps settings, a campaign acknowledgement and a withdrawal decision with their states', async () => {
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { withdrawFeeBps: 100 } });
      const settings = (await log('?entity=settings')).items[0];
      expect(settings?.before?.withdrawFeeBps).toBe(0);
      expect(settings?.after?.withdrawFeeBps).toBe(100);

      const paused = await t.api('POST', '/api/admin/campaigns/referralCycle/status', {
        token: admin,
        body: { status: 'paused' },
      });
      expect(paused.status, JSON.stringify(paused.body)).toBe(200);
      const on = await t.api('POST', '/api/admin/campaigns/referralCycle/status', {
        token: admin,
        body: { status: 'active', acknowledgeRisk: true },
      });
      expect(on.status, JSON.stringify(on.body)).toBe(200);
      const ack = (await log('?action=campaign.status&entityId=referralCycle')).items[0];
      expect(ack?.before?.status).toBe('paused');
      expect(ack?.after?.status).toBe('active');
      expect(ack?.after?.acknowledgedBy).toBe('staff:admin');

      const finance = await staffToken(t, 'finance');
      const { a } = await fundedInviter(t, admin);
      const requested = await t.api('POST', '/api/shop/me/withdrawals', {
        token: a.token,
        body: { amountFen: 5000, channel: 'alipay' },
      });
      const id = (requested.body.withdrawal as { id: string }).id;
      await t.api('POST', `/api/admin/withdrawals/${id}/reject`, { token: finance, body: { reason: '信息不符' } });
      const decision = (await log(`?entityId=${id}`)).items[0];
      expect(decision?.staffUsername).toBe('finance');
      expect(decision?.action).toBe('withdrawal.reject');
      expect(decision?.before?.status).toBe('requested');
      expect(decision?.after?.status).toBe('rejected');
      expect(decision?.after?.reason).toBe('信息不符');
    });

    it('keeps promotions, the level ladder and what staff set on a shopper with their state before and after', async () => {
      const created = await t.api('POST', '/api/admin/coupon-templates', {
        token: admin,
        body: {
          name: '日志券',
          scope: { kind: 'all' },
          validity: { kind: 'daysFromClaim', days: 7 },
          kind: 'fixed',
          valueFen: 500,
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const templateId = (created.body.template as { id: string }).id;
      await t.api('PUT', `/api/admin/coupon-templates/${templateId}`, { token: admin, body: { name: '改名券' } });
      const coupon = (await log(`?entityId=${templateId}`)).items;
      expect(coupon.map((e) => [e.action, e.entity])).toEqual([
        ['coupon-template.update', 'couponTemplate'],
        ['coupon-template.create', 'couponTemplate'],
      ]);
      expect([coupon[0]?.before?.name, coupon[0]?.after?.name]).toEqual(['日志券', '改名券']);

      const levels = (await t.api('GET', '/api/admin/levels', { token: admin })).body.items as { code: string }[];
      const top = levels[levels.length - 1]?.code ?? '';
      const renamed = await t.api('PUT', `/api/admin/levels/${top}`, { token: admin, body: { name: '日志卡' } });
      expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
      const ladder = (await log('?action=level.update')).items[0];
      expect(ladder?.entity).toBe('levels');
      expect(JSON.stringify(ladder?.before)).not.toContain('日志卡');
      expect(JSON.stringify(ladder?.after)).toContain('日志卡');

      const { a } = await fundedInviter(t, admin);
      expect(
        (await t.api('PUT', `/api/admin/users/${a.id}/level`, { token: admin, body: { level: top } })).status,
      ).toBe(200);
      const appoint = await t.api('POST', `/api/admin/users/${a.id}/agent/appoint`, {
        token: admin,
        body: { region: ['广东省', '深圳市'] },
      });
      expect(appoint.status, JSON.stringify(appoint.body)).toBe(200);
      const shopper = (await log(`?entityId=${a.id}`)).items;
      expect(shopper.map((e) => [e.action, e.entity])).toEqual([
        ['agent.appoint', 'shopper'],
        ['user.level', 'shopper'],
      ]);
      expect(shopper[1]?.after?.level).toBe(top);
      expect(shopper[0]?.before?.agencies).toEqual([]);
      expect(shopper[0]?.after?.agencies).toEqual([expect.objectContaining({ region: ['广东省', '深圳市'] })]);
    });

    it('logs jobs with their answer, skips refused writes, and never keeps a password', async () => {
      const before = (await log('')).total;
      const refused = await t.api('POST', '/api/admin/products/prd_missing/shelf', {
        token: admin,
        body: { onShelf: false },
      });
      expect(refused.status).toBe(404);
      expect((await log('')).total).toBe(before);
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      const job = (await log('?action=settlement.run')).items[0];
      expect(job?.after).toEqual({ settled: expect.any(Number) });
      await t.api('POST', '/api/admin/staff', {
        token: admin,
        body: { username: `pw${Date.now().toString(36)}`, password: 'secret-password-1', role: 'operator' },
      });
      const everything = await t.api('GET', '/api/admin/operations/export', { token: admin });
      expect(JSON.stringify(everything.body)).not.toContain('secret-password-1');
    });

    it('filters by staff, action, time and text, and refuses the log to staff without oplog:read', async () => {
      const byStaff = await log('?staff=finance');
      expect(byStaff.items.length).toBeGreaterThan(0);
      expect(byStaff.items.every((e) => e.staffUsername === 'finance')).toBe(true);
      expect((await log('?action=product.')).items.every((e) => e.action.startsWith('product.'))).toBe(true);
      expect((await log('?q=改名后的商品')).items.map((e) => e.action)).toContain('product.update');
      expect((await log('?from=2999-01-01')).total).toBe(0);
      const all = await log('?pageSize=1');
      expect(all.items).toHaveLength(1);
      expect(all.actions).toEqual(expect.arrayContaining(['product.create', 'settings.update']));
      const operator = await staffToken(t, 'operator');
      expect((await t.api('GET', '/api/admin/operations', { token: operator })).status).toBe(403);
    });

    it('exports the filtered log as CSV and XLSX', async () => {
      const response = await fetch(`${t.url}/api/admin/operations/export?action=withdrawal.`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/csv/);
      const raw = new Uint8Array(await response.arrayBuffer());
      // A byte-order mark first, so Excel reads the Chinese as UTF-8.
      expect([...raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = new TextDecoder().decode(raw).trim().split('\r\n');
      expect(lines[0]).toMatch(/^时间 at,员工 staff,操作 action/);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain('withdrawal.reject');
      expect(lines[1]).toContain('""status"":""rejected""');
      const xlsx = await fetch(`${t.url}/api/admin/operations/export?format=xlsx`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      const bytes = new Uint8Array(await xlsx.arrayBuffer());
      expect([...bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    });
  });
}
