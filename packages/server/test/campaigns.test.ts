import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  buyItemsAndReceive,
  expectLedgerHealthy,
  giftPackSku,
  makeProduct,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/**
 * Issue 8 over HTTP: campaigns of one plan side by side on different products, a parameter edit that applies only to
 * orders settled after it, time windows and status, two pools, category scopes, and the replay of production:
 * `mall audit --export-scenario` then `mall simulate` reproduces every wallet credit of the database.
 */
const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'packages/server/bin/mall.js');

/** Runs the CLI without blocking this process, whose event loop serves the HTTP server under test. */
function mall(args: string[], databaseUrl: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: databaseUrl }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ status: code, stdout, stderr });
      },
    );
  });
}

interface Entry {
  amountFen: number;
  reason: string;
  plan: string | null;
  campaign: string | null;
  version: number | null;
  orderId: string | null;
}

for (const backend of backends()) {
  describe(`campaigns (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    let gift: string;
    let tea: { productId: string; skuId: string };
    let a: Awaited<ReturnType<typeof registerShopper>>;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
      gift = await giftPackSku(t);
      tea = await makeProduct(t, admin, { priceFen: 30_000, stock: 1000 });
      a = await registerShopper(t);
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    const settle = async (): Promise<number> => {
      const run = await t.api('POST', '/api/admin/settlement/run', { token: admin });
      expect(run.status).toBe(200);
      return run.body.settled as number;
    };
    const walletOf = async (user: string): Promise<Entry[]> => {
      const ledger = await t.api('GET', `/api/admin/ledger?account=user:${user}:wallet&pageSize=200`, { token: admin });
      return (ledger.body.items as Entry[]).reverse();
    };

    it('pays two referral cycles on two products at their own rates; an edit applies only to later settlements', async () => {
      const created = await t.api('POST', '/api/admin/campaigns', {
        token: admin,
        body: {
          id: 'tea-cycle',
          plan: 'referralCycle',
          name: '龙井推三返一',
          params: { ratesBps: [500, 1000, 2000] },
          scope: { products: [tea.productId] },
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expect(created.body.campaign).toMatchObject({ id: 'tea-cycle', status: 'draft', version: 1, highRisk: true });
      const refused = await t.api('POST', '/api/admin/campaigns/tea-cycle/status', {
        token: admin,
        body: { status: 'active' },
      });
      expect(refused.body.error?.code).toBe('risk_acknowledgement_required');
      const enabled = await t.api('POST', '/api/admin/campaigns/tea-cycle/status', {
        token: admin,
        body: { status: 'active', acknowledgeRisk: true },
      });
      expect((enabled.body.campaign as { status: string }).status).toBe('active');

      const [b, c, d] = [
        await registerShopper(t, a.inviteCode),
        await registerShopper(t, a.inviteCode),
        await registerShopper(t, a.inviteCode),
      ];
      // A buys the gift pack and the tea in one order: a consumer-merchant in both cycles, bases 100,000 and 30,000.
      await buyItemsAndReceive(t, a.token, admin, [
        { skuId: gift, quantity: 1 },
        { skuId: tea.skuId, quantity: 1 },
      ]);
      expect(await settle()).toBe(1);
      await buyItemsAndReceive(t, b?.token ?? '', admin, [{ skuId: tea.skuId, quantity: 1 }]);
      await settle();
      await buyItemsAndReceive(t, c?.token ?? '', admin, [{ skuId: gift, quantity: 1 }]);
      await settle();
      // D pays before the edit and settles after it: the version in force at settlement pays.
      const dOrder = await buyItemsAndReceive(t, d?.token ?? '', admin, [
        { skuId: gift, quantity: 1 },
        { skuId: tea.skuId, quantity: 1 },
      ]);
      const edit = await t.api('PUT', '/api/admin/campaigns/referralCycle', {
        token: admin,
        body: { params: { ratesBps: [3000] } },
      });
      expect(edit.status, JSON.stringify(edit.body)).toBe(200);
      expect(edit.body).toMatchObject({ newVersion: true, campaign: { version: 2, params: { ratesBps: [3000] } } });
      await settle();

      const credits = (await walletOf(a.id)).map((e) => [e.campaign, e.version, e.reason, e.amountFen]);
      expect(credits).toEqual([
        ['tea-cycle', 1, 'referralCycle', 1_500], // B's tea: 5% of min(30,000, 30,000)
        ['referralCycle', 1, 'referralCycle', 10_000], // C's gift: 10% of 100,000
        ['referralCycle', 2, 'referralCycle', 30_000], // D's gift after the edit: 30% (version 2)
        ['tea-cycle', 1, 'referralCycle', 3_000], // D's tea: the tea cycle's second rate, 10%
      ]);
      expect((await walletOf(a.id)).find((e) => e.amountFen === 30_000)?.orderId).toBe(dOrder);
      const versions = await t.api('GET', '/api/admin/campaigns/referralCycle', { token: admin });
      const list = versions.body.versions as { version: number; seq: number; params: { ratesBps: number[] } }[];
      expect(list.map((v) => [v.version, v.params.ratesBps])).toEqual([
        [2, [3000]],
        [1, [1000, 2000, 7000]],
      ]);
      expect(list[0]?.seq).toBeGreaterThan(list[1]?.seq ?? Infinity);
      const invitations = await t.api('GET', '/api/shop/me/invitations', { token: a.token });
      const cycles = invitations.body.cycles as { campaign: string; rewardCount: number; nextRateBps: number }[];
      expect(cycles.map((x) => [x.campaign, x.rewardCount, x.nextRateBps])).toEqual([
        ['referralCycle', 2, 3000],
        ['tea-cycle', 2, 2000],
      ]);
      await expectLedgerHealthy(t);
    });

    it('does not act outside its window or while paused', async () => {
      const before = (await walletOf(a.id)).length;
      const e = await registerShopper(t, a.inviteCode);
      // The tea cycle's window closed before E pays; the gift cycle is paused.
      const closed = await t.api('PUT', '/api/admin/campaigns/tea-cycle', {
        token: admin,
        body: { endsAt: '2020-01-01T00:00:00.000Z' },
      });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
      expect((closed.body as { newVersion: boolean }).newVersion).toBe(false);
      const paused = await t.api('POST', '/api/admin/campaigns/referralCycle/status', {
        token: admin,
        body: { status: 'paused' },
      });
      expect(paused.status).toBe(200);
      await buyItemsAndReceive(t, e.token, admin, [
        { skuId: gift, quantity: 1 },
        { skuId: tea.skuId, quantity: 1 },
      ]);
      expect(await settle()).toBe(1);
      expect((await walletOf(a.id)).length).toBe(before);
      // The pool still acts: E holds a gift-pack position.
      const positions = await t.api('GET', '/api/shop/me/positions', { token: e.token });
      expect((positions.body.positions as { campaign: string }[]).map((p) => p.campaign)).toEqual(['appreciationPool']);
      const product = await t.api('GET', `/api/shop/products/${tea.productId}`);
      expect((product.body.product as { campaigns: unknown[] }).campaigns).toEqual([]);
      await t.api('POST', '/api/admin/campaigns/referralCycle/status', {
        token: admin,
        body: { status: 'active', acknowledgeRisk: true },
      });
      await t.api('PUT', '/api/admin/campaigns/tea-cycle', { token: admin, body: { endsAt: null } });
      const live = await t.api('GET', `/api/shop/products/${tea.productId}`);
      expect(live.body.product).toMatchObject({ plans: ['referralCycle'], campaigns: [{ id: 'tea-cycle' }] });
    });

    it('keeps two pools apart, each with its own price and positions', async () => {
      const pool = await t.api('POST', '/api/admin/campaigns', {
        token: admin,
        body: {
          id: 'tea-pool',
          plan: 'appreciationPool',
          name: '龙井消费增值',
          params: { initialPriceFen: 50 },
          scope: { products: [tea.productId] },
        },
      });
      expect(pool.status, JSON.stringify(pool.body)).toBe(200);
      await t.api('POST', '/api/admin/campaigns/tea-pool/status', {
        token: admin,
        body: { status: 'active', acknowledgeRisk: true },
      });
      const g = await registerShopper(t);
      const order = await buyItemsAndReceive(t, g.token, admin, [
        { skuId: gift, quantity: 1 },
        { skuId: tea.skuId, quantity: 1 },
      ]);
      await settle();
      const answer = await t.api('GET', '/api/shop/me/positions', { token: g.token });
      const positions = answer.body.positions as { campaign: string; orderId: string; units: number }[];
      // The tea pool starts at 0.5 yuan per point: 30% of 30,000 is 9,000, 70% of it (6,300) buys 126 points.
      expect(positions.find((p) => p.campaign === 'tea-pool')).toMatchObject({ orderId: order, units: 126_000_000 });
      expect(positions.map((p) => p.campaign).sort()).toEqual(['appreciationPool', 'tea-pool']);
      const pools = answer.body.pools as { campaign: string; cashFen: number }[];
      expect(pools.find((p) => p.campaign === 'tea-pool')?.cashFen).toBe(9_000);
      // The order holds a position in both pools: a redemption must name one.
      const ambiguous = await t.api('POST', `/api/shop/me/positions/${order}/redeem/preview`, {
        token: g.token,
        body: { units: 1_000_000 },
      });
      expect(ambiguous.status).toBe(422);
      expect(ambiguous.body.error?.code).toBe('campaign_required');
      const preview = await t.api('POST', `/api/shop/me/positions/${order}/redeem/preview`, {
        token: g.token,
        body: { units: 1_000_000, campaign: 'tea-pool' },
      });
      // One point at 9,000 / 126 points: gross 71 fen (floored), 20% fee stays in the pool.
      expect(preview.body).toEqual({ campaign: 'tea-pool', grossFen: 71, feeFen: 15, paidFen: 56 });
      const history = await t.api('GET', '/api/shop/pool/price-history?campaign=tea-pool');
      expect(history.body.campaign).toBe('tea-pool');
      expect((history.body.items as unknown[]).length).toBe(1);
      await expectLedgerHealthy(t);
    });

    it('scopes a campaign by category, frozen on the order line when the order is placed', async () => {
      const category = await t.api('POST', '/api/admin/categories', {
        token: admin,
        body: { name: `茶 ${backend.name}` },
      });
      const other = await t.api('POST', '/api/admin/categories', {
        token: admin,
        body: { name: `其他 ${backend.name}` },
      });
      const catId = (category.body.category as { id: string }).id;
      const product = await makeProduct(t, admin, { priceFen: 20_000, stock: 10, categoryId: catId });
      const created = await t.api('POST', '/api/admin/campaigns', {
        token: admin,
        body: { plan: 'cashback', name: '茶类返现', params: { rateBps: 1000 }, scope: { categories: [catId] } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const id = (created.body.campaign as { id: string }).id;
      expect(id).toMatch(/^cmp_/);
      // Not a high-risk plan: it is enabled without the acknowledgement.
      const on = await t.api('POST', `/api/admin/campaigns/${id}/status`, { token: admin, body: { status: 'active' } });
      expect(on.status, JSON.stringify(on.body)).toBe(200);
      const h = await registerShopper(t);
      await buyItemsAndReceive(t, h.token, admin, [{ skuId: product.skuId, quantity: 1 }]);
      // The product moves to another category before the order settles: the line keeps the one it was bought in.
      await t.api('PUT', `/api/admin/products/${product.productId}`, {
        token: admin,
        body: {
          title: '换了分类',
          categoryId: (other.body.category as { id: string }).id,
          skus: [{ name: '默认', priceFen: 20_000, costFen: 0, stock: 9 }],
        },
      });
      await settle();
      const credits = (await walletOf(h.id)).map((e) => [e.campaign, e.reason, e.amountFen]);
      expect(credits).toEqual([[id, 'cashback', 2_000]]);
    });

    it('refuses bad campaign input with 4xx and changes nothing', async () => {
      const before = await t.api('GET', '/api/admin/campaigns', { token: admin });
      const cases: [string, string, unknown, number, string][] = [
        ['POST', '/api/admin/campaigns', { plan: 'pyramid', name: 'x' }, 404, 'plan_not_found'],
        [
          'POST',
          '/api/admin/campaigns',
          { plan: 'referralCycle', name: 'x', params: { ratesBps: [] } },
          422,
          'invalid_parameter',
        ],
        [
          'POST',
          '/api/admin/campaigns',
          { plan: 'referralCycle', name: 'x', params: { nope: 1 } },
          422,
          'invalid_parameter',
        ],
        [
          'POST',
          '/api/admin/campaigns',
          { plan: 'cashback', name: 'x', scope: { products: ['prd_none'] } },
          404,
          'product_not_found',
        ],
        ['POST', '/api/admin/campaigns', { id: 'tea-cycle', plan: 'cashback', name: 'x' }, 409, 'campaign_exists'],
        ['POST', '/api/admin/campaigns', { id: 'a:b', plan: 'cashback', name: 'x' }, 422, 'invalid_parameter'],
        ['POST', '/api/admin/campaigns', { plan: 'levelDifferential', name: 'x' }, 422, 'invalid_parameter'],
        [
          'POST',
          '/api/admin/campaigns',
          { plan: 'cashback', name: 'x', startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' },
          422,
          'invalid_parameter',
        ],
        ['PUT', '/api/admin/campaigns/tea-cycle', { scope: null }, 422, 'invalid_parameter'],
        ['PUT', '/api/admin/campaigns/nothing', { name: 'x' }, 404, 'campaign_not_found'],
        ['POST', '/api/admin/campaigns/tea-cycle/status', { status: 'draft' }, 400, 'invalid_request'],
      ];
      for (const [method, path, body, status, code] of cases) {
        const answer = await t.api(method, path, { token: admin, body });
        expect(answer.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`).toBe(status);
        expect(answer.body.error?.code).toBe(code);
      }
      const ended = await t.api('POST', '/api/admin/campaigns/tea-pool/status', {
        token: admin,
        body: { status: 'ended' },
      });
      expect(ended.status).toBe(200);
      const again = await t.api('POST', '/api/admin/campaigns/tea-pool/status', {
        token: admin,
        body: { status: 'active', acknowledgeRisk: true },
      });
      expect(again.body.error?.code).toBe('campaign_transition_not_allowed');
      const edit = await t.api('PUT', '/api/admin/campaigns/tea-pool', { token: admin, body: { name: 'y' } });
      expect(edit.body.error?.code).toBe('campaign_ended');
      const after = await t.api('GET', '/api/admin/campaigns', { token: admin });
      expect((after.body.items as unknown[]).length).toBe((before.body.items as unknown[]).length);
    });

    it('shows the covering campaigns and their margin warnings in the product editor', async () => {
      const thin = await makeProduct(t, admin, {
        priceFen: 10_000,
        costFen: 9_000,
        stock: 5,
        campaigns: ['tea-cycle'],
      });
      const answer = await t.api('GET', `/api/admin/products/${thin.productId}`, { token: admin });
      expect((answer.body.campaigns as { id: string }[]).map((c) => c.id)).toEqual(['tea-cycle']);
      // The cycle's bound is its largest rate (20% here): 2,000 fen on a 1,000 fen margin.
      expect(answer.body.warnings).toEqual([
        expect.objectContaining({ code: 'payout_exceeds_margin', productId: thin.productId }),
      ]);
      const detail = await t.api('GET', '/api/admin/campaigns/tea-cycle', { token: admin });
      expect((detail.body.products as { id: string }[]).map((p) => p.id)).toContain(thin.productId);
      expect((detail.body.warnings as { productId: string }[]).map((w) => w.productId)).toContain(thin.productId);
    });

    it('exports the settled history, and mall simulate on it reproduces every wallet credit to the fen', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mall-export-'));
      const file = join(dir, 'production.json');
      const audit = await mall(['audit', '--export-scenario', file], t.databaseUrl);
      expect(audit.status, audit.stderr).toBe(0);
      expect((JSON.parse(audit.stdout) as { ok: boolean }).ok).toBe(true);
      const scenario = JSON.parse(readFileSync(file, 'utf8')) as { campaigns: unknown[]; events: { type: string }[] };
      expect(scenario.events.filter((e) => e.type === 'campaign').length).toBeGreaterThanOrEqual(6);
      const run = await mall(['simulate', '--scenario', file], t.databaseUrl);
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as {
        wallets: Record<string, number>;
        rewards: {
          kind: string;
          user: string;
          order: string | null;
          amountFen: number;
          campaign: string;
          version: number;
        }[];
      };
      const credits = await t.server.store.db
        .selectFrom('transfers')
        .select(['reason', 'user_id', 'order_id', 'amount_fen', 'campaign', 'version', 'to_account'])
        .where('plan', 'is not', null)
        .where('to_account', 'like', 'user:%')
        .execute();
      const key = (r: {
        kind: string;
        user: string | null;
        order: string | null;
        amountFen: number;
        campaign: string | null;
        version: number | null;
      }) => `${r.campaign} v${r.version} ${r.kind} ${r.user} ${r.order} ${r.amountFen}`;
      const fromDb = credits
        .map((c) =>
          key({
            kind: c.reason,
            user: c.user_id,
            order: c.order_id,
            amountFen: Number(c.amount_fen),
            campaign: c.campaign,
            version: c.version === null ? null : Number(c.version),
          }),
        )
        .sort();
      const fromReplay = result.rewards
        .filter((r) => r.kind !== 'rejected')
        .map(key)
        .sort();
      expect(fromReplay).toEqual(fromDb);
      expect(fromDb.some((k) => k.startsWith('referralCycle v2 '))).toBe(true);
      const byUser = new Map<string, number>();
      for (const c of credits) byUser.set(c.user_id ?? '', (byUser.get(c.user_id ?? '') ?? 0) + Number(c.amount_fen));
      expect(result.wallets).toEqual(Object.fromEntries([...byUser.entries()].sort(([x], [y]) => (x < y ? -1 : 1))));
    });
  });
}

