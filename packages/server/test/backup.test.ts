import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { BackupError, backupDatabase, restoreDatabase } from '../src/platform/db/backup';
import { openStore, runAudit } from '../src/index';
import {
  backends,
  createOrder,
  fundedInviter,
  makeProduct,
  registerShopper,
  staffToken,
  type TestServer,
} from './helpers';

/** Issue 7, finding 9: nothing restored a mall. A backup taken under load restores to a clean, complete database. */
const CLI = join(import.meta.dirname, '../bin/mall.js');

async function checkoutLoop(t: TestServer, skuId: string, confirmed: string[], stop: { now: boolean }) {
  const shopper = await registerShopper(t);
  while (!stop.now) {
    const order = await createOrder(t, shopper.token, skuId);
    if (order.status !== 201) throw new Error(JSON.stringify(order.body));
    const id = (order.body.order as { id: string }).id;
    const pay = await t.api('POST', `/api/shop/orders/${id}/pay`, {
      token: shopper.token,
      body: { channel: 'sandbox' },
    });
    const ok = await t.api('POST', `/api/sandbox/payments/${(pay.body.payment as { id: string }).id}/succeed`);
    if (ok.status !== 200) throw new Error(JSON.stringify(ok.body));
    confirmed.push(id);
  }
}

/** A second, empty database of the same kind to restore into. */
async function emptyTarget(t: TestServer): Promise<{ url: string; drop: () => Promise<void> }> {
  if (t.databaseUrl.startsWith('sqlite:')) {
    const dir = mkdtempSync(join(tmpdir(), 'mall-restore-'));
    return {
      url: `sqlite:${join(dir, 'restored.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const source = new URL(t.databaseUrl);
  const name = `mall_restore_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(source.toString());
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

for (const backend of backends()) {
  describe(`backup and restore (${backend.name})`, () => {
    it('restores a backup taken while checkouts run: the audit is clean and every order confirmed before it is there', async () => {
      const t = await backend.start();
      const dir = mkdtempSync(join(tmpdir(), 'mall-backup-'));
      const file = join(dir, backend.name === 'sqlite' ? 'mall.db' : 'mall.dump');
      let target: Awaited<ReturnType<typeof emptyTarget>> | undefined;
      try {
        const admin = await staffToken(t);
        await fundedInviter(t, admin);
        const { skuId } = await makeProduct(t, admin, { priceFen: 990, stock: 100_000 });
        const confirmed: string[] = [];
        const stop = { now: false };
        const loops = Array.from({ length: 4 }, () => checkoutLoop(t, skuId, confirmed, stop));
        while (confirmed.length < 8) await new Promise((resolve) => setTimeout(resolve, 20));
        const before = [...confirmed];
        await backupDatabase(t.databaseUrl, file);
        const after = confirmed.length;
        while (confirmed.length < after + 4) await new Promise((resolve) => setTimeout(resolve, 20));
        stop.now = true;
        await Promise.all(loops);
        expect(before.length).toBeGreaterThan(0);
        expect(confirmed.length).toBeGreaterThan(before.length);

        target = await emptyTarget(t);
        await restoreDatabase(target.url, file, { force: false });
        await expect(restoreDatabase(target.url, file, { force: false })).rejects.toBeInstanceOf(BackupError);
        const store = openStore(target.url);
        try {
          const audit = await runAudit(store.db);
          expect(audit.differences).toEqual([]);
          expect(audit.ok).toBe(true);
          const orders = await store.db
            .selectFrom('orders')
            .select(['id', 'status'])
            .where('id', 'in', before)
            .execute();
          expect(orders).toHaveLength(before.length);
          expect(orders.every((o) => o.status === 'paid')).toBe(true);
        } finally {
          await store.close();
        }
        // --force replaces a database that holds data.
        await restoreDatabase(target.url, file, { force: true });
      } finally {
        await t.close();
        await target?.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe('mall backup and mall restore on the command line', () => {
  it('exit 2 naming the problem for a file that exists, a missing file, and a non-empty target; 0 when done', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mall-backup-cli-'));
    try {
      const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'a.db')}` };
      const mall = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
      expect(mall('migrate').status).toBe(0);
      const first = mall('backup', join(dir, 'copy.db'));
      expect(first.status, first.stderr).toBe(0);
      const again = mall('backup', join(dir, 'copy.db'));
      expect(again.status).toBe(2);
      expect(again.stderr).toMatch(/already exists/);
      const missing = mall('restore', join(dir, 'nope.db'));
      expect(missing.status).toBe(2);
      const notEmpty = mall('restore', join(dir, 'copy.db'));
      expect(notEmpty.status).toBe(2);
      expect(notEmpty.stderr).toMatch(/--force/);
      expect(mall('restore', join(dir, 'copy.db'), '--force').status).toBe(0);
      expect(mall('restore').status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
