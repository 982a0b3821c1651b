import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS,
  backends,
  buyAndReceive,
  expectLedgerHealthy,
  idemKey,
  makeProduct,
  registerShopper,
  skuStock,
  staffToken,
  type TestServer,
} from './helpers';
import {
  balance,
  expectError,
  orderStatus,
  paidAndShipped,
  payAtGateway,
  startPaidMall,
  transfersOf,
  type PaidMall,
} from './gateway-helpers';

type Item = { productId: string; quantity: number; paidFen: number; refundedQuantity: number; refundedFen: number };
type Order = { id: string; status: string; amountFen: number; refundedFen: number; items: Item[] };
type AfterSale = { id: string; status: string; amountFen: number; refund: { id: string; status: string } | null };

/**
 * Issue 10, after-sales (售后): refunds by line and quantity, the return-goods flow, rejection and reopening, goodwill
 * refunds after settlement, failed gateway refunds, and what settlement then sees.
 */
for (const backend of backends()) {
  describe(`after-sales by line (${backend.name})`, () => {
    let m: PaidMall;
    let t: TestServer;
    beforeAll(async () => {
      m = await startPaidMall(backend);
      t = m.t;
    });
    // After every test: the ledger sums to zero, no wallet is negative, the audit is clean.
    afterEach(async () => {
      if (t) await expectLedgerHealthy(t);
    });
    afterAll(async () => {
      await m?.close();
    });

    const order = async (token: string, id: string): Promise<Order> =>
      (await t.api('GET', `/api/shop/orders/${id}`, { token })).body.order as Order;
    const ask = (token: string, orderId: string, body: object) =>
      t.api('POST', `/api/shop/orders/${orderId}/after-sales`, { token, body });
    const act = (id: string, action: string, body: object = {}) =>
      t.api('POST', `/api/admin/after-sales/${id}/${action}`, { token: m.admin, body });
    const settleEvents = (orderId: string) =>
      t.server.store.db
        .selectFrom('incentive_events')
        .select(['order_id', 'amount_fen'])
        .where('type', '=', 'settle')
        .where('order_id', 'like', `${orderId}%`)
        .execute();

    it('refunds part of a line through WeChat, exactly, with an order discount allocated to the lines; settlement sees the rest', async () => {
      const plain = await makeProduct(t, m.admin, { priceFen: 1000, stock: 100 });
      const pooled = await makeProduct(t, m.admin, { priceFen: 3333, stock: 100, campaigns: ['appreciationPool'] });
      const shopper = await registerShopper(t);
      const created = await t.api('POST', '/api/shop/orders', {
        token: shopper.token,
        body: {
          items: [
            { skuId: plain.skuId, quantity: 3 },
            { skuId: pooled.skuId, quantity: 1 },
          ],
          address: ADDRESS,
        },
        headers: { 'idempotency-key': idemKey() },
      });
      const orderId = (created.body.order as Order).id;
      const lineOf = (productId: string, o: Order) => o.items.findIndex((i) => i.productId === productId);
      const plainLine = lineOf(plain.productId, created.body.order as Order);
      // As a promotion will: 1000 fen of order discount allocated to the plain line (3000 -> 2000 paid).
      await t.server.store.db
        .updateTable('order_items')
        .set({ paid_fen: 2000n })
        .where('order_id', '=', orderId)
        .where('line', '=', BigInt(plainLine))
        .execute();
      await t.server.store.db.updateTable('orders').set({ amount_fen: 5333n }).where('id', '=', orderId).execute();
      const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, {
        token: shopper.token,
        body: { channel: 'wechat_native' },
      });
      const paymentId = (pay.body.payment as { id: string }).id;
      await payAtGateway(m, 'wechat_native', paymentId);
      expect(await skuStock(t, m.admin, plain.productId)).toBe(97);

      // One of three units: floor(2000 / 3) = 666, back through WeChat.
      const first = await ask(shopper.token, orderId, {
        kind: 'refund_only',
        reason: '拍多了',
        lines: [{ line: plainLine, quantity: 1 }],
      });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const one = first.body.afterSale as AfterSale;
      expect(one.amountFen).toBe(666);
      expect((await order(shopper.token, orderId)).status).toBe('refunding');
      const approved = await act(one.id, 'approve');
      expect((approved.body.afterSale as AfterSale).status).toBe('refunding');
      const refundNo = (approved.body.afterSale as AfterSale).refund?.id ?? '';
      expect(m.double.wechat.refunds.get(refundNo)?.refundFen).toBe(666);
      expect(await m.double.wechat.completeRefund(refundNo, 'SUCCESS')?.done).toBe(true);
      const after = await order(shopper.token, orderId);
      expect(after.status).toBe('paid');
      expect(after.items[plainLine]).toMatchObject({ refundedQuantity: 1, refundedFen: 666 });
      expect(await skuStock(t, m.admin, plain.productId)).toBe(98);

      // The other two carry the remainder: 2000 - 666 = 1334, so the line returns exactly what was paid.
      const rest = await ask(shopper.token, orderId, {
        kind: 'refund_only',
        reason: '都不要了',
        lines: [{ line: plainLine, quantity: 2 }],
      });
      const two = rest.body.afterSale as AfterSale;
      expect(two.amountFen).toBe(1334);
      const approvedTwo = await act(two.id, 'approve');
      const refundTwo = (approvedTwo.body.afterSale as AfterSale).refund?.id ?? '';
      expect(await m.double.wechat.completeRefund(refundTwo, 'SUCCESS')?.done).toBe(true);
      const third = await ask(shopper.token, orderId, {
        kind: 'refund_only',
        reason: '再退',
        lines: [{ line: plainLine, quantity: 1 }],
      });
      expectError(third, 409, 'refund_quantity_exceeds_remaining');

      await t.api('POST', `/api/admin/orders/${orderId}/ship`, {
        token: m.admin,
        body: { carrier: 'SF', trackingNo: 'SF1' },
      });
      await t.api('POST', `/api/shop/orders/${orderId}/receive`, { token: shopper.token });
      await t.api('POST', '/api/admin/settlement/run', { token: m.admin });
      const settled = await order(shopper.token, orderId);
      expect(settled).toMatchObject({ status: 'settled', refundedFen: 2000 });
      expect(await settleEvents(orderId)).toEqual([{ order_id: orderId, amount_fen: 3333n }]);
      const moves = (await transfersOf(t, orderId)).map((x) => [x.from_account, x.to_account, x.amount_fen, x.reason]);
      expect(moves).toEqual(
        expect.arrayContaining([
          ['gateway:wechat', 'platform:escrow', 5333n, 'payment'],
          ['platform:escrow', 'gateway:wechat', 666n, 'refund'],
          ['platform:escrow', 'gateway:wechat', 1334n, 'refund'],
          ['platform:escrow', 'platform:revenue', 3333n, 'revenue'],
        ]),
      );
    });

    it('runs the return-goods flow through Alipay: approve, ship back, goods received, refund, stock back', async () => {
      const product = await makeProduct(t, m.admin, { priceFen: 2500, stock: 10, campaigns: ['appreciationPool'] });
      const shopper = await registerShopper(t);
      const paid = await paidAndShipped(m, shopper.token, product.skuId, 'alipay_wap', 2);
      await t.api('POST', `/api/shop/orders/${paid.orderId}/receive`, { token: shopper.token });
      const asked = await ask(shopper.token, paid.orderId, {
        kind: 'return_refund',
        reason: '尺码不合适',
        lines: [{ line: 0, quantity: 1 }],
      });
      const request = asked.body.afterSale as AfterSale;
      expect(request).toMatchObject({ status: 'requested', amountFen: 2500 });
      const blocked = await t.api('POST', '/api/admin/settlement/run', { token: m.admin });
      expect(blocked.body.settled).toBe(0);
      expect((await act(request.id, 'receive-return')).status).toBe(409);
      expect(((await act(request.id, 'approve', { note: '请寄回' })).body.afterSale as AfterSale).status).toBe(
        'awaiting_return',
      );
      const shipped = await t.api('POST', `/api/shop/after-sales/${request.id}/return-shipment`, {
        token: shopper.token,
        body: { carrier: '顺丰', trackingNo: 'SF2026001' },
      });
      expect((shipped.body.afterSale as AfterSale).status).toBe('returning');
      const received = await act(request.id, 'receive-return');
      expect((received.body.afterSale as AfterSale).status).toBe('refunded');
      expect(await skuStock(t, m.admin, product.productId)).toBe(9);
      const trade = m.double.alipay.trades.get(paid.paymentId);
      expect(trade?.refundedFen).toBe(2500n);
      // Alipay also notifies the refund (refund_fee is the trade's total): confirmed, nothing moves twice.
      expect(await m.double.alipay.notifier.deliveries.at(-1)?.done).toBe(true);
      const view = await order(shopper.token, paid.orderId);
      expect(view).toMatchObject({ status: 'received', refundedFen: 2500 });
      await t.api('POST', '/api/admin/settlement/run', { token: m.admin });
      expect(await orderStatus(t, shopper.token, paid.orderId)).toBe('settled');
      expect(await settleEvents(paid.orderId)).toEqual([{ order_id: paid.orderId, amount_fen: 2500n }]);
      const refunds = (await transfersOf(t, paid.orderId)).filter((x) => x.reason === 'refund');
      expect(refunds.map((x) => [x.to_account, x.amount_fen])).toEqual([['gateway:alipay', 2500n]]);
      const history = await t.api('GET', `/api/shop/after-sales/${request.id}`, { token: shopper.token });
      expect((history.body.afterSale as { transitions: { to: string }[] }).transitions.map((x) => x.to)).toEqual([
        'requested',
        'awaiting_return',
        'returning',
        'refunding',
        'refunded',
      ]);
    });

    it('lets a rejected request be reopened with a reason or cancelled, and refuses what is not possible', async () => {
      const product = await makeProduct(t, m.admin, { priceFen: 1200, stock: 10 });
      const shopper = await registerShopper(t);
      const other = await registerShopper(t);
      const orderId = await buyAndReceive(t, shopper.token, m.admin, product.skuId);
      expectError(await ask(other.token, orderId, { kind: 'refund_only', reason: 'x' }), 404, 'order_not_found');
      expectError(
        await ask(shopper.token, orderId, { kind: 'refund_only', reason: 'x', lines: [{ line: 5, quantity: 1 }] }),
        422,
        'order_line_not_found',
      );
      expectError(
        await ask(shopper.token, orderId, { kind: 'refund_only', reason: 'x', lines: [{ line: 0, quantity: 2 }] }),
        409,
        'refund_quantity_exceeds_remaining',
      );
      const asked = await ask(shopper.token, orderId, { kind: 'return_refund', reason: '有划痕' });
      const id = (asked.body.afterSale as AfterSale).id;
      expectError(
        await ask(shopper.token, orderId, { kind: 'refund_only', reason: '再来' }),
        409,
        'refund_quantity_exceeds_remaining',
      );
      expectError(
        await ask(shopper.token, orderId, { kind: 'refund_only', reason: 'x', lines: [{ line: 0, quantity: 1 }] }),
        409,
        'line_has_open_request',
      );
      const rejected = await act(id, 'reject', { note: '照片看不出问题' });
      expect((rejected.body.afterSale as AfterSale).status).toBe('rejected');
      expect(await orderStatus(t, shopper.token, orderId)).toBe('received');
      const reopened = await t.api('POST', `/api/shop/after-sales/${id}/reopen`, {
        token: shopper.token,
        body: { reason: '补充照片：划痕在背面' },
      });
      expect((reopened.body.afterSale as AfterSale).status).toBe('requested');
      expect(await orderStatus(t, shopper.token, orderId)).toBe('refunding');
      const cancelled = await t.api('POST', `/api/shop/after-sales/${id}/cancel`, { token: shopper.token });
      expect((cancelled.body.afterSale as AfterSale).status).toBe('cancelled');
      expectError(
        await t.api('POST', `/api/shop/after-sales/${id}/reopen`, { token: shopper.token, body: { reason: 'x' } }),
        409,
        'after_sale_transition_not_allowed',
      );
      await t.api('POST', '/api/admin/settlement/run', { token: m.admin });
      expect(await orderStatus(t, shopper.token, orderId)).toBe('settled');
      expectError(
        await ask(shopper.token, orderId, { kind: 'refund_only', reason: 'x' }),
        409,
        'order_transition_not_allowed',
      );

      // Before shipping there is nothing to send back: a return is refused, a refund is not.
      const unshipped = await t.api('POST', '/api/shop/orders', {
        token: shopper.token,
        body: { items: [{ skuId: product.skuId, quantity: 1 }], address: ADDRESS },
        headers: { 'idempotency-key': idemKey() },
      });
      const unpaidId = (unshipped.body.order as Order).id;
      expectError(
        await ask(shopper.token, unpaidId, { kind: 'refund_only', reason: 'x' }),
        409,
        'order_transition_not_allowed',
      );
      await t
        .api('POST', `/api/shop/orders/${unpaidId}/pay`, { token: shopper.token, body: { channel: 'sandbox' } })
        .then((pay) => t.api('POST', `/api/sandbox/payments/${(pay.body.payment as { id: string }).id}/succeed`));
      expectError(
        await ask(shopper.token, unpaidId, { kind: 'return_refund', reason: 'x' }),
        409,
        'after_sale_kind_not_allowed',
      );
      const list = await t.api('GET', '/api/admin/after-sales?status=open', { token: m.admin });
      expect((list.body.items as AfterSale[]).some((a) => a.id === id)).toBe(false);
    });

    it('pays a goodwill refund after settlement as platform expense, with no clawback from anyone', async () => {
      await t.api('PUT', '/api/admin/settings', { token: m.admin, body: { afterSalesDays: 0 } });
      const gift = await makeProduct(t, m.admin, {
        priceFen: 100_000,
        stock: 10,
        campaigns: ['referralCycle', 'appreciationPool'],
      });
      const inviter = await registerShopper(t);
      const buyer = await registerShopper(t, inviter.inviteCode);
      let orderId = '';
      for (const s of [inviter, buyer]) {
        const o = await paidAndShipped(m, s.token, gift.skuId, 'wechat_native');
        await t.api('POST', `/api/shop/orders/${o.orderId}/receive`, { token: s.token });
        await t.api('POST', '/api/admin/settlement/run', { token: m.admin });
        expect(await orderStatus(t, s.token, o.orderId)).toBe('settled');
        orderId = o.orderId;
      }
      const rebate = await balance(t, `user:${inviter.id}:wallet`);
      expect(rebate).toBe(10_000n);
      const pool = await balance(t, 'pool:appreciationPool:cash');
      const operator = await staffToken(t, 'operator');
      const refused = await t.api('POST', `/api/admin/orders/${orderId}/goodwill-refund`, {
        token: operator,
        body: { amountFen: 500, reason: '物流延误补偿' },
      });
      expect(refused.status).toBe(403);
      expectError(
        await t.api('POST', `/api/admin/orders/${orderId}/goodwill-refund`, {
          token: m.admin,
          body: { amountFen: 100_001, reason: '太多' },
        }),
        422,
        'refund_exceeds_paid',
      );
      const goodwill = await t.api('POST', `/api/admin/orders/${orderId}/goodwill-refund`, {
        token: m.admin,
        body: { amountFen: 5000, reason: '物流延误补偿' },
      });
      expect(goodwill.status, JSON.stringify(goodwill.body)).toBe(200);
      const request = goodwill.body.afterSale as AfterSale & {
        kind: string;
        transitions: { actor: string; note: string }[];
      };
      expect(request).toMatchObject({ kind: 'goodwill', status: 'refunding', amountFen: 5000 });
      expect(request.transitions[0]).toMatchObject({ actor: 'staff:admin', note: '物流延误补偿' });
      expect(await m.double.wechat.completeRefund(request.refund?.id ?? '', 'SUCCESS')?.done).toBe(true);
      expect(
        ((await t.api('GET', `/api/admin/after-sales/${request.id}`, { token: m.admin })).body.afterSale as AfterSale)
          .status,
      ).toBe('refunded');
      const moves = (await transfersOf(t, orderId)).filter((x) => x.reason === 'goodwill_refund');
      expect(moves.map((x) => [x.from_account, x.to_account, x.amount_fen])).toEqual([
        ['platform:expense:goodwill', 'gateway:wechat', 5000n],
      ]);
      expect(await balance(t, 'platform:expense:goodwill')).toBe(-5000n);
      expect(await balance(t, `user:${inviter.id}:wallet`)).toBe(rebate);
      expect(await balance(t, 'pool:appreciationPool:cash')).toBe(pool);
      expect(await orderStatus(t, buyer.token, orderId)).toBe('settled');
      expectError(
        await t.api('POST', `/api/admin/orders/${orderId}/goodwill-refund`, {
          token: m.admin,
          body: { amountFen: 95_001, reason: '超出' },
        }),
        422,
        'refund_exceeds_paid',
      );
    });

    /** A received WeChat order whose approved refund WeChat closed: the request is left `refund_failed`. */
    async function closedWechatRefund(priceFen: number) {
      const product = await makeProduct(t, m.admin, { priceFen, stock: 10 });
      const shopper = await registerShopper(t);
      const paid = await paidAndShipped(m, shopper.token, product.skuId, 'wechat_h5');
      await t.api('POST', `/api/shop/orders/${paid.orderId}/receive`, { token: shopper.token });
      await t.api('POST', `/api/shop/orders/${paid.orderId}/refund`, {
        token: shopper.token,
        body: { reason: '质量问题' },
      });
      const approve = await t.api('POST', `/api/admin/orders/${paid.orderId}/refund/approve`, {
        token: m.admin,
        body: {},
      });
      expect((approve.body.order as Order).status).toBe('refunding');
      const id =
        (
          (await t.api('GET', `/api/shop/after-sales?orderId=${paid.orderId}`, { token: shopper.token })).body
            .items as AfterSale[]
        )[0]?.id ?? '';
      const refundNo =
        ((await t.api('GET', `/api/admin/after-sales/${id}`, { token: m.admin })).body.afterSale as AfterSale).refund
          ?.id ?? '';
      expect(await m.double.wechat.completeRefund(refundNo, 'CLOSED')?.done).toBe(true);
      const failed = (await t.api('GET', `/api/admin/after-sales/${id}`, { token: m.admin })).body
        .afterSale as AfterSale;
      expect(failed).toMatchObject({ status: 'refund_failed', refund: { status: 'failed' } });
      return { shopper, paid, id, refundNo };
    }

    it('retries a refund WeChat closed through WeChat again: the closed one moved no money, so the whole amount is refundable', async () => {
      const { shopper, paid, id, refundNo } = await closedWechatRefund(2468);
      const retried = await act(id, 'retry-refund', { destination: 'original' });
      const again = retried.body.afterSale as AfterSale;
      expect(again.status, JSON.stringify(retried.body)).toBe('refunding');
      const secondNo = again.refund?.id ?? '';
      expect(secondNo).not.toBe(refundNo);
      expect(await m.double.wechat.completeRefund(secondNo, 'SUCCESS')?.done).toBe(true);
      expect(await orderStatus(t, shopper.token, paid.orderId)).toBe('refunded');
      const trade = [...m.double.wechat.orders.values()].find((o) => o.totalFen === 2468);
      expect(trade?.refundedFen).toBe(2468);
    });

    it('keeps a request whose gateway refund failed open (no settlement) until staff refund it to the wallet', async () => {
      const { shopper, paid, id } = await closedWechatRefund(4321);
      expect((await t.api('POST', '/api/admin/settlement/run', { token: m.admin })).body.settled).toBe(0);
      const retried = await act(id, 'retry-refund', { destination: 'wallet' });
      expect((retried.body.afterSale as AfterSale).status).toBe('refunded');
      expect(await balance(t, `user:${shopper.id}:wallet`)).toBe(4321n);
      expect(await orderStatus(t, shopper.token, paid.orderId)).toBe('refunded');
    });

    it('receives shipped orders automatically after the set days (as the system), so they settle without the shopper', async () => {
      const product = await makeProduct(t, m.admin, { priceFen: 800, stock: 10 });
      const shopper = await registerShopper(t);
      const paid = await paidAndShipped(m, shopper.token, product.skuId, 'wechat_native');
      await t.api('POST', '/api/admin/settlement/run', { token: m.admin });
      expect(await orderStatus(t, shopper.token, paid.orderId)).toBe('shipped');
      await t.api('PUT', '/api/admin/settings', { token: m.admin, body: { autoReceiveDays: 0, afterSalesDays: 0 } });
      await t.api('POST', '/api/admin/settlement/run', { token: m.admin });
      const view = (await t.api('GET', `/api/shop/orders/${paid.orderId}`, { token: shopper.token })).body.order as {
        status: string;
        transitions: { to: string; actor: string }[];
      };
      expect(view.status).toBe('settled');
      expect(view.transitions.find((x) => x.to === 'received')?.actor).toBe('system:auto_receive');
      await t.api('PUT', '/api/admin/settings', { token: m.admin, body: { autoReceiveDays: 10 } });
    });
  });
}
