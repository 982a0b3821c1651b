import { expect } from 'vitest';
import { startGatewayDouble, type GatewayDouble } from './gateway-double/index';
import { alipayConfigFor, wechatConfigFor } from './gateway-double/configs';
import type { PaymentsConfig } from '../src/money/payments/config';
import {
  createOrder,
  registerShopper,
  staffToken,
  type ApiAnswer,
  type Backend,
  type StartTestOptions,
  type TestServer,
} from './helpers';

/**
 * The mall against the local gateway double: the real WeChat Pay and Alipay providers, configured with the double's
 * keys and base URL, the double notifying this server's own notify routes.
 */
export interface PaidMall {
  t: TestServer;
  double: GatewayDouble;
  admin: string;
  finance: string;
  close(): Promise<void>;
}

export function paymentsFor(double: GatewayDouble, url: string): PaymentsConfig {
  return {
    wechat: wechatConfigFor(double, `${url}/api/payments/wechat/notify`),
    alipay: alipayConfigFor(double, `${url}/api/payments/alipay/notify`, { returnUrl: undefined }),
  };
}

export async function startPaidMall(backend: Backend, options: StartTestOptions = {}): Promise<PaidMall> {
  const double = await startGatewayDouble({ timeFactor: 1000 });
  const t = await backend.start({ payments: (url) => paymentsFor(double, url), ...options });
  const admin = await staffToken(t);
  const finance = await staffToken(t, 'finance');
  await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
  return {
    t,
    double,
    admin,
    finance,
    async close() {
      await t.close();
      await double.close();
    },
  };
}

export interface GatewayOrder {
  orderId: string;
  paymentId: string;
  payment: Record<string, unknown>;
}

/** Creates an order of `quantity` x `skuId` and starts paying it through `channel`; the money has not moved yet. */
export async function startGatewayPayment(
  t: TestServer,
  token: string,
  skuId: string,
  channel: string,
  quantity = 1,
): Promise<GatewayOrder> {
  const created = await createOrder(t, token, skuId, quantity);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const orderId = (created.body.order as { id: string }).id;
  const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, { token, body: { channel } });
  expect(pay.status, JSON.stringify(pay.body)).toBe(200);
  const payment = pay.body.payment as { id: string; payUrl?: string };
  // Alipay creates the trade when the shopper's browser opens the cashier URL.
  if (channel.startsWith('alipay')) {
    const page = await fetch(payment.payUrl ?? '');
    expect(page.status).toBe(200);
  }
  return { orderId, paymentId: payment.id, payment };
}

/** The shopper pays at the gateway and the notification is delivered (with copies, if asked). */
export async function payAtGateway(
  m: PaidMall,
  channel: string,
  paymentId: string,
  delivery: { duplicates?: number; concurrent?: number } = {},
): Promise<void> {
  const d = channel.startsWith('wechat')
    ? m.double.wechat.pay(paymentId, delivery)
    : m.double.alipay.pay(paymentId, delivery);
  expect(await d?.done).toBe(true);
}

export async function orderStatus(t: TestServer, token: string, orderId: string): Promise<string> {
  const answer = await t.api('GET', `/api/shop/orders/${orderId}`, { token });
  return (answer.body.order as { status: string }).status;
}

/** Buys and pays through a gateway, then ships: the order waits for the shopper to receive it. */
export async function paidAndShipped(
  m: PaidMall,
  token: string,
  skuId: string,
  channel: string,
  quantity = 1,
): Promise<GatewayOrder> {
  const order = await startGatewayPayment(m.t, token, skuId, channel, quantity);
  await payAtGateway(m, channel, order.paymentId);
  const ship = await m.t.api('POST', `/api/admin/orders/${order.orderId}/ship`, {
    token: m.admin,
    body: { carrier: 'SF', trackingNo: `SF${order.orderId.slice(-8)}` },
  });
  expect(ship.status, JSON.stringify(ship.body)).toBe(200);
  return order;
}

export async function transfersOf(t: TestServer, orderId: string) {
  return t.server.store.db
    .selectFrom('transfers')
    .select(['id', 'from_account', 'to_account', 'amount_fen', 'reason'])
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
}

export async function balance(t: TestServer, address: string): Promise<bigint> {
  const row = await t.server.store.db
    .selectFrom('accounts')
    .select('balance_fen')
    .where('address', '=', address)
    .executeTakeFirst();
  return row?.balance_fen ?? 0n;
}

export async function newShopper(t: TestServer, inviteCode?: string) {
  return registerShopper(t, inviteCode);
}

export function expectError(answer: ApiAnswer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body.error?.code).toBe(code);
}
