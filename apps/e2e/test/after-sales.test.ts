import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  HAVE_BROWSER,
  REQUIRE_BROWSER,
  adminLogin,
  apiCall,
  apiRegister,
  assertAdminFits,
  assertNoHorizontalScroll,
  checkout,
  payInSandbox,
  shopGoto,
  startHarness,
  useShopToken,
  type Harness,
} from './harness';

/**
 * Issue 10: the return-goods flow (退货退款) through both apps. The shopper asks to return an item from the order
 * page, the operator approves in the after-sales queue, the shopper enters the return tracking number, the operator
 * confirms the goods came back, and the refund reaches the shopper (through the sandbox, as the demo pays).
 */
if (!HAVE_BROWSER && REQUIRE_BROWSER) {
  throw new Error('Chromium not found at /usr/bin/chromium and MALL_REQUIRE_BROWSER=1');
}

describe.skipIf(!HAVE_BROWSER)('the return-goods flow in the browser', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  }, 300_000);

  afterAll(async () => {
    await h?.close();
  });

  it('a shopper returns an item, the operator approves and confirms the goods, the refund arrives', async () => {
    const phone = '13700000031';
    const token = await apiRegister(h, phone);
    const { page } = await h.shop();
    await useShopToken(h, page, token);
    const orderId = await checkout(h, page, '五常大米', phone);
    await payInSandbox(page);
    const login = await apiCall<{ token: string }>(h, 'POST', '/api/admin/login', undefined, {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    await apiCall(h, 'POST', `/api/admin/orders/${orderId}/ship`, login.token, {
      carrier: '顺丰',
      trackingNo: 'SF100',
    });

    // The shopper asks for a return from the order page.
    await shopGoto(h, page, `/orders/${orderId}`);
    await expect.poll(() => page.locator('[data-test=order-status]').textContent()).toBe('待收货');
    await page.click('[data-test=after-sale]');
    await page.waitForURL(/after-sale$/);
    await page.locator('[data-test=kind-return_refund]').click();
    await page.locator('[data-test=after-sale-reason] textarea').fill('包装破损，米撒了');
    await assertNoHorizontalScroll(page);
    await h.shot(page, 'shop-after-sale-apply');
    await page.click('[data-test=after-sale-submit]');
    await page.waitForURL(/#\/after-sales\/afs_/);
    await expect.poll(() => page.locator('[data-test=after-sale-status]').textContent()).toBe('待商家处理');
    const afterSaleUrl = page.url();

    // The operator approves the return in the after-sales queue.
    const { page: admin } = await h.admin();
    await adminLogin(h, admin, 'operator');
    await admin.click('[data-test="menu-after-sales"]');
    await admin.locator('[data-test=after-sales-table] .el-table__body tr', { hasText: orderId }).first().click();
    await admin.locator('[data-test=after-sale-drawer]').waitFor();
    await admin.click('[data-test=afs-approve]');
    await expect.poll(() => admin.locator('[data-test=drawer-status]').textContent()).toBe('待买家寄回');
    await admin.keyboard.press('Escape');

    // The shopper sends the goods back with a tracking number.
    await page.goto(afterSaleUrl);
    await page.reload();
    await expect.poll(() => page.locator('[data-test=after-sale-status]').textContent()).toBe('待寄回商品');
    await page.locator('[data-test=return-carrier] input').fill('中通快递');
    await page.locator('[data-test=return-tracking] input').fill('ZT7788990011');
    await page.click('[data-test=return-submit]');
    await expect.poll(() => page.locator('[data-test=after-sale-status]').textContent()).toBe('退货中');
    await assertNoHorizontalScroll(page);
    await page.locator('.van-toast').waitFor({ state: 'hidden' });
    await h.shot(page, 'shop-after-sale-returning');

    // The operator sees the tracking number, confirms the goods and refunds.
    await admin.reload();
    await admin.locator('[data-test=after-sales-table] .el-table__body tr', { hasText: orderId }).first().click();
    await expect.poll(() => admin.locator('[data-test=return-shipment]').textContent()).toContain('ZT7788990011');
    await assertAdminFits(admin);
    await h.shot(admin, 'admin-after-sales');
    await admin.click('[data-test=afs-receive]');
    await expect.poll(() => admin.locator('[data-test=drawer-status]').textContent()).toBe('已退款');

    // The refund reached the shopper; the single-line order is refunded in full.
    await page.reload();
    await expect.poll(() => page.locator('[data-test=after-sale-status]').textContent()).toBe('已退款');
    await h.shot(page, 'shop-after-sale-refunded');
    await shopGoto(h, page, `/orders/${orderId}`);
    await expect.poll(() => page.locator('[data-test=order-status]').textContent()).toBe('已退款');
    await page.locator('[data-test=line-refunded]').first().waitFor();
    expect(h.errors).toEqual([]);
  }, 180_000);
});
