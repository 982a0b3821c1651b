import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  HAVE_BROWSER,
  REQUIRE_BROWSER,
  apiRegister,
  assertNoHorizontalScroll,
  checkout,
  shopGoto,
  startHarness,
  useShopToken,
  type Harness,
} from './harness';
import { startGatewayDouble, type GatewayDouble } from '../../../packages/server/test/gateway-double/index';
import { paymentsFor } from '../../../packages/server/test/gateway-helpers';

/**
 * Issue 10: the storefront's cashier with WeChat Pay and Alipay configured (against the gateway double): it offers
 * exactly the configured channels that work in a phone browser, sends the shopper to Alipay's cashier and back, and
 * shows WeChat Native's QR code; the orders are paid when the gateway's notification arrives.
 */
if (!HAVE_BROWSER && REQUIRE_BROWSER) {
  throw new Error('Chromium not found at /usr/bin/chromium and MALL_REQUIRE_BROWSER=1');
}

describe.skipIf(!HAVE_BROWSER)('the cashier with real gateways in the browser', () => {
  let h: Harness;
  let double: GatewayDouble;

  beforeAll(async () => {
    double = await startGatewayDouble({ timeFactor: 1000 });
    // The double's cashier page has no favicon: the browser's request for it is the double's 404, not the mall's.
    const doublePage = new RegExp(`^${double.url.replaceAll('.', '\\.')}gateway\\.do.*status of 404`);
    h = await startHarness({ allow: [doublePage] }, { payments: (url) => paymentsFor(double, url) });
  }, 300_000);

  afterAll(async () => {
    await h?.close();
    await double?.close();
  });

  async function statusAfterReloads(page: Page, text: string) {
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.waitForLoadState('networkidle');
          return page.locator('[data-test=order-status]').textContent();
        },
        { timeout: 15_000 },
      )
      .toBe(text);
  }

  it('offers the configured channels, pays through Alipay’s cashier and returns to the order', async () => {
    const phone = '13700000041';
    const token = await apiRegister(h, phone);
    const { page } = await h.shop();
    await useShopToken(h, page, token);
    const orderId = await checkout(h, page, '五常大米', phone);
    // The channels come from the server after the cashier opens; the wallet is always offered, last.
    await page.locator('[data-test=channel-wallet]').waitFor();
    const offered = await page
      .locator('[data-test^=channel-]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-test')));
    // A phone browser outside WeChat: no JSAPI.
    expect(offered).toEqual([
      'channel-wechat_h5',
      'channel-wechat_native',
      'channel-alipay_wap',
      'channel-alipay_page',
      'channel-sandbox',
      'channel-wallet',
    ]);
    await assertNoHorizontalScroll(page);
    await h.shot(page, 'shop-cashier-gateways');
    await page.click('[data-test=channel-alipay_wap]');
    await page.click('[data-test=pay-now]');
    await page.waitForURL(new RegExp(`^${double.url}gateway\\.do`));
    await page.getByRole('button', { name: /确认付款/ }).click();
    await page.waitForURL(/#\/orders\//);
    expect(page.url()).toContain(orderId);
    await statusAfterReloads(page, '待发货');
  }, 120_000);

  it('shows WeChat Native’s QR code and finds the order paid once WeChat notifies', async () => {
    const phone = '13700000042';
    const token = await apiRegister(h, phone);
    const { page } = await h.shop();
    await useShopToken(h, page, token);
    const orderId = await checkout(h, page, '五常大米', phone);
    await page.click('[data-test=channel-wechat_native]');
    await page.click('[data-test=pay-now]');
    await page.locator('[data-test=pay-qr]').waitFor();
    await h.shot(page, 'shop-cashier-wechat-qr');
    const paymentId = [...double.wechat.orders.keys()].at(-1) ?? '';
    expect(await double.wechat.pay(paymentId)?.done).toBe(true);
    await page.locator('.van-dialog__confirm').click();
    await page.waitForURL(new RegExp(`#/orders/${orderId}$`));
    await shopGoto(h, page, `/orders/${orderId}`);
    await expect.poll(() => page.locator('[data-test=order-status]').textContent()).toBe('待发货');
    expect(h.errors).toEqual([]);
  }, 120_000);
});
