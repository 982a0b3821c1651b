import { expect } from 'vitest';
import { idemKey, type ApiAnswer, type TestServer } from './helpers';

/** Helpers of the checkout tests: promotions made through the admin API, orders with coupons and flash lines. */
export const HANGZHOU = ['浙江省', '杭州市', '西湖区'];
export const URUMQI = ['新疆维吾尔自治区', '乌鲁木齐市', '天山区'];

export function address(region: string[] = HANGZHOU) {
  return { name: '李四', phone: '13900139000', region, detail: '测试路 8 号' };
}

export async function makeCategory(t: TestServer, admin: string): Promise<string> {
  const answer = await t.api('POST', '/api/admin/categories', { token: admin, body: { name: `类目 ${idemKey()}` } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body.category as { id: string }).id;
}

export async function product(
  t: TestServer,
  admin: string,
  input: { priceFen: number; stock: number; categoryId?: string; freightTemplateId?: string; weightGrams?: number },
): Promise<{ productId: string; skuId: string }> {
  const answer = await t.api('POST', '/api/admin/products', {
    token: admin,
    body: {
      title: `结算商品 ${idemKey()}`,
      ...(input.categoryId === undefined ? {} : { categoryId: input.categoryId }),
      ...(input.freightTemplateId === undefined ? {} : { freightTemplateId: input.freightTemplateId }),
      skus: [
        { name: '默认', priceFen: input.priceFen, costFen: 0, stock: input.stock, weightGrams: input.weightGrams ?? 0 },
      ],
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const p = answer.body.product as { id: string; skus: { id: string }[] };
  return { productId: p.id, skuId: p.skus[0]?.id ?? '' };
}

export async function couponTemplate(t: TestServer, admin: string, body: Record<string, unknown>): Promise<string> {
  const answer = await t.api('POST', '/api/admin/coupon-templates', {
    token: admin,
    body: { name: '测试券', scope: { kind: 'all' }, validity: { kind: 'daysFromClaim', days: 7 }, ...body },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body.template as { id: string }).id;
}

export async function claim(t: TestServer, token: string, templateId: string): Promise<string> {
  const answer = await t.api('POST', `/api/shop/coupons/centre/${templateId}/claim`, { token });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body.coupon as { id: string }).id;
}

export function order(
  t: TestServer,
  token: string,
  body: { items: { skuId: string; quantity: number; flashSaleId?: string }[]; couponId?: string | null } & Record<
    string,
    unknown
  >,
  key = idemKey(),
): Promise<ApiAnswer> {
  return t.api('POST', '/api/shop/orders', {
    token,
    body: { address: address(), ...body },
    headers: { 'idempotency-key': key },
  });
}

export function inMinutes(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString();
}

export async function flashSale(
  t: TestServer,
  admin: string,
  body: { skuId: string; priceFen: number; quantity: number; perUserLimit?: number; startsAt?: string },
): Promise<string> {
  const answer = await t.api('POST', '/api/admin/flash-sales', {
    token: admin,
    body: { startsAt: inMinutes(-1), endsAt: inMinutes(60), ...body },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body.flashSale as { id: string }).id;
}

export async function setSettings(t: TestServer, admin: string, body: Record<string, number>): Promise<void> {
  const answer = await t.api('PUT', '/api/admin/settings', { token: admin, body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}
