import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS,
  backends,
  buyAndReceive,
  createOrder,
  expectLedgerHealthy,
  fundedInviter,
  giftPackSku,
  idemKey,
  makeProduct,
  registerShopper,
  skuStock,
  staffToken,
  type TestServer,
} from './helpers';

type Order = {
  id: string;
  status: string;
  amountFen: number;
  refund: { status: string } | null;
  transitions: { from: string; to: string; actor: string }[];
};

for (const backend of backends()) {
  describe(`order, refund, wallet and withdrawal flows (${backend.name})`, () => {
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('replays the same order for the same Idempotency-Key and refuses a reused key with another body', async () => {
      const { skuId } = await makeProduct(t, admin, { priceFen: 990, stock: 100 });
      const shopper = await registerShopper(t);
      const key = idemKey();
      const first = await createOrder(t, shopper.token, skuId, 2, key);
      expect(first.status).toBe(201);
      expect((first.body.order as Order).amountFen).toBe(1980);
      const again = await createOrder(t, shopper.token, skuId, 2, key);
      expect(again.status).toBe(200);
      expect((again.body.order as Order).id).toBe((first.body.order as Order).id);
      const other = await createOrder(t, shopper.token, skuId, 3, key);
      expect(other.status).toBe(422);
      expect(other.body.error?.code).toBe('idempotency_key_reused');
      const missing = await t.api('POST', '/api/shop/orders', {
        token: shopper.token,
        body: { items: [{ skuId, quantity: 1 }], address: ADDRESS },
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error?.code).toBe('idempotency_key_required');
      const list = await t.api('GET', '/api/shop/orders', { token: shopper.token });
      expect(list.body.items as Order[]).toHaveLength(1);
    });

    it('cancels unpaid orders (by the shopper, and by the timeout) and gives the stock back; a late payment is refunded', async () => {
      const { productId, skuId } = await makeProduct(t, admin, { priceFen: 500, stock: 3 });
      const shopper = await registerShopper(t);
      const one = await createOrder(t, shopper.token, skuId, 2);
      expect(await skuStock(t, admin, productId)).toBe(1);
      const oneId = (one.body.order as Order).id;
      const cancel = await t.api('POST', `/api/shop/orders/${oneId}/cancel`, { token: shopper.token });
      expect((cancel.body.order as Order).status).toBe('cancelled');
      expect(await skuStock(t, admin, productId)).toBe(3);
      const twice = await t.api('POST', `/api/shop/orders/${oneId}/cancel`, { token: shopper.token });
      expect(twice.status).toBe(409);

      await t.api('PUT', '/api/admin/settings', { token: admin, body: { unpaidTimeoutMinutes: 0 } });
      const two = await createOrder(t, shopper.token, skuId, 3);
      const twoId = (two.body.order as Order).id;
      expect(await skuStock(t, admin, productId)).toBe(0);
      const expired = await t.api('POST', `/api/shop/orders/${twoId}/pay`, {
        token: shopper.token,
        body: { channel: 'sandbox' },
      });
      expect(expired.status).toBe(409);
      expect(expired.body.error?.code).toBe('order_expired');
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { unpaidTimeoutMinutes: 30 } });

      // A payment started before the timeout whose notification arrives after it: the money goes back.
      const three = await createOrder(t, shopper.token, skuId, 1);
      expect(three.status).toBe(409);
      const sweep = await t.api('POST', '/api/admin/orders/expire-unpaid', { token: admin });
      expect(sweep.body.cancelled).toBe(1);
      expect(await skuStock(t, admin, productId)).toBe(3);
      const four = await createOrder(t, shopper.token, skuId, 1);
      const fourId = (four.body.order as Order).id;
      const pay = await t.api('POST', `/api/shop/orders/${fourId}/pay`, {
        token: shopper.token,
        body: { channel: 'sandbox' },
      });
      const paymentId = (pay.body.payment as { id: string }).id;
      await t.api('POST', `/api/shop/orders/${fourId}/cancel`, { token: shopper.token });
      const late = await t.api('POST', `/api/sandbox/payments/${paymentId}/succeed`);
      expect(late.status).toBe(200);
      const gateway = await t.api('GET', `/api/sandbox/payments/${paymentId}`);
      expect((gateway.body.payment as { status: string }).status).toBe('refunded');
      const order = await t.api('GET', `/api/shop/orders/${fourId}`, { token: shopper.token });
      expect((order.body.order as Order).status).toBe('cancelled');
    });

    it('refunds a received order through the sandbox once, restocks when the operator says the goods came back, and never settles an order with an open refund', async () => {
      const { productId, skuId } = await makeProduct(t, admin, {
        priceFen: 3000,
        stock: 5,
        campaigns: ['referralCycle', 'appreciationPool'],
      });
      const shopper = await registerShopper(t);
      const orderId = await buyAndReceive(t, shopper.token, admin, skuId);
      expect(await skuStock(t, admin, productId)).toBe(4);
      const request = await t.api('POST', `/api/shop/orders/${orderId}/refund`, {
        token: shopper.token,
        body: { reason: '尺码不合适' },
      });
      expect(request.status).toBe(200);
      expect((request.body.order as Order).status).toBe('refunding');
      const settle = await t.api('POST', '/api/admin/settlement/run', { token: admin });
      expect(settle.body.settled).toBe(0);
      const approve = await t.api('POST', `/api/admin/orders/${orderId}/refund/approve`, {
        token: admin,
        body: { reason: 'ok', restock: true },
      });
      expect(approve.status).toBe(200);
      expect((approve.body.order as Order).status).toBe('refunded');
      const again = await t.api('POST', `/api/admin/orders/${orderId}/refund/approve`, { token: admin, body: {} });
      expect(again.status).toBe(409);
      expect(await skuStock(t, admin, productId)).toBe(5);
      const ledger = await t.api('GET', `/api/admin/ledger?account=gateway:sandbox&pageSize=200`, { token: admin });
      const refunds = (ledger.body.items as { orderId: string; reason: string; amountFen: number }[]).filter(
        (e) => e.orderId === orderId && e.reason === 'refund',
      );
      expect(refunds).toEqual([expect.objectContaining({ amountFen: 3000 })]);
      const settleAfter = await t.api('POST', '/api/admin/settlement/run', { token: admin });
      expect(settleAfter.body.settled).toBe(0);
    });

    it('returns a rejected refund to where it was, and then the order settles', async () => {
      const { skuId } = await makeProduct(t, admin, { priceFen: 1200, stock: 5 });
      const shopper = await registerShopper(t);
      const orderId = await buyAndReceive(t, shopper.token, admin, skuId);
      await t.api('POST', `/api/shop/orders/${orderId}/refund`, { token: shopper.token, body: { reason: '不想要了' } });
      const reject = await t.api('POST', `/api/admin/orders/${orderId}/refund/reject`, {
        token: admin,
        body: { reason: '已超出售后范围' },
      });
      expect((reject.body.order as Order).status).toBe('received');
      expect((reject.body.order as Order).refund?.status).toBe('rejected');
      const settle = await t.api('POST', '/api/admin/settlement/run', { token: admin });
      expect(settle.body.settled).toBe(1);
      const view = await t.api('GET', `/api/shop/orders/${orderId}`, { token: shopper.token });
      const order = view.body.order as Order;
      expect(order.status).toBe('settled');
      expect(order.transitions.map((x) => x.to)).toEqual([
        'created',
        'paid',
        'shipped',
        'received',
        'refunding',
        'received',
        'settled',
      ]);
      expect(order.transitions.find((x) => x.to === 'shipped')?.actor).toBe('staff:admin');
    });

    it('pays from the wallet, refunds to the wallet, and runs withdrawals through approve/reject/paid', async () => {
      const { a } = await fundedInviter(t, admin);
      const { skuId } = await makeProduct(t, admin, { priceFen: 4000, stock: 5 });
      const order = await createOrder(t, a.token, skuId);
      const orderId = (order.body.order as Order).id;
      const pay = await t.api('POST', `/api/shop/orders/${orderId}/pay`, {
        token: a.token,
        body: { channel: 'wallet' },
      });
      expect(pay.status).toBe(200);
      expect((pay.body.payment as { status: string }).status).toBe('succeeded');
      let wallet = await t.api('GET', '/api/shop/me/wallet', { token: a.token });
      expect(wallet.body.balanceFen).toBe(6000);
      const big = await createOrder(t, a.token, skuId, 2);
      const poor = await t.api('POST', `/api/shop/orders/${(big.body.order as Order).id}/pay`, {
        token: a.token,
        body: { channel: 'wallet' },
      });
      expect(poor.status).toBe(409);
      expect(poor.body.error?.code).toBe('insufficient_balance');
      await t.api('POST', `/api/shop/orders/${orderId}/refund`, { token: a.token, body: { reason: '重复购买' } });
      await t.api('POST', `/api/admin/orders/${orderId}/refund/approve`, { token: admin, body: {} });
      wallet = await t.api('GET', '/api/shop/me/wallet', { token: a.token });
      expect(wallet.body.balanceFen).toBe(10_000);
      const wechat = await t.api('POST', `/api/shop/orders/${(big.body.order as Order).id}/pay`, {
        token: a.token,
        body: { channel: 'wechat' },
      });
      expect(wechat.status).toBe(422);
      expect(wechat.body.error?.code).toBe('channel_unavailable');

      await t.api('PUT', '/api/admin/settings', { token: admin, body: { withdrawMinFen: 1000, withdrawFeeBps: 100 } });
      const small = await t.api('POST', '/api/shop/me/withdrawals', {
        token: a.token,
        body: { amountFen: 999, channel: 'wechat' },
      });
      expect(small.status).toBe(422);
      expect(small.body.error?.code).toBe('below_minimum');
      const wkey = idemKey();
      const withKey = (amountFen: number) =>
        t.api('POST', '/api/shop/me/withdrawals', {
          token: a.token,
          body: { amountFen, channel: 'wechat' },
          headers: { 'idempotency-key': wkey },
        });
      const w1 = await withKey(3000);
      expect(w1.status).toBe(200);
      expect((await withKey(3000)).body).toEqual(w1.body);
      const reused = await withKey(3001);
      expect(reused.status).toBe(422);
      expect(reused.body.error?.code).toBe('idempotency_key_reused');
      const w2 = await t.api('POST', '/api/shop/me/withdrawals', {
        token: a.token,
        body: { amountFen: 2000, channel: 'bank' },
      });
      const id1 = (w1.body.withdrawal as { id: string }).id;
      const id2 = (w2.body.withdrawal as { id: string }).id;
      const finance = await staffToken(t, 'finance');
      const early = await t.api('POST', `/api/admin/withdrawals/${id1}/paid`, { token: finance });
      expect(early.status).toBe(409);
      expect((await t.api('POST', `/api/admin/withdrawals/${id1}/approve`, { token: finance })).status).toBe(200);
      const paid = await t.api('POST', `/api/admin/withdrawals/${id1}/paid`, { token: finance });
      expect((paid.body.withdrawal as { status: string; feeFen: number }).status).toBe('paid');
      expect((paid.body.withdrawal as { feeFen: number }).feeFen).toBe(30);
      const rejected = await t.api('POST', `/api/admin/withdrawals/${id2}/reject`, {
        token: finance,
        body: { reason: '账户信息有误' },
      });
      expect((rejected.body.withdrawal as { status: string }).status).toBe('rejected');
      wallet = await t.api('GET', '/api/shop/me/wallet', { token: a.token });
      expect(wallet.body.balanceFen).toBe(7000);
      const mine = await t.api('GET', '/api/shop/me/withdrawals', { token: a.token });
      expect((mine.body.items as { status: string }[]).map((w) => w.status).sort()).toEqual(['paid', 'rejected']);
      const accounts = await t.api('GET', '/api/admin/accounts', { token: finance });
      const fees = (accounts.body.items as { account: string; balanceFen: number }[]).find(
        (x) => x.account === 'platform:fees',
      );
      expect(fees?.balanceFen).toBe(30);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { withdrawMinFen: 100, withdrawFeeBps: 0 } });
    });

    it('redeems part of a position at the pool price, once per Idempotency-Key, and refuses more than the position holds', async () => {
      const sku = await giftPackSku(t);
      const shopper = await registerShopper(t);
      const orderId = await buyAndReceive(t, shopper.token, admin, sku);
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      const positions = await t.api('GET', '/api/shop/me/positions', { token: shopper.token });
      const position = (positions.body.positions as { orderId: string; units: number }[])[0];
      expect(position?.orderId).toBe(orderId);
      const units = Math.trunc((position?.units ?? 0) / 10);
      const preview = await t.api('POST', `/api/shop/me/positions/${orderId}/redeem/preview`, {
        token: shopper.token,
        body: { units },
      });
      expect(preview.status).toBe(200);
      const key = idemKey();
      const redeem = await t.api('POST', `/api/shop/me/positions/${orderId}/redeem`, {
        token: shopper.token,
        body: { units },
        headers: { 'idempotency-key': key },
      });
      expect(redeem.status).toBe(200);
      expect(redeem.body).toEqual(preview.body);
      const replay = await t.api('POST', `/api/shop/me/positions/${orderId}/redeem`, {
        token: shopper.token,
        body: { units },
        headers: { 'idempotency-key': key },
      });
      expect(replay.body).toEqual(redeem.body);
      const wallet = await t.api('GET', '/api/shop/me/wallet', { token: shopper.token });
      expect(wallet.body.balanceFen).toBe(redeem.body.paidFen);
      const tooMany = await t.api('POST', `/api/shop/me/positions/${orderId}/redeem`, {
        token: shopper.token,
        body: { units: (position?.units ?? 0) * 2 },
        headers: { 'idempotency-key': idemKey() },
      });
      expect(tooMany.status).toBe(422);
      expect(tooMany.body.error?.code).toBe('redeem_rejected');
      const other = await registerShopper(t);
      const notMine = await t.api('POST', `/api/shop/me/positions/${orderId}/redeem`, {
        token: other.token,
        body: { units: 1 },
        headers: { 'idempotency-key': idemKey() },
      });
      expect(notMine.status).toBe(404);
      await expectLedgerHealthy(t);
    });

    it('signs in with a one-time code exactly once', async () => {
      const phone = '13712345678';
      const send = await t.api('POST', '/api/shop/login/code/send', { body: { phone } });
      expect(send.body.sent).toBe(true);
      const wrong = await t.api('POST', '/api/shop/login/code', { body: { phone, code: '000000' } });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error?.code).toBe('invalid_code');
    });
  });
}

