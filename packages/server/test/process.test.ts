import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backends } from './helpers';

const MALL = join(import.meta.dirname, '..', 'bin', 'mall.js');
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mall-proc-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts `mall start` as its own process and resolves once it prints the admin login. */
function startProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [MALL, 'start'], {
    env: { ...process.env, MALL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mall start did not come up:\n${out}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const port = /storefront\s+http:\/\/localhost:(\d+)\//.exec(out);
      if (port && /admin login/.test(out)) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${port[1]}`, output: () => out });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mall start exited ${code}:\n${out}`));
    });
  });
}

async function post(
  url: string,
  path: string,
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

if (backends().some((b) => b.name === 'sqlite')) {
  describe('mall start as a process', () => {
    it('keeps every paid order and ledger entry across a SIGKILL, and shuts down cleanly on SIGTERM', async () => {
      const dir = tempDir();
      const env = {
        DATABASE_URL: `sqlite:${join(dir, 'mall.db')}`,
        MALL_PORT: '0',
        MALL_ADMIN_PASSWORD: 'proc-admin-pw',
        MALL_HOST: '127.0.0.1',
        MALL_SKIP_WEB_BUILD: '1',
      };
      const first = await startProcess(env);
      const shopper = await post(first.url, '/api/shop/register', undefined, {
        phone: '13900001111',
        password: 'secret123',
      });
      const token = shopper.body.token as string;
      const products = (await (await fetch(`${first.url}/api/shop/products`)).json()) as {
        items: { skus: { id: string }[] }[];
      };
      const skuId = products.items[0]?.skus[0]?.id ?? '';
      const paid: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const order = await post(
          first.url,
          '/api/shop/orders',
          token,
          { items: [{ skuId, quantity: 1 }], address: { name: 'a', phone: '139', region: ['x'], detail: 'y' } },
          { 'idempotency-key': `k${i}` },
        );
        const orderId = (order.body.order as { id: string }).id;
        const payment = await post(first.url, `/api/shop/orders/${orderId}/pay`, token, { channel: 'sandbox' });
        const ok = await post(
          first.url,
          `/api/sandbox/payments/${(payment.body.payment as { id: string }).id}/succeed`,
          undefined,
          {},
        );
        expect(ok.status).toBe(200);
        paid.push(orderId);
      }
      first.child.kill('SIGKILL');
      await exited(first.child);

      const second = await startProcess(env);
      const login = await post(second.url, '/api/shop/login', undefined, {
        phone: '13900001111',
        password: 'secret123',
      });
      const orders = (await (
        await fetch(`${second.url}/api/shop/orders`, {
          headers: { authorization: `Bearer ${login.body.token as string}` },
        })
      ).json()) as {
        items: { id: string; status: string }[];
      };
      expect(
        orders.items
          .filter((o) => o.status === 'paid')
          .map((o) => o.id)
          .sort(),
      ).toEqual([...paid].sort());
      const admin = await post(second.url, '/api/admin/login', undefined, {
        username: 'finance',
        password: 'proc-admin-pw',
      });
      const audit = (await (
        await fetch(`${second.url}/api/admin/audit`, {
          headers: { authorization: `Bearer ${admin.body.token as string}` },
        })
      ).json()) as { ok: boolean };
      expect(audit.ok).toBe(true);
      const accounts = (await (
        await fetch(`${second.url}/api/admin/accounts`, {
          headers: { authorization: `Bearer ${admin.body.token as string}` },
        })
      ).json()) as {
        items: { account: string; balanceFen: number }[];
      };
      // The paid orders of this test, and the demo group leader's 6,990 fen (seeded, paid, the group still open).
      expect(accounts.items.find((a) => a.account === 'platform:escrow')?.balanceFen).toBe(306_990);
      second.child.kill('SIGTERM');
      expect(await exited(second.child)).toBe(0);
      expect(second.output()).toContain('SIGTERM: shutting down');
    });
  });

  describe('web apps', () => {
    it('serves apps/shop/dist at / and apps/admin/dist at /admin/ when they are built', async () => {
      const root = tempDir();
      mkdirSync(join(root, 'apps/shop/dist'), { recursive: true });
      mkdirSync(join(root, 'apps/admin/dist'), { recursive: true });
      writeFileSync(join(root, 'apps/shop/dist/index.html'), '<html>shop</html>');
      writeFileSync(join(root, 'apps/admin/dist/index.html'), '<html>admin</html>');
      const [sqlite] = backends();
      const t = await sqlite!.start({ webRoot: root });
      try {
        expect(await (await fetch(`${t.url}/`)).text()).toBe('<html>shop</html>');
        expect(await (await fetch(`${t.url}/admin/`)).text()).toBe('<html>admin</html>');
        const api = await t.api('GET', '/api/shop/settings');
        expect(api.status).toBe(200);
        const missing = await t.api('GET', '/api/shop/nothing');
        expect(missing.status).toBe(404);
        expect(missing.body.error?.code).toBe('not_found');
      } finally {
        await t.close();
      }
    });
  });
}
