import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends } from './helpers';
import { startGatewayDouble } from './gateway-double/index';
import { paymentsFor } from './gateway-helpers';

const MALL = join(import.meta.dirname, '..', 'bin', 'mall.js');
const PASSWORD = 'a-long-production-password';

/** `mall start` in production, with the given gateway variables and nothing of the developer's environment. */
function startInProduction(extra: Record<string, string>): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mall-prod-'));
  try {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: dir };
    const run = spawnSync(process.execPath, [MALL, 'start'], {
      env: {
        ...env,
        MALL_ENV: 'production',
        MALL_ADMIN_PASSWORD: PASSWORD,
        MALL_SKIP_WEB_BUILD: '1',
        MALL_PORT: '0',
        DATABASE_URL: `sqlite:${join(dir, 'mall.db')}`,
        ...extra,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: run.status, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Issue 10, item 2: production turns the sandbox off and refuses to start without a real channel to take money. */
describe('production needs a real payment channel', () => {
  it('mall start refuses, exit 2 with a clear message, without a channel or with a half-configured one', () => {
    const none = startInProduction({});
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('MALL_ENV=production refuses to start without a real payment channel');
    expect(none.stderr).not.toMatch(/\n\s+at /);
    const dir = mkdtempSync(join(tmpdir(), 'mall-prod-keys-'));
    try {
      const key = join(dir, 'missing.pem');
      writeFileSync(join(dir, 'empty.pem'), '');
      const half = startInProduction({
        MALL_ALIPAY_APP_ID: '2021000000000001',
        MALL_ALIPAY_PRIVATE_KEY_FILE: key,
        MALL_PAY_NOTIFY_BASE_URL: 'https://mall.example.com',
      });
      expect(half.status).toBe(2);
      expect(half.stderr).toContain(
        'Alipay is partly configured; missing MALL_ALIPAY_SELLER_ID, MALL_ALIPAY_PUBLIC_KEY_FILE',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  for (const backend of backends()) {
    it(`starts with one real channel and offers exactly it, no sandbox (${backend.name})`, async () => {
      await expect(backend.start({ environment: 'production', adminPassword: PASSWORD, payments: {} })).rejects.toThrow(
        /without a real payment channel/,
      );
      const double = await startGatewayDouble();
      const t = await backend.start({
        environment: 'production',
        adminPassword: PASSWORD,
        payments: (url) => ({ alipay: paymentsFor(double, url).alipay }),
      });
      try {
        const channels = await t.api('GET', '/api/shop/payment-channels');
        expect(channels.body).toEqual({
          channels: ['alipay_wap', 'alipay_page', 'wallet'],
          wechatOauth: false,
          wechat: null,
        });
        const wechat = await fetch(`${t.url}/api/payments/wechat/notify`, { method: 'POST', body: '{}' });
        expect(wechat.status).toBe(404);
      } finally {
        await t.close();
        await double.close();
      }
    }, 60_000);
  }
});
