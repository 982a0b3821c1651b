import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  HAVE_BROWSER,
  REQUIRE_BROWSER,
  ADMIN_PASSWORD,
  adminLogin,
  apiCall,
  apiRegister,
  assertNoHorizontalScroll,
  checkout,
  payInSandbox,
  settledGiftPack,
  shopGoto,
  startHarness,
  useShopToken,
  type Harness,
} from './harness';

/**
 * The rest of the two apps in the browser: access control between them, role-aware menus, refunds, the compliance
 * guard's messages, margin warnings, the simulator and the language switch.
 */
if (!HAVE_BROWSER && REQUIRE_BROWSER) {
  throw new Error('Chromium not found at /usr/bin/chromium and MALL_REQUIRE_BROWSER=1');
}

describe.skipIf(!HAVE_BROWSER)('admin console and storefront details in the browser', () => {
  let h: Harness;
  let admin: Page;

  beforeAll(async () => {
    h = await startHarness();
  }, 300_000);

  afterAll(async () => {
    await h?.close();
  });

  /** Errors other than the 401/403/404/422 answers a step provokes on purpose. */
  function unexpectedErrors(): string[] {
    return h.errors.filter((e) => !/status of (401|403|404|422)/.test(e));
  }

  it('a shopper cannot open the admin console, with their token or their password', async () => {
    const token = await apiRegister(h, '13700000001');
    const { page } = await h.admin();
    await page.goto(`${h.url}/admin/#/login`);
    await page.evaluate((t) => localStorage.setItem('mall.admin.token', t), token);
    await page.goto(`${h.url}/admin/#/dashboard`);
    await page.waitForURL(/#\/login/);
    await expect.poll(() => page.evaluate(() => localStorage.getItem('mall.admin.token'))).toBeNull();
    await expect.poll(() => page.locator('[data-test=dash-sales]').count()).toBe(0);
    await page.fill('input[name=username]', '13700000001');
    await page.fill('input[name=password]', 'secret123');
    await page.click('[data-test=login-submit]');
    await page.locator('[data-test=login-error]').waitFor();
    expect(page.url()).toMatch(/#\/login/);
    expect(unexpectedErrors()).toEqual([]);
    h.errors.length = 0;
  }, 60_000);

  it('the API docs (swagger-ui) render under the content security policy without console errors', async () => {
    const { page } = await h.admin();
    const answer = await page.goto(`${h.url}/api/docs`);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('.swagger-ui .opblock').first().waitFor();
    await page.locator('.swagger-ui .opblock-summary').first().click();
    await page.locator('.swagger-ui .opblock-body').first().waitFor();
    expect(h.errors).toEqual([]);
  }, 60_000);

  it('menus follow the role: operator has no finance or settings, finance no catalog', async () => {
    const { page: op } = await h.admin();
    await adminLogin(h, op, 'operator');
    await op.locator('[data-test="menu-orders"]').waitFor();
    await expect.poll(() => op.locator('[data-test="menu-finance"]').count()).toBe(0);
    await expect.poll(() => op.locator('[data-test="menu-settings"]').count()).toBe(0);
    await op.goto(`${h.url}/admin/#/settings`);
    await expect.poll(() => op.url()).not.toMatch(/#\/settings/);
    // The old plans link lands on the campaigns page; the operator reads it but has no edit or status buttons.
    await op.goto(`${h.url}/admin/#/plans`);
    await op.locator('[data-test=campaign-referralCycle]').waitFor();
    await expect.poll(() => op.locator('[data-test^=campaign-edit-]').count()).toBe(0);
    await expect.poll(() => op.locator('[data-test=new-campaign]').count()).toBe(0);
    expect(h.errors).toEqual([]);
  }, 60_000);

  it('a shopper requests a refund before settlement and the admin approves it', async () => {
    const token = await apiRegister(h, '13700000002');
    const { page } = await h.shop();
    await useShopToken(h, page, token);
    const orderId = await checkout(h, page, '五常大米', '13700000002');
    await payInSandbox(page);
    await expect.poll(() => page.locator('[data-test=order-status]').textContent()).toBe('待发货');
    await page.click('[data-test=refund]');
    await page.locator('.van-dialog textarea').fill('不想要了');
    await page.locator('.van-dialog__confirm').click();
    await expect.poll(() => page.locator('[data-test=order-status]').textContent()).toBe('退款中');
    await assertNoHorizontalScroll(page);

    const ctx = await h.admin();
    admin = ctx.page;
    await adminLogin(h, admin, 'admin');
    await admin.goto(`${h.url}/admin/#/orders`);
    await admin.locator('.el-radio-button', { hasText: '退款中' }).click();
    await admin.locator('[data-test=orders-table] .el-table__body tr', { hasText: orderId }).first().click();
    await admin.click('[data-test=approve-refund]');
    await admin.locator('[data-test=order-drawer] .el-tag', { hasText: '已退款' }).first().waitFor();
    await admin.keyboard.press('Escape');

    await shopGoto(h, page, `/orders/${orderId}`);
    await expect.poll(() => page.locator('[data-test=order-status]').textContent()).toBe('已退款');
    await h.shot(page, 'shop-refunded-order');
    expect(h.errors).toEqual([]);
  }, 120_000);

  it('the campaigns page asks for the high-risk acknowledgement and shows the guard’s answers inline', async () => {
    await admin.goto(`${h.url}/admin/#/campaigns`);
    await admin.locator('[data-test=campaign-referralCycle]').waitFor();
    // pause the cycle; enabling it again without the acknowledgement is refused by the server, inline
    await admin.click('[data-test=campaign-pause-referralCycle]');
    await expect.poll(() => admin.locator('[data-test=campaign-status-referralCycle]').textContent()).toBe('已暂停');
    await admin.click('[data-test=campaign-enable-referralCycle]');
    await admin.click('[data-test=campaign-enable-confirm]');
    const refusal = admin.locator('[data-test=campaign-ack-error]');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toContain('risk_acknowledgement_required');
    await h.shot(admin, 'admin-campaigns-ack');
    await admin.click('[data-test=campaign-ack]');
    await admin.click('[data-test=campaign-enable-confirm]');
    await expect.poll(() => admin.locator('[data-test=campaign-status-referralCycle]').textContent()).toBe('进行中');
    // the log records the acknowledgement, by whom
    await admin.locator('[data-test=campaign-log] .el-table__body tr', { hasText: 'SPEC 3.4' }).first().waitFor();
    // a first rate of 90% makes a new version, and the guard warns about the gift pack's margin
    await admin.click('[data-test=campaign-edit-referralCycle]');
    const form = admin.locator('[data-test=campaign-form]');
    const firstRate = form.locator('[data-test=campaign-param-ratesBps] input').first();
    await firstRate.fill('9000');
    await firstRate.press('Tab');
    await admin.click('[data-test=campaign-save]');
    await admin.locator('[data-test=campaign-warning]', { hasText: 'payout_exceeds_margin' }).first().waitFor();
    await h.shot(admin, 'admin-campaigns-warning');
    await admin.keyboard.press('Escape');
    await admin.locator('[data-test=campaign-referralCycle]').click();
    await admin.locator('[data-test=campaign-versions] .el-table__body tr').nth(1).waitFor();
    expect(unexpectedErrors()).toEqual([]);
    h.errors.length = 0;
    await admin.keyboard.press('Escape');
  }, 60_000);

  it('a campaign whose planned payouts exceed a product’s margin shows in the product editor', async () => {
    await admin.goto(`${h.url}/admin/#/products`);
    await admin.click('[data-test=new-product]');
    const dialog = admin.locator('.el-dialog', { has: admin.locator('input[name=title]') });
    await dialog.locator('input[name=title]').fill('测试薄利礼包');
    const row = dialog.locator('.el-table__body tr').first();
    await row.locator('input').nth(1).fill('100');
    await row.locator('input').nth(2).fill('90');
    await admin.click('[data-test=save-product]');
    await admin.locator('.el-message--success').first().waitFor();
    // a new campaign of a plan that needs no acknowledgement, limited to the new product
    await admin.goto(`${h.url}/admin/#/campaigns`);
    await admin.click('[data-test=new-campaign]');
    const form = admin.locator('[data-test=campaign-form]');
    await form.locator('[data-test=campaign-plan]').click();
    await admin.locator('.el-select-dropdown__item', { hasText: '消费返利' }).click();
    await form.locator('input[data-test=campaign-name]').fill('薄利返现');
    await form.locator('[data-test=campaign-param-rateBps] input').fill('5000');
    await form.locator('[data-test=campaign-products]').click();
    await admin.locator('.el-select-dropdown__item', { hasText: '测试薄利礼包' }).click();
    // close the product list (it covers the form) by clicking the dialog's title
    await admin.locator('.el-dialog', { has: form }).locator('.el-dialog__title').click();
    await admin.click('[data-test=campaign-save]');
    await admin.locator('[data-test=campaign-warning]', { hasText: 'payout_exceeds_margin' }).first().waitFor();
    await admin.keyboard.press('Escape');
    await admin.goto(`${h.url}/admin/#/products`);
    await admin
      .locator('[data-test=products-table] .el-table__body tr', { hasText: '测试薄利礼包' })
      .first()
      .locator('.el-button', { hasText: '编辑' })
      .click();
    await admin.locator('[data-test=product-campaigns] .el-tag', { hasText: '薄利返现' }).waitFor();
    await admin.locator('[data-test=product-warning]').first().waitFor();
    await h.shot(admin, 'admin-product-margin-warning');
    expect(h.errors).toEqual([]);
  }, 90_000);

  it('the simulator runs server-side, shows progress and draws its charts', async (ctx) => {
    const openapi = (await (await fetch(`${h.url}/api/openapi.json`)).json()) as { paths?: Record<string, unknown> };
    if (!Object.keys(openapi.paths ?? {}).some((p) => p.startsWith('/api/admin/simulations'))) {
      console.warn('POST /api/admin/simulations is not served yet: simulator browser test skipped');
      ctx.skip();
    }
    await admin.goto(`${h.url}/admin/#/simulator`);
    await admin.locator('[data-test=sim-orders] input').fill('300');
    await admin.locator('[data-test=sim-orders] input').press('Tab');
    await admin.click('[data-test=sim-run]');
    await admin.locator('[data-test=sim-status]', { hasText: '完成' }).waitFor({ timeout: 60_000 });
    await admin.locator('[data-test=sim-price-chart] canvas').waitFor();
    await expect.poll(() => admin.locator('[data-test=sim-summary] .el-table__body tr').count()).toBeGreaterThan(3);
    await h.shot(admin, 'admin-simulator');
    expect(h.errors).toEqual([]);
  }, 120_000);

  it('a shopper redeems points with the fee shown first, then pays an order from the wallet', async () => {
    const token = await apiRegister(h, '13700000004');
    const { token: adminToken } = await apiCall<{ token: string }>(h, 'POST', '/api/admin/login', undefined, {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    await settledGiftPack(h, token, adminToken);
    const { page } = await h.shop();
    await useShopToken(h, page, token);
    await shopGoto(h, page, '/points');
    await page.locator('[data-test=position]').first().waitFor();
    await page.click('[data-test=redeem]');
    await page.fill('[data-test=redeem-units] input', '100');
    await page.click('[data-test=redeem-preview]');
    const quote = page.locator('[data-test=redeem-quote]');
    await quote.waitFor();
    await expect(quote.textContent()).resolves.toMatch(/手续费.*¥/);
    await h.shot(page, 'shop-redeem-preview');
    await page.click('[data-test=redeem-confirm]');
    await expect.poll(() => page.locator('[data-test=position-units]').first().textContent()).not.toBe('210.00');

    await shopGoto(h, page, '/wallet');
    await page.locator('[data-test=wallet-entry]').first().waitFor();
    const balance = (await page.locator('[data-test=wallet-balance]').textContent()) ?? '';
    expect(balance).not.toBe('¥0.00');

    await checkout(h, page, '赣南脐橙', '13700000004');
    await page.click('[data-test=channel-wallet]');
    await page.click('[data-test=pay-now]');
    await page.waitForURL(/#\/orders\//);
    await expect.poll(() => page.locator('[data-test=order-status]').textContent()).toBe('待发货');
    expect(h.errors).toEqual([]);
  }, 120_000);

  it('the storefront switches to English and back, and its tab pages fit 375 px', async () => {
    const token = await apiRegister(h, '13700000003');
    const { page } = await h.shop();
    await useShopToken(h, page, token);
    for (const route of ['/', '/category', '/cart', '/me', '/rules', '/orders', '/wallet', '/points', '/invite']) {
      await shopGoto(h, page, route);
      await assertNoHorizontalScroll(page);
    }
    await h.shot(page, 'shop-category');
    // add two products to the cart and check the cart's total
    for (const title of ['五常大米', '赣南脐橙']) {
      await shopGoto(h, page, '/');
      await page.locator('[data-test=product-card]', { hasText: title }).first().click();
      await page.locator('[data-test=product-title]').waitFor();
      await page.locator('.van-action-bar-button', { hasText: '加入购物车' }).click();
      await page.click('[data-test=sku-confirm]');
      await page.locator('.van-toast', { hasText: '已加入购物车' }).waitFor();
    }
    await shopGoto(h, page, '/cart');
    await expect.poll(() => page.locator('[data-test=cart-total]').textContent()).toBe('¥149.80');
    await assertNoHorizontalScroll(page);
    await h.shot(page, 'shop-cart');
    await shopGoto(h, page, '/me');
    await page.click('[data-test=lang]');
    await page.locator('.van-action-sheet__item', { hasText: 'English' }).click();
    await page.locator('[data-test=tab]', { hasText: 'Home' }).waitFor();
    await h.shot(page, 'shop-me-english');
    await page.click('[data-test=lang]');
    await page.locator('.van-action-sheet__item', { hasText: '简体中文' }).click();
    await page.locator('[data-test=tab]', { hasText: '首页' }).waitFor();
    expect(h.errors).toEqual([]);
  }, 120_000);
});
