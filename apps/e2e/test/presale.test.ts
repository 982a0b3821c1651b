import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  HAVE_BROWSER,
  REQUIRE_BROWSER,
  adminLogin,
  apiCall,
  apiRegister,
  assertAdminFits,
  assertNoHorizontalScroll,
  payInSandbox,
  shopGoto,
  startHarness,
  useShopToken,
  type Harness,
} from './harness';

/**
 * A presale in the browser: the home strip and the product page's badge and rules (before paying), the deposit paid
 * at the cashier, the order page's steps, the balance (付尾款) paid once its window opens, and the admin's watch.
 */
if (!HAVE_BROWSER && REQUIRE_BROWSER) {
  throw new Error('Chromium not found at /usr/bin/chromium and MALL_REQUIRE_BROWSER=1');
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

describe.skipIf(!HAVE_BROWSER)('presale in the browser', () => {
  let h: Harness;
  let adminToken: string;

  beforeAll(async () => {
    h = await startHarness();
    adminToken = (
      await apiCall<{ token: string }>(h, 'POST', '/api/admin/login', undefined, {
        username: 'admin',
        password: ADMIN_PASSWORD,
      })
    ).token;
  }, 300_000);

  afterAll(async () => {
    await h?.close();
  });

  const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();

  it('a shopper pays the deposit under the rules shown, then the balance in its window; the admin sees both', async () => {
    const { product } = await apiCall<{ product: { id: string; title: string; skus: { id: string }[] } }>(
      h,
      'POST',
      '/api/admin/products',
      adminToken,
      {
        title: '预售新品耳机',
        skus: [{ name: '标准版', priceFen: 129_900, costFen: 0, stock: 10 }],
      },
    );
    const { presale } = await apiCall<{ presale: { id: string } }>(h, 'POST', '/api/admin/presales', adminToken, {
      skuId: product.skus[0]!.id,
      priceFen: 99_900,
      depositFen: 10_000,
      countsAsFen: 30_000,
      depositStartsAt: minutes(-1),
      depositEndsAt: minutes(60),
      balanceStartsAt: minutes(120),
      balanceEndsAt: minutes(180),
    });
    const token = await apiRegister(h, '13700990001');
    await apiCall(h, 'POST', '/api/shop/me/addresses', token, {
      name: '预售买家',
      phone: '13700990001',
      region: ['北京市', '北京市', '东城区'],
      detail: '预售路 1 号',
      isDefault: true,
    });

    const { page } = await h.shop();
    await useShopToken(h, page, token);
    await shopGoto(h, page, '/');
    await page.locator('[data-test=presale-item]', { hasText: '预售新品耳机' }).click();
    await page.locator('[data-test=presale-box]').waitFor();
    // The rules are on the page before any payment: deposit, what it counts for, balance, refund and forfeit.
    expect(await text(page, '[data-test=presale-badge]')).toBe('预售');
    expect(await text(page, '[data-test=presale-rule-deposit]')).toContain('定金 ¥100.00 抵 ¥300.00');
    expect(await text(page, '[data-test=presale-rule-balance]')).toContain('尾款 ¥699.00');
    expect(await text(page, '[data-test=presale-rule-forfeit]')).toContain('定金不予退还');
    // While the presale holds its only SKU, the page sells it by deposit alone: no cart, no "buy now".
    expect(await text(page, '[data-test=presale-only]')).toBe('预售中，请支付定金');
    expect(await page.locator('[data-test=buy-now]').count()).toBe(0);
    await assertNoHorizontalScroll(page);
    await h.shot(page, 'shop-presale-product');
    await page.click('[data-test=presale-agree]');
    await page.click('[data-test=presale-pay-deposit]');
    await page.waitForURL(/#\/cashier\//);
    const orderId = decodeURIComponent((page.url().split('/cashier/')[1] ?? '').split('?')[0] ?? '');
    await expect.poll(() => text(page, '[data-test=cashier-amount]')).toBe('¥100.00');
    await payInSandbox(page);
    await page.locator('[data-test=presale-steps]').waitFor();
    await expect.poll(() => text(page, '[data-test=presale-order-status]')).toBe('已付定金');
    expect(await text(page, '[data-test=order-status]')).toBe('待付款');
    expect(await text(page, '[data-test=presale-balance-note]')).toContain('后开始付尾款');
    await h.shot(page, 'shop-presale-deposit-paid');

    // Time passes: the balance window opens (moved on the database, as the clock would).
    const db = h.server.store.db;
    const window = { balance_starts_at: minutes(-1), balance_ends_at: minutes(60) };
    await db
      .updateTable('presales')
      .set({ ...window, deposit_ends_at: minutes(-1) })
      .where('id', '=', presale.id)
      .execute();
    await db.updateTable('presale_orders').set(window).where('order_id', '=', orderId).execute();
    await db.updateTable('orders').set({ expires_at: window.balance_ends_at }).where('id', '=', orderId).execute();

    await shopGoto(h, page, `/orders/${orderId}`);
    await page.click('[data-test=presale-pay-balance]');
    await page.waitForURL(/#\/cashier\//);
    await expect.poll(() => text(page, '[data-test=cashier-amount]')).toBe('¥699.00');
    await payInSandbox(page);
    await expect.poll(() => text(page, '[data-test=order-status]')).toBe('待发货');
    await expect.poll(() => text(page, '[data-test=presale-order-status]')).toBe('已付尾款');
    await h.shot(page, 'shop-presale-balance-paid');

    const admin = await h.admin();
    await adminLogin(h, admin.page, 'admin');
    await admin.page.click('[data-test="menu-promotions/presale"]');
    const row = admin.page.locator('[data-test=presale-table] .el-table__row', { hasText: '预售新品耳机' });
    await row.waitFor();
    expect(await row.locator('[data-test=presale-deposits]').textContent()).toBe('1');
    expect(await row.locator('[data-test=presale-balances]').textContent()).toBe('1');
    await assertAdminFits(admin.page);
    await h.shot(admin.page, 'admin-presales');
    expect(h.errors).toEqual([]);
  }, 240_000);
});
