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
  fillAddressForm,
  payInSandbox,
  shopGoto,
  startHarness,
  useShopToken,
  type Harness,
} from './harness';

/**
 * Checkout promotions in the browser: the operator's coupon and flash-sale pages, a shopper claiming a coupon and
 * paying the discounted total with freight, a flash sale counting down and selling out, and the address book.
 */
if (!HAVE_BROWSER && REQUIRE_BROWSER) {
  throw new Error('Chromium not found at /usr/bin/chromium and MALL_REQUIRE_BROWSER=1');
}

interface ShopProduct {
  id: string;
  title: string;
  skus: { id: string; priceFen: number }[];
}

describe.skipIf(!HAVE_BROWSER)('checkout promotions in the browser', () => {
  let h: Harness;
  let adminToken: string;
  let products: ShopProduct[];

  beforeAll(async () => {
    h = await startHarness();
    adminToken = (
      await apiCall<{ token: string }>(h, 'POST', '/api/admin/login', undefined, {
        username: 'admin',
        password: ADMIN_PASSWORD,
      })
    ).token;
    products = (await apiCall<{ items: ShopProduct[] }>(h, 'GET', '/api/shop/products')).items;
  }, 300_000);

  afterAll(async () => {
    await h?.close();
  });

  function product(title: string): ShopProduct {
    const found = products.find((p) => p.title.includes(title));
    if (!found) throw new Error(`no ${title} in the demo catalog`);
    return found;
  }
  const admin = (method: string, path: string, body?: unknown) => apiCall(h, method, path, adminToken, body);
  const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').trim();

  it('an operator creates a coupon template and a flash sale in the admin console', async () => {
    const { page } = await h.admin();
    await adminLogin(h, page, 'admin');
    await page.goto(`${h.url}/admin/#/promotions/coupons`);
    await page.click('[data-test=coupon-new]');
    await page.fill('input[name=coupon-name]', '运营满50减10');
    await page.fill('input[name=coupon-value]', '10');
    await page.fill('input[name=coupon-threshold]', '50');
    await page.click('[data-test=coupon-save]');
    const row = page.locator('[data-test=coupon-table] .el-table__row', { hasText: '运营满50减10' });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('¥10.00');
    await expect(row.textContent()).resolves.toContain('满 ¥50.00 可用');
    await assertAdminFits(page);
    await h.shot(page, 'admin-coupons');

    await page.click('[data-test="menu-promotions/flash"]');
    await page.click('[data-test=flash-new]');
    await page.click('[data-test=flash-sku]');
    await page.locator('.el-select-dropdown__item', { hasText: '新疆长绒棉毛巾' }).first().click();
    await page.fill('input[name=flash-price]', '19.90');
    await page.click('[data-test=flash-save]');
    const sale = page.locator('[data-test=flash-table] .el-table__row', { hasText: '新疆长绒棉毛巾' });
    await sale.waitFor();
    await expect(sale.locator('[data-test=flash-state]').textContent()).resolves.toContain('进行中');
    await expect(sale.locator('[data-test=flash-remaining]').textContent()).resolves.toBe('10');
    await expect(sale.textContent()).resolves.toContain('¥19.90');
    await h.shot(page, 'admin-flash-sales');
    // The storefront sees it at once: the home page's flash strip with a countdown.
    const { page: shop } = await h.shop();
    await shopGoto(h, shop, '/');
    const item = shop.locator('[data-test=flash-item]', { hasText: '新疆长绒棉毛巾' });
    await expect.poll(() => item.locator('[data-test=flash-countdown]').textContent()).toMatch(/距结束 00:\d\d:\d\d/);
    expect(h.errors).toEqual([]);
  }, 120_000);

  it('a shopper claims a coupon, sees the discount and the freight at checkout, picks coupons and pays', async () => {
    // Rice ships by a template (¥8 the first piece), and a ¥15-off-¥80 coupon is in the claim centre.
    const { template } = await admin('POST', '/api/admin/freight-templates', {
      name: '标准快递',
      basis: 'piece',
      defaultCharge: { firstUnits: 1, firstFeeFen: 800, additionalUnits: 1, additionalFeeFen: 200 },
    }).then((r) => r as { template: { id: string } });
    const rice = product('五常大米');
    const full = (await admin('GET', `/api/admin/products/${rice.id}`)) as { product: Record<string, unknown> };
    const p = full.product as { skus: Record<string, unknown>[] } & Record<string, unknown>;
    await admin('PUT', `/api/admin/products/${rice.id}`, {
      title: p.title,
      subtitle: p.subtitle,
      description: p.description,
      categoryId: p.categoryId,
      imageUrl: p.imageUrl,
      onShelf: p.onShelf,
      purchaseLimit: p.purchaseLimit,
      plans: p.plans,
      freightTemplateId: template.id,
      skus: p.skus.map((s) => ({ id: s.id, name: s.name, priceFen: s.priceFen, costFen: s.costFen, stock: s.stock })),
    });
    await admin('POST', '/api/admin/coupon-templates', {
      name: '满80减15',
      kind: 'fixed',
      valueFen: 1500,
      thresholdFen: 8000,
      scope: { kind: 'all' },
      validity: { kind: 'daysFromClaim', days: 7 },
      totalQuantity: 100,
      perUserLimit: 1,
    });

    const token = await apiRegister(h, '13600000001');
    const { page } = await h.shop();
    await useShopToken(h, page, token);
    await shopGoto(h, page, '/');
    await page.click('[data-test=home-coupons]');
    await page.waitForURL(/#\/coupon-centre/);
    const card = page.locator('[data-test=centre-coupon]', { hasText: '满80减15' });
    await card.locator('[data-test=claim]').click();
    await expect.poll(() => card.textContent()).toContain('已领 1 张');
    await expect(card.locator('[data-test=claim]').isDisabled()).resolves.toBe(true);
    await assertNoHorizontalScroll(page);
    await h.shot(page, 'shop-coupon-centre');

    await shopGoto(h, page, `/product/${rice.id}`);
    // The product page lists the coupons that apply to it.
    await expect.poll(() => page.locator('[data-test=product-coupons]').textContent()).toContain('¥15.00');
    await page.click('[data-test=buy-now]');
    await page.click('[data-test=sku-confirm]');
    await page.waitForURL(/#\/checkout/);
    await ensureCheckoutAddress(page, '领券买家', '13600000001');
    // ¥89.90 - ¥15.00 coupon (chosen as the best) + ¥8.00 freight on the undiscounted goods.
    await expect.poll(() => text(page, '[data-test=checkout-total]')).toBe('¥82.90');
    await expect(text(page, '[data-test=checkout-coupon] .van-cell__value')).resolves.toBe('-¥15.00');
    await expect(text(page, '[data-test=checkout-shipping] .van-cell__value')).resolves.toBe('¥8.00');
    await assertNoHorizontalScroll(page);
    await h.shot(page, 'shop-checkout-coupon');

    await page.click('[data-test=checkout-coupon]');
    // The coupon sheet's code loads on its first opening: wait for the sheet before counting its choices.
    await page.locator('[data-test=coupon-none]').waitFor();
    await expect(page.locator('[data-test=coupon-choice]').count()).resolves.toBe(1);
    await page.click('[data-test=coupon-none]');
    await expect.poll(() => text(page, '[data-test=checkout-total]')).toBe('¥97.90');
    await page.click('[data-test=checkout-coupon]');
    await page.locator('[data-test=coupon-choice]', { hasText: '满80减15' }).click();
    await expect.poll(() => text(page, '[data-test=checkout-total]')).toBe('¥82.90');

    await page.click('[data-test=submit-order] button');
    await page.waitForURL(/#\/cashier\//);
    await expect(text(page, '[data-test=cashier-amount]')).resolves.toBe('¥82.90');
    await payInSandbox(page);
    await expect.poll(() => text(page, '[data-test=order-status]')).toBe('待发货');

    await shopGoto(h, page, '/coupons');
    await page.locator('.van-tab', { hasText: '已使用' }).click();
    await expect.poll(() => page.locator('[data-test=my-coupon]', { hasText: '满80减15' }).count()).toBe(1);
    expect(h.errors).toEqual([]);
  }, 180_000);

  it('a flash sale counts down to its start, sells its last unit and then shows sold out', async () => {
    const orange = product('赣南脐橙');
    const sku = orange.skus[0];
    if (!sku) throw new Error('no orange SKU');
    const { flashSale } = (await admin('POST', '/api/admin/flash-sales', {
      skuId: sku.id,
      priceFen: 990,
      quantity: 1,
      perUserLimit: 1,
      startsAt: new Date(Date.now() + 6_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    })) as { flashSale: { id: string } };

    const token = await apiRegister(h, '13600000002');
    const { page } = await h.shop();
    await useShopToken(h, page, token);
    await shopGoto(h, page, `/product/${orange.id}?flash=${flashSale.id}`);
    await expect.poll(() => text(page, '[data-test=product-countdown]')).toMatch(/^距开始 00:00:0\d$/);
    await expect(page.locator('[data-test=flash-buy]').isDisabled()).resolves.toBe(true);
    await expect(text(page, '[data-test=flash-remaining]')).resolves.toBe('仅剩 1 件');
    await h.shot(page, 'shop-flash-countdown');
    await expect
      .poll(() => text(page, '[data-test=product-countdown]'), { timeout: 15_000 })
      .toMatch(/^距结束 00:59:\d\d$/);
    await page.click('[data-test=flash-buy]');
    await page.waitForURL(/#\/checkout/);
    await ensureCheckoutAddress(page, '秒杀买家', '13600000002');
    await expect.poll(() => text(page, '[data-test=checkout-total]')).toBe('¥9.90');
    await page.click('[data-test=submit-order] button');
    await page.waitForURL(/#\/cashier\//);
    await expect(text(page, '[data-test=cashier-amount]')).resolves.toBe('¥9.90');

    // The one unit is reserved: the next shopper sees a clear sold out, on the page and from the API (409, not 500).
    const late = await apiRegister(h, '13600000003');
    const { page: other } = await h.shop();
    await useShopToken(h, other, late);
    await shopGoto(h, other, `/product/${orange.id}?flash=${flashSale.id}`);
    await expect.poll(() => text(other, '[data-test=flash-remaining]')).toBe('已抢光');
    await expect(other.locator('[data-test=flash-buy]').isDisabled()).resolves.toBe(true);
    await h.shot(other, 'shop-flash-sold-out');
    const res = await fetch(`${h.url}/api/shop/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${late}`, 'idempotency-key': 'late-1' },
      body: JSON.stringify({
        items: [{ skuId: sku.id, quantity: 1, flashSaleId: flashSale.id }],
        address: { name: '晚到', phone: '13600000003', region: ['北京市', '北京市', '东城区'], detail: '1 号' },
      }),
    });
    expect(res.status).toBe(409);
    await expect(res.json()).resolves.toMatchObject({ error: { code: 'flash_sold_out' } });
    expect(h.errors).toEqual([]);
  }, 120_000);

  it('a shopper keeps an address book: adds two, makes the second the default, edits and deletes', async () => {
    const token = await apiRegister(h, '13600000004');
    const { page } = await h.shop();
    await useShopToken(h, page, token);
    await shopGoto(h, page, '/me');
    await page.click('[data-test=me-addresses]');
    await page.waitForURL(/#\/addresses$/);
    await page.click('.van-address-list__add');
    await fillAddressForm(page, '张三', '13600000004', '人民路 1 号');
    await page.locator('[data-test=address-edit] button[type=submit]').click();
    await page.waitForURL(/#\/addresses$/);
    await page.locator('.van-address-item', { hasText: '张三' }).waitFor();

    await page.click('.van-address-list__add');
    await fillAddressForm(page, '李四', '13600000005', '解放路 2 号');
    await page.locator('[data-test=address-edit] .van-switch').click();
    await page.locator('[data-test=address-edit] button[type=submit]').click();
    await page.waitForURL(/#\/addresses$/);
    const second = page.locator('.van-address-item', { hasText: '李四' });
    await second.waitFor();
    await expect(second.locator('.van-tag').textContent()).resolves.toContain('默认');
    await expect(page.locator('.van-address-item', { hasText: '张三' }).locator('.van-tag').count()).resolves.toBe(0);
    await expect(second.textContent()).resolves.toContain('北京市 北京市 东城区 解放路 2 号');
    await assertNoHorizontalScroll(page);
    await h.shot(page, 'shop-addresses');

    await page.locator('.van-address-item', { hasText: '张三' }).locator('.van-address-item__edit').click();
    await page.waitForURL(/#\/addresses\/[^n]/);
    const name = page.locator('[data-test=address-edit] .van-field__control').nth(0);
    await expect.poll(() => name.inputValue()).toBe('张三');
    await name.fill('张三丰');
    await page.locator('[data-test=address-edit] button[type=submit]').click();
    await page.waitForURL(/#\/addresses$/);
    await page.locator('.van-address-item', { hasText: '张三丰' }).waitFor();

    await page.locator('.van-address-item', { hasText: '张三丰' }).locator('.van-address-item__edit').click();
    await page.waitForURL(/#\/addresses\/[^n]/);
    await page.locator('[data-test=address-edit] .van-address-edit__button', { hasText: '删除' }).click();
    await page.locator('.van-dialog__confirm').click();
    await page.waitForURL(/#\/addresses$/);
    await expect.poll(() => page.locator('.van-address-item').count()).toBe(1);
    const saved = await apiCall<{ items: { name: string; isDefault: boolean }[] }>(
      h,
      'GET',
      '/api/shop/me/addresses',
      token,
    );
    expect(saved.items).toEqual([expect.objectContaining({ name: '李四', isDefault: true })]);
    expect(h.errors).toEqual([]);
  }, 120_000);
});