describe('the ledger and the event log refuse what they do not know', () => {
  const sqlite = backends()[0];
  it('refuses a transfer to an account outside the chart of accounts, and changes nothing', async () => {
    const t = await (sqlite as NonNullable<typeof sqlite>).start();
    try {
      const { postTransfer } = await import('../src/money/ledger');
      const { inTx } = await import('../src/platform/db/database');
      await expect(
        inTx(t.server.store.db, (trx) =>
          postTransfer(
            trx,
            {
              id: 'x:1',
              from: 'platform:revenue',
              to: 'platform:nowhere' as 'platform:revenue',
              amountFen: 1n,
              reason: 'revenue',
            },
            new Date().toISOString(),
          ),
        ),
      ).rejects.toThrow(/account_not_found/);
      const rows = await t.server.store.db
        .selectFrom('accounts')
        .select('address')
        .where('address', '=', 'platform:nowhere')
        .execute();
      expect(rows).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('refuses to start on a database whose incentive log predates campaigns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mall-legacy-'));
    const url = `sqlite:${join(dir, 'mall.db')}`;
    const { openStore } = await import('../src/platform/db/database');
    const { MIGRATIONS } = await import('../src/platform/db/migrations');
    const { Migrator } = await import('kysely');
    const store = openStore(url);
    const migrator = new Migrator({
      db: store.db,
      provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
    });
    const migrated = await migrator.migrateTo('0002_hardening');
    expect(migrated.error).toBeUndefined();
    const { sql } = await import('kysely');
    await sql`insert into users (id, phone, invite_code, created_at) values ('u1', '13800000001', 'AAAA', '2026-01-01')`.execute(
      store.db,
    );
    await sql`insert into plans (code, enabled, params, in_use) values ('referralCycle', 1, '{"ratesBps":[1000]}', 1)`.execute(
      store.db,
    );
    await sql`insert into incentive_events (seq, type, user_id, at) values (0, 'join', 'u1', '2026-01-01')`.execute(
      store.db,
    );
    await store.close();
    await expect(backends()[0]?.start({ reuse: url })).rejects.toThrow(/predates campaigns/);
    const legacy = openStore(url);
    try {
      const { runAudit } = await import('../src/incentives/audit');
      const report = await runAudit(legacy.db);
      expect(report.ok).toBe(false);
      expect(report.differences[0]).toMatchObject({ kind: 'event_log', key: 'legacy' });
      // The old plan became a campaign with its parameters, scoped to the products that named it (none here).
      const campaigns = await legacy.db.selectFrom('campaigns').selectAll().execute();
      expect(campaigns).toEqual([
        expect.objectContaining({ id: 'referralCycle', plan: 'referralCycle', status: 'active' }),
      ]);
    } finally {
      await legacy.close();
    }
  });
});
