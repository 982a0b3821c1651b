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
 * Group buys in the browser: the operator schedules a group of three, three shoppers open, join from the product
 * page and join from the group page, each paying at the sandbox; and a lottery group fills, draws, and its page
 * recomputes the draw in the browser from the revealed seed.
 */
if (!HAVE_BROWSER && REQUIRE_BROWSER) {
  throw new Error('Chromium not found at /usr/bin/chromium and MALL_REQUIRE_BROWSER=1');
}

interface ShopProduct {
  id: string;
  title: string;
  skus: { id: string; priceFen: number }[];
}

const ADDRESS = {
  name: '拼团买家',
  phone: '13700000000',
  region: ['北京市', '北京市', '东城区'],
  detail: '测试路 8 号',
};

describe.skipIf(!HAVE_BROWSER)('group buys in the browser', () => {
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

  async function shopper(phone: string): Promise<{ page: Page; token: string }> {
    const token = await apiRegister(h, phone);
    await apiCall(h, 'POST', '/api/shop/me/addresses', token, { ...ADDRESS, phone });
    const { page } = await h.shop();
    await useShopToken(h, page, token);
    return { page, token };
  }

  async function groupIdOf(token: string, orderId: string): Promise<string> {
    const mine = await apiCall<{ items: { id: string; members: { orderId: string }[] }[] }>(
      h,
      'GET',
      '/api/admin/groups',
      adminToken,
    );
    const found = mine.items.find((g) => g.members.some((m) => m.orderId === orderId));
    if (!found) throw new Error(`no group holds ${orderId} (${token.slice(0, 4)})`);
    return found.id;
  }

  it('a group forms with three shoppers: open and join on the product page, join on the group page', async () => {
    const { page: adminPage } = await h.admin();
    await adminLogin(h, adminPage, 'admin');
    await adminPage.goto(`${h.url}/admin/#/promotions/group-buys`);
    await adminPage.click('[data-test=group-buy-new]');
    await adminPage.click('[data-test=group-buy-sku]');
    await adminPage.locator('.el-select-dropdown__item', { hasText: '赣南脐橙' }).first().click();
    await adminPage.fill('input[name=group-price]', '29.90');
    await adminPage.click('[data-test=group-buy-save]');
    const row = adminPage.locator('[data-test=group-buy-table] .el-table__row', { hasText: '赣南脐橙' });
    await row.waitFor();
    await expect(row.locator('[data-test=group-buy-state]').textContent()).resolves.toContain('进行中');
    await assertAdminFits(adminPage);
    await h.shot(adminPage, 'admin-group-buys');

    const oranges = product('赣南脐橙');
    const leader = await shopper('13700000101');
    await shopGoto(h, leader.page, '/');
    await leader.page.locator('[data-test=group-buy-item]', { hasText: '赣南脐橙' }).first().click();
    await leader.page.locator('[data-test=group-badge]').waitFor();
    await expect(leader.page.locator('[data-test=product-group-buy]').textContent()).resolves.toContain('¥29.90');
    await leader.page.click('[data-test=group-open]');
    await leader.page.waitForURL(/#\/cashier\//);
    const leaderOrder = decodeURIComponent(leader.page.url().split('/cashier/')[1] ?? '');
    await payInSandbox(leader.page);
    const groupId = await groupIdOf(leader.token, leaderOrder);

    const second = await shopper('13700000102');
    await shopGoto(h, second.page, `/product/${oranges.id}`);
    await second.page.locator('[data-test=joinable-group] [data-test=group-join]').first().click();
    await second.page.waitForURL(/#\/cashier\//);
    await payInSandbox(second.page);

    const third = await shopper('13700000103');
    await shopGoto(h, third.page, `/group/${groupId}`);
    await expect(third.page.locator('[data-test=group-countdown]').textContent()).resolves.toMatch(/还差 1 人/);
    const names = await third.page.locator('[data-test=group-member]').allTextContents();
    expect(names.slice(0, 2)).toEqual(['137****0101', '137****0102']);
    await assertNoHorizontalScroll(third.page);
    await third.page.click('[data-test=group-share]');
    await third.page.locator('[data-test=group-qr]').waitFor();
    await h.shot(third.page, 'shop-group-poster');
    await third.page.keyboard.press('Escape');
    await shopGoto(h, third.page, `/group/${groupId}`);
    await third.page.click('[data-test=group-page-join]');
    await third.page.waitForURL(/#\/cashier\//);
    await payInSandbox(third.page);

    await shopGoto(h, leader.page, `/group/${groupId}`);
    await expect(leader.page.locator('[data-test=group-status]').getAttribute('data-status')).resolves.toBe(
      'succeeded',
    );
    await expect(leader.page.locator('[data-test=group-member]').allTextContents()).resolves.toEqual([
      '137****0101',
      '137****0102',
      '137****0103',
    ]);
    await h.shot(leader.page, 'shop-group-succeeded');
    await adminPage.reload();
    const group = adminPage.locator('[data-test=group-table] .el-table__row', { hasText: '137****0103' });
    await expect(group.locator('[data-test=group-row-status]').textContent()).resolves.toContain('成功');
    expect(h.errors).toEqual([]);
  }, 240_000);

  it('a lottery group fills and draws, and its page verifies the draw from the revealed seed', async () => {
    const kettle = product('电热水壶');
    const { activity } = await apiCall<{ activity: { id: string } }>(h, 'POST', '/api/admin/group-buys', adminToken, {
      skuId: kettle.skus[0]?.id,
      priceFen: 100,
      groupSize: 2,
      hours: 24,
      lotteryWinners: 1,
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const leader = await shopper('13700000201');
    await shopGoto(h, leader.page, `/product/${kettle.id}`);
    await leader.page.locator('[data-test=group-badge]', { hasText: '抽奖' }).waitFor();
    await leader.page.click('[data-test=group-open]');
    await leader.page.waitForURL(/#\/cashier\//);
    const leaderOrder = decodeURIComponent(leader.page.url().split('/cashier/')[1] ?? '');
    await payInSandbox(leader.page);
    const groupId = await groupIdOf(leader.token, leaderOrder);
    await shopGoto(h, leader.page, `/group/${groupId}`);
    await leader.page.locator('[data-test=draw-seed-hash]').waitFor();
    expect(await leader.page.locator('[data-test=draw-server-seed]').count()).toBe(0);

    const other = await shopper('13700000202');
    await shopGoto(h, other.page, `/group/${groupId}`);
    await other.page.click('[data-test=group-page-join]');
    await other.page.waitForURL(/#\/cashier\//);
    await payInSandbox(other.page);

    await shopGoto(h, leader.page, `/group/${groupId}`);
    await expect(leader.page.locator('[data-test=group-status]').getAttribute('data-status')).resolves.toBe(
      'succeeded',
    );
    await leader.page.locator('[data-test=draw-server-seed]').waitFor();
    await leader.page.click('[data-test=draw-verify]');
    await expect(leader.page.locator('[data-test=draw-verdict]').getAttribute('data-ok')).resolves.toBe('1');
    const winners = ((await leader.page.locator('[data-test=draw-winners]').textContent()) ?? '').trim();
    expect(winners.split(', ')).toHaveLength(1);
    await h.shot(leader.page, 'shop-group-lottery');
    expect(activity.id).toMatch(/^gba_/);
    expect(h.errors).toEqual([]);
  }, 240_000);
});
