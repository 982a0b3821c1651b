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
  ensureCheckoutAddress,
  payInSandbox,
  shopGoto,
  startHarness,
  useShopToken,
  type Harness,
} from './harness';

/**
 * A blind box from end to end in the browser: the operator creates and opens a series, a shopper sees the odds,
 * answers the age question, buys a box and sees what it drew; the operator closes the series (revealing the seed) and
 * the public verify page recomputes the draw in the browser and says it matches.
 */
if (!HAVE_BROWSER && REQUIRE_BROWSER) {
  throw new Error('Chromium not found at /usr/bin/chromium and MALL_REQUIRE_BROWSER=1');
}

describe.skipIf(!HAVE_BROWSER)('blind box in the browser', () => {
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

  const text = async (page: Page, selector: string) =>
    ((await page.locator(selector).first().textContent()) ?? '').trim();

  it('a shopper buys a box, sees the draw, and after the series closes the verify page confirms it', async () => {
    await apiCall(h, 'POST', '/api/admin/products', adminToken, {
      title: '星空潮玩盲盒',
      skus: [{ name: '单盒', priceFen: 5900, costFen: 0, stock: 100, weightGrams: 0 }],
    });

    // The operator creates the series in the console and opens it.
    const { page: admin } = await h.admin();
    await adminLogin(h, admin, 'admin');
    await admin.goto(`${h.url}/admin/#/promotions/blind-boxes`);
    await admin.click('[data-test=blind-box-new]');
    await admin.fill('input[name=box-name]', '星空系列');
    await admin.click('[data-test=blind-box-sku]');
    await admin.locator('.el-select-dropdown__item', { hasText: '星空潮玩盲盒' }).first().click();
    await admin.fill('input[name=box-cap]', '500');
    await admin.fill('input[name=box-item-0]', '隐藏款·银河');
    await admin.fill('input[name=box-value-0]', '199');
    await admin.fill('input[name=box-item-1]', '普通款·月亮');
    await admin.fill('input[name=box-value-1]', '39');
    await admin.click('[data-test=blind-box-save]');
    const row = admin.locator('[data-test=blind-box-table] .el-table__row', { hasText: '星空系列' });
    await row.waitFor();
    await expect(row.locator('[data-test=blind-box-status]').textContent()).resolves.toContain('未开售');
    await expect(row.textContent()).resolves.toContain('10.00%');
    await row.locator('[data-test=blind-box-open]').click();
    await admin.locator('.el-message-box__btns .el-button--primary').click();
    await expect.poll(() => row.locator('[data-test=blind-box-status]').textContent()).toContain('发售中');
    await assertAdminFits(admin);
    await h.shot(admin, 'admin-blind-boxes');

    // The shopper finds it on the home page and reads the odds before paying.
    const token = await apiRegister(h, '13600000031');
    const { page } = await h.shop();
    await useShopToken(h, page, token);
    await shopGoto(h, page, '/');
    await page.locator('[data-test=blind-box-item]', { hasText: '星空系列' }).click();
    await page.locator('[data-test=blind-box-odds]').waitFor();
    await expect(page.locator('[data-test=blind-box-odds-row]').count()).resolves.toBe(2);
    const odds = await text(page, '[data-test=blind-box-odds]');
    expect(odds).toContain('隐藏款·银河');
    expect(odds).toContain('¥199.00');
    expect(odds).toContain('10.00%');
    expect(odds).toContain('无保底');
    expect(odds).toContain('未满 8 周岁');
    const seedHash = await text(page, '[data-test=blind-box-seed-hash]');
    expect(seedHash).toMatch(/^[0-9a-f]{64}$/);
    await assertNoHorizontalScroll(page);
    await h.shot(page, 'shop-blind-box-odds');

    await page.click('[data-test=buy-now]');
    await page.click('[data-test=sku-confirm]');
    await page.waitForURL(/#\/checkout/);
    await ensureCheckoutAddress(page, '盲盒买家', '13600000031');
    // The first box asks the age; the order waits for the answer.
    await page.locator('[data-test=age-question]').waitFor();
    await expect(page.locator('[data-test=submit-order] button').isDisabled()).resolves.toBe(true);
    await page.click('[data-test=age-yes]');
    await page.locator('[data-test=buyer-seed] input').fill('my-lucky-seed');
    await h.shot(page, 'shop-blind-box-checkout');
    await expect.poll(() => page.locator('[data-test=submit-order] button').isDisabled()).toBe(false);
    await page.click('[data-test=submit-order] button');
    await page.waitForURL(/#\/cashier\//);
    await payInSandbox(page);
    await page.click('[data-test=blind-box-result-link]');
    await page.waitForURL(/#\/orders\/.+\/blind-box/);
    await page.locator('[data-test=blind-box-draw]').waitFor({ timeout: 30_000 });
    const drawn = await text(page, '[data-test=drawn-item]');
    expect(['隐藏款·银河', '普通款·月亮']).toContain(drawn);
    await expect(text(page, '[data-test=blind-box-draw]')).resolves.toContain('my-lucky-seed');
    await assertNoHorizontalScroll(page);
    await h.shot(page, 'shop-blind-box-result');

    // Staff answering this shopper see the drawn item in the order's drawer.
    const orderId = /#\/orders\/([^/]+)\/blind-box/.exec(page.url())?.[1] ?? '';
    expect(orderId).not.toBe('');
    await admin.goto(`${h.url}/admin/#/orders`);
    await admin.locator('[data-test=orders-table] .el-table__body tr', { hasText: orderId }).first().click();
    await expect.poll(() => admin.locator('[data-test=order-drawn-item]').first().textContent()).toBe(drawn);
    await admin.keyboard.press('Escape');
    await admin.goto(`${h.url}/admin/#/promotions/blind-boxes`);

    // Before the close the seed is secret: the verify page says so.
    await page.click('[data-test=verify-draw]');
    await page.waitForURL(/#\/blind-box\/verify/);
    await page.locator('[data-test=not-revealed]').waitFor();
    const verifyUrl = page.url();

    // The operator closes the series: the seed is revealed in the console.
    await admin.reload();
    await row.locator('[data-test=blind-box-close]').click();
    await admin.locator('.el-message-box__btns .el-button--primary').click();
    await expect.poll(() => row.locator('[data-test=blind-box-status]').textContent()).toContain('已结束');
    await row.locator('[data-test=blind-box-watch]').click();
    await admin.locator('[data-test=admin-revealed-seed]').waitFor();
    await expect(admin.locator('[data-test=blind-box-frequencies]').textContent()).resolves.toContain('100.00%');
    await h.shot(admin, 'admin-blind-box-draws');

    // The verify page recomputes the draw in the browser and confirms it.
    await page.goto(verifyUrl);
    await page.reload();
    await page.locator('[data-test=revealed-seed]').waitFor();
    await expect.poll(() => text(page, '[data-test=verify-focus] [data-test=verify-result]')).toBe('一致：结果可验证');
    await expect(text(page, '[data-test=verify-focus]')).resolves.toContain(drawn);
    await assertNoHorizontalScroll(page);
    await h.shot(page, 'shop-blind-box-verify');
    expect(h.errors).toEqual([]);
  }, 240_000);
});
