import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, expectLedgerHealthy, registerShopper, staffToken, type TestServer } from './helpers';
import {
  address,
  claim,
  couponTemplate,
  inMinutes,
  makeCategory,
  order,
  product,
  setSettings,
  URUMQI,
} from './checkout-helpers';

type Line = { paidFen: number; thresholdDiscountFen: number; couponDiscountFen: number; unitPriceFen: number };
type Order = {
  id: string;
  status: string;
  amountFen: number;
  subtotalFen: number;
  discountFen: number;
  shippingFen: number;
  couponId: string | null;
  items: Line[];
  payment: unknown;
};

for (const backend of backends()) {
  describe(`checkout (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      await setSettings(t, admin, { maxUnpaidOrders: 100 });
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('keeps an address book with exactly one default address', async () => {
      const s = await registerShopper(t);
      const first = await t.api('POST', '/api/shop/me/addresses', { token: s.token, body: address() });
      expect(first.status).toBe(200);
      const a1 = first.body.address as { id: string; isDefault: boolean };
      expect(a1.isDefault).toBe(true);
      const second = await t.api('POST', '/api/shop/me/addresses', {
        token: s.token,
        body: { ...address(URUMQI), isDefault: true },
      });
      const a2 = second.body.address as { id: string; isDefault: boolean };
      expect(a2.isDefault).toBe(true);
      let list = (await t.api('GET', '/api/shop/me/addresses', { token: s.token })).body.items as {
        id: string;
        isDefault: boolean;
      }[];
      expect(list.map((a) => [a.id, a.isDefault])).toEqual([
        [a2.id, true],
        [a1.id, false],
      ]);
      const edited = await t.api('PUT', `/api/shop/me/addresses/${a1.id}`, {
        token: s.token,
        body: { ...address(), detail: '新地址 9 号', isDefault: true },
      });
      expect(edited.body.address).toMatchObject({ detail: '新地址 9 号', isDefault: true });
      const removed = await t.api('DELETE', `/api/shop/me/addresses/${a1.id}`, { token: s.token });
      list = removed.body.items as { id: string; isDefault: boolean }[];
      expect(list).toEqual([expect.objectContaining({ id: a2.id, isDefault: true })]);
      const other = await registerShopper(t);
      const foreign = await t.api('DELETE', `/api/shop/me/addresses/${a2.id}`, { token: other.token });
      expect(foreign.status).toBe(404);
      expect(foreign.body.error?.code).toBe('address_not_found');
    });

    it('prices the order as the quote does: 满减, the best coupon, freight by template, each line paid', async () => {
      const templateAnswer = await t.api('POST', '/api/admin/freight-templates', {
        token: admin,
        body: {
          name: '按件',
          basis: 'piece',
          defaultCharge: { firstUnits: 1, firstFeeFen: 1000, additionalUnits: 1, additionalFeeFen: 500 },
          regionCharges: [
            {
              regions: [['新疆维吾尔自治区']],
              charge: { firstUnits: 1, firstFeeFen: 2000, additionalUnits: 1, additionalFeeFen: 1500 },
            },
          ],
          notDelivered: [['西藏自治区']],
        },
      });
      expect(templateAnswer.status, JSON.stringify(templateAnswer.body)).toBe(200);
      const freightTemplateId = (templateAnswer.body.template as { id: string }).id;
      const categoryId = await makeCategory(t, admin);
      const p = await product(t, admin, { priceFen: 6000, stock: 50, categoryId, freightTemplateId });
      const activity = await t.api('POST', '/api/admin/spend-thresholds', {
        token: admin,
        body: {
          name: '满100减10',
          tiers: [{ thresholdFen: 10000, offFen: 1000 }],
          scope: { kind: 'products', productIds: [p.productId] },
          startsAt: inMinutes(-1),
          endsAt: inMinutes(60),
        },
      });
      expect(activity.status, JSON.stringify(activity.body)).toBe(200);
      const fixed = await couponTemplate(t, admin, {
        name: '立减5元',
        kind: 'fixed',
        valueFen: 500,
        scope: { kind: 'products', productIds: [p.productId] },
      });
      const percent = await couponTemplate(t, admin, {
        name: '九折券',
        kind: 'percentage',
        offBps: 1000,
        capFen: 300,
        scope: { kind: 'categories', categoryIds: [categoryId] },
      });
      const s = await registerShopper(t);
      const fixedId = await claim(t, s.token, fixed);
      const percentId = await claim(t, s.token, percent);
      const saved = await t.api('POST', '/api/shop/me/addresses', { token: s.token, body: address() });
      const addressId = (saved.body.address as { id: string }).id;
      const items = [{ skuId: p.skuId, quantity: 2 }];

      // 2 x 6000 = 12000; 满减 1000; coupons see 11000: fixed 500, 10% = 1100 capped at 300; 2 pieces 1000 + 500.
      const quote = await t.api('POST', '/api/shop/checkout/quote', { token: s.token, body: { items, addressId } });
      expect(quote.status, JSON.stringify(quote.body)).toBe(200);
      expect(quote.body.quote).toMatchObject({
        subtotalFen: 12000,
        thresholdDiscountFen: 1000,
        couponDiscountFen: 500,
        shippingFen: 1500,
        totalFen: 12000,
        couponId: fixedId,
        threshold: { applied: true, discountFen: 1000, thresholdFen: 10000 },
      });
      const choices = quote.body.coupons as {
        coupon: { id: string };
        usable: boolean;
        best: boolean;
        totalFen: number;
      }[];
      expect(choices.map((c) => [c.coupon.id, c.usable, c.best, c.totalFen])).toEqual(
        expect.arrayContaining([
          [fixedId, true, true, 12000],
          [percentId, true, false, 12200],
        ]),
      );
      const chosen = await t.api('POST', '/api/shop/checkout/quote', {
        token: s.token,
        body: { items, region: URUMQI, couponId: percentId },
      });
      expect(chosen.body.quote).toMatchObject({ couponDiscountFen: 300, shippingFen: 3500, totalFen: 14200 });
      const none = await t.api('POST', '/api/shop/checkout/quote', {
        token: s.token,
        body: { items, addressId, couponId: null },
      });
      expect(none.body.quote).toMatchObject({ couponDiscountFen: 0, totalFen: 12500, couponId: null });
      const tibet = await t.api('POST', '/api/shop/checkout/quote', {
        token: s.token,
        body: { items, region: ['西藏自治区', '拉萨市', '城关区'] },
      });
      expect(tibet.status).toBe(422);
      expect(tibet.body.error?.code).toBe('region_not_delivered');
      const refused = await order(t, s.token, { items, address: address(['西藏自治区', '拉萨市']) });
      expect(refused.body.error?.code).toBe('region_not_delivered');

      const placed = await t.api('POST', '/api/shop/orders', {
        token: s.token,
        body: { items, addressId, couponId: fixedId },
        headers: { 'idempotency-key': `priced-${s.id}` },
      });
      expect(placed.status, JSON.stringify(placed.body)).toBe(201);
      const o = placed.body.order as Order;
      expect(o).toMatchObject({ amountFen: 12000, subtotalFen: 12000, discountFen: 1500, shippingFen: 1500 });
      expect(o.couponId).toBe(fixedId);
      expect(o.items[0]).toMatchObject({
        unitPriceFen: 6000,
        thresholdDiscountFen: 1000,
        couponDiscountFen: 500,
        paidFen: 10500,
      });
      const pay = await t.api('POST', `/api/shop/orders/${o.id}/pay`, { token: s.token, body: { channel: 'sandbox' } });
      expect((pay.body.payment as { amountFen: number }).amountFen).toBe(12000);
      const again = await order(t, s.token, { items, couponId: fixedId });
      expect(again.status).toBe(409);
      expect(again.body.error?.code).toBe('coupon_not_applicable');
      const listed = await t.api('GET', '/api/admin/spend-thresholds', { token: admin });
      const mine = (listed.body.items as { name: string; orders: number; discountFen: number }[]).find(
        (a) => a.name === '满100减10',
      );
      expect(mine).toMatchObject({ orders: 1, discountFen: 1000 });
    });

    it('uses a single-use coupon once among 50 concurrent checkouts, and gives it back on cancel and full refund', async () => {
      const p = await product(t, admin, { priceFen: 3000, stock: 200 });
      const template = await couponTemplate(t, admin, { kind: 'fixed', valueFen: 1000 });
      const s = await registerShopper(t);
      const couponId = await claim(t, s.token, template);
      const items = [{ skuId: p.skuId, quantity: 1 }];
      const answers = await Promise.all(Array.from({ length: 50 }, () => order(t, s.token, { items, couponId })));
      const created = answers.filter((a) => a.status === 201);
      expect(created).toHaveLength(1);
      for (const a of answers.filter((x) => x.status !== 201)) {
        expect(a.status).toBe(409);
        expect(a.body.error?.code).toBe('coupon_not_applicable');
      }
      const first = created[0]!.body.order as Order;
      expect(first.amountFen).toBe(2000);
      const mine = async () =>
        (
          (await t.api('GET', '/api/shop/me/coupons', { token: s.token })).body.items as {
            id: string;
            status: string;
          }[]
        ).find((c) => c.id === couponId)?.status;
      expect(await mine()).toBe('used');
      const cancel = await t.api('POST', `/api/shop/orders/${first.id}/cancel`, { token: s.token });
      expect(cancel.status).toBe(200);
      expect(await mine()).toBe('unused');

      const second = (await order(t, s.token, { items, couponId })).body.order as Order;
      const pay = await t.api('POST', `/api/shop/orders/${second.id}/pay`, {
        token: s.token,
        body: { channel: 'sandbox' },
      });
      await t.api('POST', `/api/sandbox/payments/${(pay.body.payment as { id: string }).id}/succeed`);
      const ask = await t.api('POST', `/api/shop/orders/${second.id}/refund`, {
        token: s.token,
        body: { reason: '不要了' },
      });
      expect(ask.status).toBe(200);
      const approve = await t.api('POST', `/api/admin/orders/${second.id}/refund/approve`, { token: admin, body: {} });
      expect(approve.status, JSON.stringify(approve.body)).toBe(200);
      expect(await mine()).toBe('unused');
    });

    it('completes an order that comes to 0 fen without a gateway, and it ships like any paid order', async () => {
      const p = await product(t, admin, { priceFen: 500, stock: 5 });
      const template = await couponTemplate(t, admin, {
        kind: 'fixed',
        valueFen: 800,
        scope: { kind: 'products', productIds: [p.productId] },
      });
      const s = await registerShopper(t);
      const couponId = await claim(t, s.token, template);
      const placed = await order(t, s.token, { items: [{ skuId: p.skuId, quantity: 1 }], couponId });
      expect(placed.status, JSON.stringify(placed.body)).toBe(201);
      const o = placed.body.order as Order;
      expect(o).toMatchObject({ status: 'paid', amountFen: 0, discountFen: 500, payment: null });
      const pay = await t.api('POST', `/api/shop/orders/${o.id}/pay`, { token: s.token, body: { channel: 'sandbox' } });
      expect(pay.body.error?.code).toBe('order_transition_not_allowed');
      const ship = await t.api('POST', `/api/admin/orders/${o.id}/ship`, {
        token: admin,
        body: { carrier: 'SF', trackingNo: 'SF0001' },
      });
      expect(ship.status).toBe(200);
      const stock = await t.api('GET', `/api/admin/products/${p.productId}`, { token: admin });
      expect((stock.body.product as { skus: { stock: number }[] }).skus[0]?.stock).toBe(4);
    });

    it('limits claims per shopper and in total, and gives new shoppers their gift coupons', async () => {
      const limited = await couponTemplate(t, admin, {
        kind: 'fixed',
        valueFen: 100,
        perUserLimit: 1,
        totalQuantity: 2,
      });
      const a = await registerShopper(t);
      const b = await registerShopper(t);
      const c = await registerShopper(t);
      await claim(t, a.token, limited);
      const twice = await t.api('POST', `/api/shop/coupons/centre/${limited}/claim`, { token: a.token });
      expect(twice.body.error?.code).toBe('coupon_limit_reached');
      await claim(t, b.token, limited);
      const gone = await t.api('POST', `/api/shop/coupons/centre/${limited}/claim`, { token: c.token });
      expect(gone.body.error?.code).toBe('coupon_sold_out');
      const centre = await t.api('GET', '/api/shop/coupons/centre', { token: c.token });
      expect((centre.body.items as { id: string; canClaim: boolean }[]).find((i) => i.id === limited)?.canClaim).toBe(
        false,
      );
      const gift = await couponTemplate(t, admin, {
        name: '新人券',
        kind: 'fixed',
        valueFen: 300,
        claimable: false,
        newShopperGift: true,
      });
      const newcomer = await registerShopper(t);
      const held = (await t.api('GET', '/api/shop/me/coupons', { token: newcomer.token })).body.items as {
        templateId: string;
      }[];
      expect(held.map((h) => h.templateId)).toContain(gift);
      const grant = await t.api('POST', `/api/admin/coupon-templates/${gift}/grant`, {
        token: admin,
        body: { userIds: [a.id, 'usr_missing'] },
      });
      expect(grant.body).toMatchObject({ granted: 1, refused: [{ userId: 'usr_missing', code: 'user_not_found' }] });
      const listed = (await t.api('GET', '/api/admin/coupon-templates', { token: admin })).body.items as {
        id: string;
        issued: number;
      }[];
      expect(listed.find((x) => x.id === limited)?.issued).toBe(2);
    });
  });
}