for (const backend of backends()) {
  describe(`settlement of mixed and campaign-free orders (${backend.name})`, () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await backend.start();
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await t?.close();
    });

    it('settles a mixed order once, each campaign on its in-scope lines, and a campaign-free order with revenue only', async () => {
      const admin = await staffToken(t);
      await t.api('PUT', '/api/admin/settings', { token: admin, body: { afterSalesDays: 0 } });
      const both = await makeProduct(t, admin, {
        priceFen: 10_000,
        stock: 10,
        campaigns: ['referralCycle', 'appreciationPool'],
      });
      const poolOnly = await makeProduct(t, admin, { priceFen: 20_000, stock: 10, campaigns: ['appreciationPool'] });
      const none = await makeProduct(t, admin, { priceFen: 5_000, stock: 10 });
      const shopper = await registerShopper(t);
      const created = await t.api('POST', '/api/shop/orders', {
        token: shopper.token,
        body: {
          items: [
            { skuId: both.skuId, quantity: 1 },
            { skuId: poolOnly.skuId, quantity: 2 },
            { skuId: none.skuId, quantity: 1 },
          ],
          address: ADDRESS,
        },
        headers: { 'idempotency-key': idemKey() },
      });
      expect(created.status).toBe(201);
      const order = created.body.order as Order;
      expect(order.amountFen).toBe(55_000);
      const pay = await t.api('POST', `/api/shop/orders/${order.id}/pay`, {
        token: shopper.token,
        body: { channel: 'sandbox' },
      });
      await t.api('POST', `/api/sandbox/payments/${(pay.body.payment as { id: string }).id}/succeed`);
      await t.api('POST', `/api/admin/orders/${order.id}/ship`, {
        token: admin,
        body: { carrier: 'SF', trackingNo: '1' },
      });
      await t.api('POST', `/api/shop/orders/${order.id}/receive`, { token: shopper.token });
      const plain = await createOrder(t, shopper.token, none.skuId);
      const plainId = (plain.body.order as Order).id;
      const pay2 = await t.api('POST', `/api/shop/orders/${plainId}/pay`, {
        token: shopper.token,
        body: { channel: 'sandbox' },
      });
      await t.api('POST', `/api/sandbox/payments/${(pay2.body.payment as { id: string }).id}/succeed`);
      await t.api('POST', `/api/admin/orders/${plainId}/ship`, {
        token: admin,
        body: { carrier: 'SF', trackingNo: '2' },
      });
      await t.api('POST', `/api/shop/orders/${plainId}/receive`, { token: shopper.token });
      const run = await t.api('POST', '/api/admin/settlement/run', { token: admin });
      expect(run.body.settled).toBe(2);
      const positions = await t.api('GET', '/api/shop/me/positions', { token: shopper.token });
      const list = positions.body.positions as { orderId: string; capFen: number }[];
      // One settle event for the mixed order: the pool takes its in-scope 10,000 + 2 x 20,000 (cap 2x), the line of the
      // product in no campaign adds nothing; the campaign-free order gets no position.
      expect(list).toEqual([expect.objectContaining({ orderId: order.id, capFen: 100_000 })]);
      const ledger = await t.api('GET', `/api/admin/ledger?account=platform:revenue&pageSize=200`, { token: admin });
      const revenue = (ledger.body.items as { transferId: string; amountFen: number }[]).filter((e) =>
        e.transferId.startsWith('revenue:'),
      );
      expect(revenue.map((e) => e.amountFen).sort((a, b) => a - b)).toEqual([5_000, 55_000]);
    });
  });
}
