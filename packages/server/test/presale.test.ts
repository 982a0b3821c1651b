import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS,
  backends,
  createOrder,
  expectLedgerHealthy,
  fundedInviter,
  idemKey,
  registerShopper,
  skuStock,
  staffToken,
  type TestServer,
} from './helpers';
import { inMinutes, product, setSettings } from './checkout-helpers';
import { payAtGateway, startPaidMall, type PaidMall } from './gateway-helpers';

interface Presale {
  id: string;
  phase: string;
  balanceFen: number;
  totalPaidFen: number;
  rules: { code: string; zh: string; en: string }[];
}
interface Order {
  id: string;
  status: string;
  amountFen: number;
  discountFen: number;
  shippingFen: number;
  items: { unitPriceFen: number; priceSource: string; paidFen: number }[];
}

for (const backend of backends()) {
  describe(`presale (${backend.name})`, () => {
    let m: PaidMall;
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      // The real WeChat Pay provider against the local gateway double, beside the sandbox and the wallet.
      m = await startPaidMall(backend);
      t = m.t;
      admin = await staffToken(t);
      await setSettings(t, admin, { maxUnpaidOrders: 100, afterSalesDays: 0 });
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await m?.close();
    });

    /** Deposit window open now (for an hour), balance window an hour after it, both as a shopper would meet them. */
    async function schedule(skuId: string, body: Record<string, unknown> = {}): Promise<Presale> {
      const answer = await t.api('POST', '/api/admin/presales', {
        token: admin,
        body: {
          skuId,
          priceFen: 99_900,
          depositFen: 10_000,
          countsAsFen: 30_000,
          depositStartsAt: inMinutes(-1),
          depositEndsAt: inMinutes(60),
          balanceStartsAt: inMinutes(120),
          balanceEndsAt: inMinutes(180),
          ...body,
        },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body.presale as Presale;
    }

    /** Time passes: the presale's balance window (and its orders' deadlines) move to [now + from, now + to). */
    async function moveBalanceWindow(presaleId: string, fromMinutes: number, toMinutes: number): Promise<void> {
      const db = t.server.store.db;
      const window = { balance_starts_at: inMinutes(fromMinutes), balance_ends_at: inMinutes(toMinutes) };
      await db
        .updateTable('presales')
        .set({ ...window, deposit_ends_at: inMinutes(fromMinutes) })
        .where('id', '=', presaleId)
        .execute();
      await db.updateTable('presale_orders').set(window).where('presale_id', '=', presaleId).execute();
      const orders = db
        .selectFrom('presale_orders')
        .select('order_id')
        .where('presale_id', '=', presaleId)
        .where('status', '=', 'deposit_paid');
      await db.updateTable('orders').set({ expires_at: window.balance_ends_at }).where('id', 'in', orders).execute();
    }

    async function take(token: string, presaleId: string, quantity: number): Promise<Order> {
      const answer = await t.api('POST', '/api/shop/presale-orders', {
        token,
        body: { presaleId, quantity, address: ADDRESS },
        headers: { 'idempotency-key': idemKey() },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return answer.body.order as Order;
    }

    async function pay(token: string, orderId: string, channel: 'sandbox' | 'wallet' | 'wechat_native') {
      const answer = await t.api('POST', `/api/shop/orders/${orderId}/pay`, { token, body: { channel } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const payment = answer.body.payment as { id: string; amountFen: number; status: string };
      if (channel === 'sandbox') {
        const ok = await t.api('POST', `/api/sandbox/payments/${payment.id}/succeed`);
        expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      }
      if (channel === 'wechat_native') await payAtGateway(m, channel, payment.id);
      return payment;
    }

    const orderOf = async (token: string, id: string) =>
      (await t.api('GET', `/api/shop/orders/${id}`, { token })).body.order as Order;
    const partsOf = async (token: string, id: string) =>
      (await t.api('GET', `/api/shop/orders/${id}/presale`, { token })).body.presaleOrder as {
        status: string;
        next: string;
        depositFen: number;
        balanceFen: number;
      };
    const transfersOf = (orderId: string) =>
      t.server.store.db
        .selectFrom('transfers')
        .select(['from_account', 'to_account', 'amount_fen', 'reason'])
        .where('order_id', '=', orderId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();

    it('refuses broken terms and an overlapping presale, changing nothing', async () => {
      const p = await product(t, admin, { priceFen: 120_000, stock: 5 });
      const before = (await t.api('GET', '/api/admin/presales', { token: admin })).body.items as unknown[];
      const low = await t.api('POST', '/api/admin/presales', {
        token: admin,
        body: {
          skuId: p.skuId,
          priceFen: 99_900,
          depositFen: 10_000,
          countsAsFen: 9_000,
          depositStartsAt: inMinutes(-1),
          depositEndsAt: inMinutes(60),
          balanceStartsAt: inMinutes(30),
          balanceEndsAt: inMinutes(180),
        },
      });
      expect(low.status).toBe(422);
      expect(low.body.error?.code).toBe('invalid_parameter');
      expect(low.body.error?.message).toContain('counts_as_below_deposit');
      expect(low.body.error?.message).toContain('balance_before_deposit_ends');
      expect((await t.api('GET', '/api/admin/presales', { token: admin })).body.items).toHaveLength(before.length);
      await schedule(p.skuId);
      const again = await t.api('POST', '/api/admin/presales', {
        token: admin,
        body: {
          skuId: p.skuId,
          priceFen: 99_900,
          depositFen: 10_000,
          countsAsFen: 30_000,
          depositStartsAt: inMinutes(100),
          depositEndsAt: inMinutes(110),
          balanceStartsAt: inMinutes(120),
          balanceEndsAt: inMinutes(130),
        },
      });
      expect(again.status).toBe(409);
      expect(again.body.error?.code).toBe('presale_overlaps');
    });

    it('takes the deposit, holds the stock, charges the balance in its window, and ships and settles deposit + balance', async () => {
      const { a } = await fundedInviter(t, admin); // 10,000 fen in a's wallet
      const p = await product(t, admin, { priceFen: 120_000, stock: 5 });
      const presale = await schedule(p.skuId);
      // The product page's rules, before paying: 100 counts as 300, balance 699, 799 in all.
      const shown = (await t.api('GET', `/api/shop/presales?productId=${p.productId}`)).body.items as Presale[];
      expect(shown).toHaveLength(1);
      expect(shown[0]).toMatchObject({ phase: 'deposit', balanceFen: 69_900, totalPaidFen: 79_900 });
      expect(shown[0]!.rules.map((r) => r.code)).toEqual(['deposit', 'balance', 'refund', 'forfeit', 'promotions']);
      expect(shown[0]!.rules[0]!.zh).toContain('定金 ¥100.00 抵 ¥300.00');

      // One unit: the order is final from the start (799 paid, 200 of it the deposit's extra worth), unpaid.
      const order = await take(a.token, presale.id, 1);
      expect(order).toMatchObject({ status: 'created', amountFen: 79_900, discountFen: 20_000, shippingFen: 0 });
      expect(order.items[0]).toMatchObject({ unitPriceFen: 99_900, priceSource: 'presale', paidFen: 79_900 });
      expect(await skuStock(t, admin, p.productId)).toBe(4);

      const deposit = await pay(a.token, order.id, 'wallet');
      expect(deposit).toMatchObject({ amountFen: 10_000, status: 'succeeded' });
      expect((await orderOf(a.token, order.id)).status).toBe('created');
      expect(await partsOf(a.token, order.id)).toMatchObject({ status: 'deposit_paid', next: 'wait_balance' });
      // Not cancellable as an unpaid order, and the balance is not due before its window.
      const cancel = await t.api('POST', `/api/shop/orders/${order.id}/cancel`, { token: a.token });
      expect(cancel.body.error?.code).toBe('presale_deposit_paid');
      const early = await t.api('POST', `/api/shop/orders/${order.id}/pay`, {
        token: a.token,
        body: { channel: 'sandbox' },
      });
      expect(early.status).toBe(409);
      expect(early.body.error?.code).toBe('presale_balance_not_open');
      const ship = await t.api('POST', `/api/admin/orders/${order.id}/ship`, {
        token: admin,
        body: { carrier: 'SF', trackingNo: 'SF1' },
      });
      expect(ship.status).toBe(409);

      await moveBalanceWindow(presale.id, -1, 60);
      expect(await partsOf(a.token, order.id)).toMatchObject({ next: 'pay_balance' });
      // Refunding the deposit is over once the balance window is open.
      const refuse = await t.api('POST', `/api/shop/orders/${order.id}/presale-cancel`, { token: a.token });
      expect(refuse.body.error?.code).toBe('presale_deposit_not_refundable');
      const balance = await pay(a.token, order.id, 'sandbox');
      expect(balance.amountFen).toBe(69_900);
      expect((await orderOf(a.token, order.id)).status).toBe('paid');
      expect(await partsOf(a.token, order.id)).toMatchObject({ status: 'balance_paid', next: 'none' });
      expect(await skuStock(t, admin, p.productId)).toBe(4);

      await t.api('POST', `/api/admin/orders/${order.id}/ship`, {
        token: admin,
        body: { carrier: 'SF', trackingNo: 'SF2' },
      });
      await t.api('POST', `/api/shop/orders/${order.id}/receive`, { token: a.token });
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      expect((await orderOf(a.token, order.id)).status).toBe('settled');
      const moved = (await transfersOf(order.id)).map((x) => [
        x.from_account,
        x.to_account,
        Number(x.amount_fen),
        x.reason,
      ]);
      expect(moved).toEqual([
        [`user:${a.id}:wallet`, 'platform:escrow', 10_000, 'payment'],
        ['gateway:sandbox', 'platform:escrow', 69_900, 'payment'],
        ['platform:escrow', 'platform:revenue', 79_900, 'revenue'],
      ]);
    });

    it('forfeits a deposit whose balance window ended unpaid: escrow to revenue, order closed, stock back', async () => {
      const s = await registerShopper(t);
      const p = await product(t, admin, { priceFen: 120_000, stock: 5 });
      const presale = await schedule(p.skuId);
      const order = await take(s.token, presale.id, 2);
      expect(order.amountFen).toBe(159_800); // 2 x 799
      expect(await skuStock(t, admin, p.productId)).toBe(3);
      const deposit = await pay(s.token, order.id, 'sandbox');
      expect(deposit.amountFen).toBe(20_000);

      // Still inside the balance window: nothing to forfeit.
      await moveBalanceWindow(presale.id, -10, 10);
      expect((await t.api('POST', '/api/admin/presales/forfeit-due', { token: admin })).body.forfeited).toBe(0);
      // The window has ended unpaid; the unpaid-order sweep leaves the paid deposit to the presale's rules.
      await moveBalanceWindow(presale.id, -20, -1);
      await t.api('POST', '/api/admin/orders/expire-unpaid', { token: admin });
      expect((await orderOf(s.token, order.id)).status).toBe('created');
      const swept = await t.api('POST', '/api/admin/presales/forfeit-due', { token: admin });
      expect(swept.body.forfeited).toBe(1);
      expect((await t.api('POST', '/api/admin/presales/forfeit-due', { token: admin })).body.forfeited).toBe(0);
      expect((await orderOf(s.token, order.id)).status).toBe('cancelled');
      expect(await partsOf(s.token, order.id)).toMatchObject({ status: 'forfeited', next: 'none' });
      expect(await skuStock(t, admin, p.productId)).toBe(5);
      const moved = (await transfersOf(order.id)).map((x) => [
        x.from_account,
        x.to_account,
        Number(x.amount_fen),
        x.reason,
      ]);
      expect(moved).toEqual([
        ['gateway:sandbox', 'platform:escrow', 20_000, 'payment'],
        ['platform:escrow', 'platform:revenue', 20_000, 'presale_forfeit'],
      ]);
      const late = await t.api('POST', `/api/shop/orders/${order.id}/pay`, {
        token: s.token,
        body: { channel: 'sandbox' },
      });
      expect(late.body.error?.code).toBe('order_transition_not_allowed');

      const watch = (await t.api('GET', '/api/admin/presales', { token: admin })).body.items as {
        id: string;
        counts: Record<string, number>;
      }[];
      expect(watch.find((w) => w.id === presale.id)?.counts).toMatchObject({
        depositsPaid: 1,
        balancesPaid: 0,
        forfeited: 1,
        forfeitedFen: 20_000,
      });
    });

    it('refunds the deposit the way it came when cancelled before the balance window, and refunds a second deposit', async () => {
      const s = await registerShopper(t);
      const p = await product(t, admin, { priceFen: 120_000, stock: 5 });
      const presale = await schedule(p.skuId);
      const order = await take(s.token, presale.id, 1);
      // Two cashier attempts, both paid at the gateway: the deposit is taken once, the other is late money.
      const first = await t.api('POST', `/api/shop/orders/${order.id}/pay`, {
        token: s.token,
        body: { channel: 'sandbox' },
      });
      const second = await t.api('POST', `/api/shop/orders/${order.id}/pay`, {
        token: s.token,
        body: { channel: 'sandbox' },
      });
      for (const attempt of [first, second]) {
        const id = (attempt.body.payment as { id: string }).id;
        expect((await t.api('POST', `/api/sandbox/payments/${id}/succeed`)).status).toBe(200);
      }
      expect(await partsOf(s.token, order.id)).toMatchObject({ status: 'deposit_paid' });
      const cancel = await t.api('POST', `/api/shop/orders/${order.id}/presale-cancel`, { token: s.token });
      expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
      expect((cancel.body.order as Order).status).toBe('cancelled');
      expect(await partsOf(s.token, order.id)).toMatchObject({ status: 'deposit_refunded' });
      expect(await skuStock(t, admin, p.productId)).toBe(5);
      const moved = (await transfersOf(order.id)).map((x) => [
        x.from_account,
        x.to_account,
        Number(x.amount_fen),
        x.reason,
      ]);
      expect(moved).toEqual([
        ['gateway:sandbox', 'platform:escrow', 10_000, 'payment'],
        ['gateway:sandbox', 'platform:escrow', 10_000, 'payment'],
        ['platform:escrow', 'gateway:sandbox', 10_000, 'late_payment_refund'],
        ['platform:escrow', 'gateway:sandbox', 10_000, 'presale_deposit_refund'],
      ]);
    });

    it('takes no deposit outside the deposit window', async () => {
      const s = await registerShopper(t);
      const p = await product(t, admin, { priceFen: 120_000, stock: 5 });
      const presale = await schedule(p.skuId, { depositStartsAt: inMinutes(30), depositEndsAt: inMinutes(60) });
      const answer = await t.api('POST', '/api/shop/presale-orders', {
        token: s.token,
        body: { presaleId: presale.id, quantity: 1, address: ADDRESS },
        headers: { 'idempotency-key': idemKey() },
      });
      expect(answer.status).toBe(409);
      expect(answer.body.error?.code).toBe('presale_not_open');
      expect(await skuStock(t, admin, p.productId)).toBe(5);
    });

    it('sells a SKU only through its presale from the deposit opening to the balance end, as usual before and after', async () => {
      const s = await registerShopper(t);
      const p = await product(t, admin, { priceFen: 120_000, stock: 5 });
      const other = await product(t, admin, { priceFen: 5_000, stock: 5 });
      const quote = (items: { skuId: string; quantity: number }[]) =>
        t.api('POST', '/api/shop/checkout/quote', { token: s.token, body: { items } });
      const setWindows = (presaleId: string, from: number) =>
        t.server.store.db
          .updateTable('presales')
          .set({
            deposit_starts_at: inMinutes(from),
            deposit_ends_at: inMinutes(from + 60),
            balance_starts_at: inMinutes(from + 120),
            balance_ends_at: inMinutes(from + 180),
          })
          .where('id', '=', presaleId)
          .execute();
      // Announced, not open yet: the SKU sells as usual.
      const presale = await schedule(p.skuId, {
        depositStartsAt: inMinutes(30),
        depositEndsAt: inMinutes(60),
        balanceStartsAt: inMinutes(120),
        balanceEndsAt: inMinutes(180),
      });
      expect((await quote([{ skuId: p.skuId, quantity: 1 }])).status).toBe(200);
      const early = await createOrder(t, s.token, p.skuId);
      expect(early.status, JSON.stringify(early.body)).toBe(201);
      // Deposit window open, and between the windows: quote and order are refused, alone or beside another SKU.
      for (const from of [-1, -90]) {
        await setWindows(presale.id, from);
        const refused = await quote([{ skuId: p.skuId, quantity: 1 }]);
        expect(refused.status).toBe(409);
        expect(refused.body.error?.code).toBe('presale_only');
        const mixed = await quote([
          { skuId: other.skuId, quantity: 1 },
          { skuId: p.skuId, quantity: 1 },
        ]);
        expect(mixed.body.error?.code).toBe('presale_only');
        const order = await createOrder(t, s.token, p.skuId);
        expect(order.status).toBe(409);
        expect(order.body.error?.code).toBe('presale_only');
        expect(await skuStock(t, admin, p.productId)).toBe(4);
      }
      // The other product sells all along; a cancelled presale holds nothing.
      expect((await createOrder(t, s.token, other.skuId)).status).toBe(201);
      const cancelled = await t.api('POST', `/api/admin/presales/${presale.id}/cancel`, { token: admin });
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect((await quote([{ skuId: p.skuId, quantity: 1 }])).status).toBe(200);
      // Another presale that is over: the SKU sells as usual again.
      const later = await schedule(p.skuId, {
        depositStartsAt: inMinutes(300),
        depositEndsAt: inMinutes(360),
        balanceStartsAt: inMinutes(420),
        balanceEndsAt: inMinutes(480),
      });
      await setWindows(later.id, -181);
      const after = await createOrder(t, s.token, p.skuId);
      expect(after.status, JSON.stringify(after.body)).toBe(201);
    });

    it("answers an ordinary order's presale question with nulls, and another shopper's with 404", async () => {
      const s = await registerShopper(t);
      const other = await registerShopper(t);
      const p = await product(t, admin, { priceFen: 5_000, stock: 5 });
      const placed = await createOrder(t, s.token, p.skuId);
      expect(placed.status, JSON.stringify(placed.body)).toBe(201);
      const id = (placed.body.order as { id: string }).id;
      const mine = await t.api('GET', `/api/shop/orders/${id}/presale`, { token: s.token });
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ presaleOrder: null, presale: null });
      const theirs = await t.api('GET', `/api/shop/orders/${id}/presale`, { token: other.token });
      expect(theirs.status).toBe(404);
    });

    // After-sales of a presale order paid twice: the refund is split over the two payments, the balance first.
    type AfterSale = { id: string; status: string; amountFen: number; refund: { id: string; status: string } | null };
    const ask = (token: string, orderId: string, body: object) =>
      t.api('POST', `/api/shop/orders/${orderId}/after-sales`, { token, body });
    const act = (id: string, action: string, body: object = {}) =>
      t.api('POST', `/api/admin/after-sales/${id}/${action}`, { token: admin, body });
    const refundsOf = (orderId: string) =>
      t.server.store.db
        .selectFrom('transfers')
        .select(['from_account', 'to_account', 'amount_fen', 'simulated_fen'])
        .where('order_id', '=', orderId)
        .where('reason', '=', 'refund')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    const paymentsOf = (orderId: string) =>
      t.server.store.db
        .selectFrom('payments')
        .select(['id', 'channel', 'amount_fen', 'refunded_fen', 'status'])
        .where('order_id', '=', orderId)
        .orderBy('created_at')
        .execute();
    /** A presale of `quantity` units, its deposit paid by `depositBy`, its balance by the sandbox: the order is paid. */
    async function paidPresale(
      token: string,
      quantity: number,
      depositBy: 'wallet' | 'wechat_native',
      balanceBy: 'sandbox' | 'wechat_native' = 'sandbox',
    ) {
      const p = await product(t, admin, { priceFen: 120_000, stock: 5 });
      const presale = await schedule(p.skuId);
      const order = await take(token, presale.id, quantity);
      const deposit = await pay(token, order.id, depositBy);
      await moveBalanceWindow(presale.id, -1, 60);
      const balance = await pay(token, order.id, balanceBy);
      expect((await orderOf(token, order.id)).status).toBe('paid');
      return { p, order, deposit, balance };
    }

    it('refunds a whole paid presale order before shipping: the sandbox balance first, then the wallet deposit', async () => {
      const { a } = await fundedInviter(t, admin); // 10,000 fen in a's wallet
      const { p, order, deposit, balance } = await paidPresale(a.token, 1, 'wallet');
      const depositMove = (await transfersOf(order.id)).find((x) => x.reason === 'payment' && x.amount_fen === 10_000n);
      const depositSimulated = (
        await t.server.store.db
          .selectFrom('transfers')
          .select('simulated_fen')
          .where('order_id', '=', order.id)
          .where('from_account', '=', depositMove?.from_account ?? '')
          .executeTakeFirstOrThrow()
      ).simulated_fen;
      const asked = await ask(a.token, order.id, { kind: 'refund_only', reason: '不想要了' });
      expect(asked.status, JSON.stringify(asked.body)).toBe(200);
      const request = asked.body.afterSale as AfterSale;
      expect(request.amountFen).toBe(79_900);
      const approved = await act(request.id, 'approve');
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect((approved.body.afterSale as AfterSale).status).toBe('refunded');
      expect((await orderOf(a.token, order.id)).status).toBe('refunded');
      expect(await skuStock(t, admin, p.productId)).toBe(5);
      // Each payment back through its own channel, each carrying the simulated money it brought.
      expect(await refundsOf(order.id)).toEqual([
        { from_account: 'platform:escrow', to_account: 'gateway:sandbox', amount_fen: 69_900n, simulated_fen: 69_900n },
        {
          from_account: 'platform:escrow',
          to_account: `user:${a.id}:wallet`,
          amount_fen: 10_000n,
          simulated_fen: depositSimulated,
        },
      ]);
      expect(await paymentsOf(order.id)).toEqual([
        { id: deposit.id, channel: 'wallet', amount_fen: 10_000n, refunded_fen: 10_000n, status: 'refunded' },
        { id: balance.id, channel: 'sandbox', amount_fen: 69_900n, refunded_fen: 69_900n, status: 'refunded' },
      ]);
      const wallet = await t.server.store.db
        .selectFrom('accounts')
        .select('balance_fen')
        .where('address', '=', `user:${a.id}:wallet`)
        .executeTakeFirstOrThrow();
      expect(wallet.balance_fen).toBe(10_000n);
      await expectLedgerHealthy(t);
    });

    it('refunds a whole presale order through the sandbox and WeChat Pay, refunded when WeChat confirms the deposit', async () => {
      const s = await registerShopper(t);
      const { p, order, deposit } = await paidPresale(s.token, 1, 'wechat_native');
      const asked = await ask(s.token, order.id, { kind: 'refund_only', reason: '不想要了' });
      const request = asked.body.afterSale as AfterSale;
      expect(((await act(request.id, 'approve')).body.afterSale as AfterSale).status).toBe('refunding');
      const atWechat = [...m.double.wechat.refunds.values()].filter((r) => r.outTradeNo === deposit.id);
      expect(atWechat.map((r) => r.refundFen)).toEqual([10_000]);
      expect(await m.double.wechat.completeRefund(atWechat[0]!.outRefundNo, 'SUCCESS')?.done).toBe(true);
      const done = (await t.api('GET', `/api/admin/after-sales/${request.id}`, { token: admin })).body
        .afterSale as AfterSale;
      expect(done.status).toBe('refunded');
      expect((await orderOf(s.token, order.id)).status).toBe('refunded');
      expect(await skuStock(t, admin, p.productId)).toBe(5);
      expect(await refundsOf(order.id)).toEqual([
        { from_account: 'platform:escrow', to_account: 'gateway:sandbox', amount_fen: 69_900n, simulated_fen: 69_900n },
        { from_account: 'platform:escrow', to_account: 'gateway:wechat', amount_fen: 10_000n, simulated_fen: 0n },
      ]);
      await expectLedgerHealthy(t);
    });

    it('refunds a returned presale order through the sandbox and WeChat Pay; a failed WeChat refund is retried for what is left', async () => {
      const s = await registerShopper(t);
      const { p, order, deposit, balance } = await paidPresale(s.token, 1, 'wechat_native');
      await t.api('POST', `/api/admin/orders/${order.id}/ship`, {
        token: admin,
        body: { carrier: 'SF', trackingNo: 'SF-PRE-1' },
      });
      await t.api('POST', `/api/shop/orders/${order.id}/receive`, { token: s.token });
      const asked = await ask(s.token, order.id, { kind: 'return_refund', reason: '尺码不合适' });
      const request = asked.body.afterSale as AfterSale;
      expect(request.amountFen).toBe(79_900);
      expect(((await act(request.id, 'approve')).body.afterSale as AfterSale).status).toBe('awaiting_return');
      await t.api('POST', `/api/shop/after-sales/${request.id}/return-shipment`, {
        token: s.token,
        body: { carrier: '顺丰', trackingNo: 'SF-RET-1' },
      });
      // The sandbox balance is back at once; the WeChat deposit waits for WeChat, so the request is still refunding.
      const received = await act(request.id, 'receive-return');
      expect(received.status, JSON.stringify(received.body)).toBe(200);
      expect((received.body.afterSale as AfterSale).status).toBe('refunding');
      const atWechat = () => [...m.double.wechat.refunds.values()].filter((r) => r.outTradeNo === deposit.id);
      expect(atWechat().map((r) => r.refundFen)).toEqual([10_000]);
      expect([...m.double.wechat.refunds.values()].filter((r) => r.outTradeNo === balance.id)).toEqual([]);
      expect((await refundsOf(order.id)).map((x) => [x.to_account, x.amount_fen])).toEqual([
        ['gateway:sandbox', 69_900n],
      ]);
      expect((await t.api('POST', '/api/admin/settlement/run', { token: admin })).body.settled).toBe(0);

      // WeChat closes it: the request waits in refund_failed showing that refund; the sandbox part stays refunded.
      expect(await m.double.wechat.completeRefund(atWechat()[0]!.outRefundNo, 'CLOSED')?.done).toBe(true);
      const failed = (await t.api('GET', `/api/admin/after-sales/${request.id}`, { token: admin })).body
        .afterSale as AfterSale;
      expect(failed).toMatchObject({ status: 'refund_failed', refund: { id: atWechat()[0]!.outRefundNo } });
      expect((await orderOf(s.token, order.id)).status).toBe('refunding');
      expect((await t.api('POST', '/api/admin/settlement/run', { token: admin })).body.settled).toBe(0);

      // Staff retry to the wallet (the double, like WeChat, keeps the closed refund's room): only the deposit is left.
      const retried = await act(request.id, 'retry-refund', { destination: 'wallet' });
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      expect((retried.body.afterSale as AfterSale).status).toBe('refunded');
      expect(atWechat()).toHaveLength(1);
      expect((await orderOf(s.token, order.id)).status).toBe('refunded');
      expect(await skuStock(t, admin, p.productId)).toBe(5);
      expect(await refundsOf(order.id)).toEqual([
        { from_account: 'platform:escrow', to_account: 'gateway:sandbox', amount_fen: 69_900n, simulated_fen: 69_900n },
        { from_account: 'platform:escrow', to_account: `user:${s.id}:wallet`, amount_fen: 10_000n, simulated_fen: 0n },
      ]);
      expect((await paymentsOf(order.id)).map((x) => [x.channel, x.refunded_fen, x.status])).toEqual([
        ['wechat_native', 10_000n, 'refunded'],
        ['sandbox', 69_900n, 'refunded'],
      ]);
      await expectLedgerHealthy(t);
    });

    it('refunds a part smaller than the balance from the balance alone, and settles the rest with its exact simulated part', async () => {
      const s = await registerShopper(t);
      const { order, deposit, balance } = await paidPresale(s.token, 2, 'wechat_native');
      expect([deposit.amountFen, balance.amountFen]).toEqual([20_000, 139_800]);
      const asked = await ask(s.token, order.id, {
        kind: 'refund_only',
        reason: '只要一件',
        lines: [{ line: 0, quantity: 1 }],
      });
      const request = asked.body.afterSale as AfterSale;
      expect(request.amountFen).toBe(79_900);
      expect(((await act(request.id, 'approve')).body.afterSale as AfterSale).status).toBe('refunded');
      expect([...m.double.wechat.refunds.values()].filter((r) => r.outTradeNo === deposit.id)).toEqual([]);
      expect(await refundsOf(order.id)).toEqual([
        { from_account: 'platform:escrow', to_account: 'gateway:sandbox', amount_fen: 79_900n, simulated_fen: 79_900n },
      ]);
      expect((await paymentsOf(order.id)).map((x) => [x.channel, x.refunded_fen, x.status])).toEqual([
        ['wechat_native', 0n, 'succeeded'],
        ['sandbox', 79_900n, 'succeeded'],
      ]);
      expect((await orderOf(s.token, order.id)).status).toBe('paid');
      await t.api('POST', `/api/admin/orders/${order.id}/ship`, {
        token: admin,
        body: { carrier: 'SF', trackingNo: 'SF-PRE-2' },
      });
      await t.api('POST', `/api/shop/orders/${order.id}/receive`, { token: s.token });
      await t.api('POST', '/api/admin/settlement/run', { token: admin });
      expect((await orderOf(s.token, order.id)).status).toBe('settled');
      // What stays: the real 200 deposit and 599 of simulated balance, exactly what escrow holds of this order.
      const revenue = await t.server.store.db
        .selectFrom('transfers')
        .select(['amount_fen', 'simulated_fen'])
        .where('order_id', '=', order.id)
        .where('reason', '=', 'revenue')
        .execute();
      expect(revenue).toEqual([{ amount_fen: 79_900n, simulated_fen: 59_900n }]);
      await expectLedgerHealthy(t);
    });

    it('retries only the failed piece while the other is still at WeChat, and is refunded when that one lands', async () => {
      const s = await registerShopper(t);
      const { order, deposit, balance } = await paidPresale(s.token, 1, 'wechat_native', 'wechat_native');
      const asked = await ask(s.token, order.id, { kind: 'refund_only', reason: '不想要了' });
      const request = asked.body.afterSale as AfterSale;
      expect(((await act(request.id, 'approve')).body.afterSale as AfterSale).status).toBe('refunding');
      const at = (paymentId: string) => [...m.double.wechat.refunds.values()].filter((r) => r.outTradeNo === paymentId);
      expect([at(balance.id).map((r) => r.refundFen), at(deposit.id).map((r) => r.refundFen)]).toEqual([
        [69_900],
        [10_000],
      ]);
      expect(await m.double.wechat.completeRefund(at(deposit.id)[0]!.outRefundNo, 'CLOSED')?.done).toBe(true);
      const failed = (await t.api('GET', `/api/admin/after-sales/${request.id}`, { token: admin })).body
        .afterSale as AfterSale;
      expect(failed.status).toBe('refund_failed');
      // The balance is still on its way: the retry gives back the deposit only, and waits for the balance.
      const retried = await act(request.id, 'retry-refund', { destination: 'wallet' });
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      expect((retried.body.afterSale as AfterSale).status).toBe('refunding');
      expect((await refundsOf(order.id)).map((x) => [x.to_account, x.amount_fen])).toEqual([
        [`user:${s.id}:wallet`, 10_000n],
      ]);
      expect(await m.double.wechat.completeRefund(at(balance.id)[0]!.outRefundNo, 'SUCCESS')?.done).toBe(true);
      const done = (await t.api('GET', `/api/admin/after-sales/${request.id}`, { token: admin })).body
        .afterSale as AfterSale;
      expect(done.status).toBe('refunded');
      expect((await orderOf(s.token, order.id)).status).toBe('refunded');
      expect((await refundsOf(order.id)).map((x) => [x.to_account, x.amount_fen]).sort()).toEqual([
        ['gateway:wechat', 69_900n],
        [`user:${s.id}:wallet`, 10_000n],
      ]);
      await expectLedgerHealthy(t);
    });
  });
}
