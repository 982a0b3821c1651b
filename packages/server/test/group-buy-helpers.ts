import { expect } from 'vitest';
import { ADDRESS, idemKey, type ApiAnswer, type TestServer } from './helpers';

/** Helpers of the group-buy tests: activities through the admin API, open / join / pay through the shop API. */
export interface GroupView {
  id: string;
  status: string;
  paidCount: number;
  seatsLeft: number;
  members: { seat: number; name: string; outcome: string; orderId: string }[];
  draw: { seedHash: string; serverSeed: string | null; groupSeed: string | null; winners: string[] };
}

export async function groupBuy(
  t: TestServer,
  admin: string,
  body: { skuId: string; priceFen: number; groupSize: number; lotteryWinners?: number; consolationTemplateId?: string },
): Promise<string> {
  const answer = await t.api('POST', '/api/admin/group-buys', {
    token: admin,
    body: {
      hours: 24,
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
      ...body,
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body.activity as { id: string }).id;
}

export async function openGroup(t: TestServer, token: string, activityId: string) {
  const answer = await t.api('POST', `/api/shop/group-buys/${activityId}/open`, {
    token,
    body: { address: ADDRESS },
    headers: { 'idempotency-key': idemKey() },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return { groupId: answer.body.groupId as string, orderId: (answer.body.order as { id: string }).id };
}

export function joinGroup(t: TestServer, token: string, groupId: string): Promise<ApiAnswer> {
  return t.api('POST', `/api/shop/groups/${groupId}/join`, {
    token,
    body: { address: ADDRESS },
    headers: { 'idempotency-key': idemKey() },
  });
}

/** Starts a payment; the money moves when the gateway says so (sandbox: `sandboxSucceed`). */
export async function startPay(t: TestServer, token: string, orderId: string, channel: string) {
  const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, { token, body: { channel } });
  expect(pay.status, JSON.stringify(pay.body)).toBe(200);
  return pay.body.payment as { id: string; payUrl?: string; status: string };
}

export async function sandboxSucceed(t: TestServer, paymentId: string): Promise<void> {
  const ok = await t.api('POST', `/api/sandbox/payments/${paymentId}/succeed`);
  expect(ok.status, JSON.stringify(ok.body)).toBe(200);
}

export async function sandboxPay(t: TestServer, token: string, orderId: string): Promise<string> {
  const payment = await startPay(t, token, orderId, 'sandbox');
  await sandboxSucceed(t, payment.id);
  return payment.id;
}

export async function groupView(t: TestServer, groupId: string, token?: string): Promise<GroupView> {
  const answer = await t.api('GET', `/api/shop/groups/${groupId}`, token === undefined ? {} : { token });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.group as GroupView;
}

export async function orderOf(t: TestServer, token: string, orderId: string) {
  const answer = await t.api('GET', `/api/shop/orders/${orderId}`, { token });
  return answer.body.order as { status: string; amountFen: number; refundedFen: number };
}

export async function refundsOf(t: TestServer, orderId: string) {
  return t.server.store.db
    .selectFrom('transfers')
    .select(['from_account', 'to_account', 'amount_fen', 'reason'])
    .where('order_id', '=', orderId)
    .where('reason', 'in', ['refund', 'late_payment_refund'])
    .execute();
}
