import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawMessage, drawWinners } from '@mall/core';
import { backends, expectLedgerHealthy, fundedInviter, registerShopper, skuStock, type TestServer } from './helpers';
import { couponTemplate, product, setSettings } from './checkout-helpers';
import { startPaidMall, type PaidMall } from './gateway-helpers';
import {
  groupBuy,
  groupView,
  joinGroup,
  openGroup,
  orderOf,
  refundsOf,
  sandboxPay,
  sandboxSucceed,
  startPay,
} from './group-buy-helpers';

for (const backend of backends()) {
  describe(`group buy (${backend.name})`, () => {
    let m: PaidMall;
    let t: TestServer;
    let admin: string;
    beforeAll(async () => {
      m = await startPaidMall(backend, { expiryIntervalMs: 200 });
      t = m.t;
      admin = m.admin;
      await setSettings(t, admin, { maxUnpaidOrders: 100 });
    });
    afterAll(async () => {
      if (t) await expectLedgerHealthy(t);
      await m?.close();
    });

    it('seats exactly 3 paid members when 10 joiners pay at once, and refunds the other 8 automatically', async () => {
      const p = await product(t, admin, { priceFen: 5000, stock: 50 });
      const activityId = await groupBuy(t, admin, { skuId: p.skuId, priceFen: 3000, groupSize: 3 });
      const leader = await registerShopper(t);
      const opened = await openGroup(t, leader.token, activityId);
      expect((await orderOf(t, leader.token, opened.orderId)).amountFen).toBe(3000);
      // Nobody joins a group whose leader has not paid: no member is fake.
      const early = await registerShopper(t);
      expect((await joinGroup(t, early.token, opened.groupId)).body.error?.code).toBe('group_not_open');
      await sandboxPay(t, leader.token, opened.orderId);
      expect(await groupView(t, opened.groupId)).toMatchObject({ status: 'open', paidCount: 1, seatsLeft: 2 });

      const joiners = await Promise.all(Array.from({ length: 10 }, () => registerShopper(t)));
      const joined = await Promise.all(joiners.map((s) => joinGroup(t, s.token, opened.groupId)));
      for (const j of joined) expect(j.status, JSON.stringify(j.body)).toBe(201);
      const orders = joined.map((j) => (j.body.order as { id: string }).id);
      const payments = await Promise.all(joiners.map((s, i) => startPay(t, s.token, orders[i] ?? '', 'sandbox')));
      await Promise.all(payments.map((pay) => sandboxSucceed(t, pay.id)));

      const group = await groupView(t, opened.groupId);
      expect(group).toMatchObject({ status: 'succeeded', paidCount: 3, seatsLeft: 0 });
      expect(group.members.map((x) => x.seat)).toEqual([1, 2, 3]);
      expect(group.members.every((x) => x.outcome === 'kept' && /^139\*{4}\d{4}$/.test(x.name))).toBe(true);
      const statuses = await Promise.all(joiners.map((s, i) => orderOf(t, s.token, orders[i] ?? '')));
      expect(statuses.filter((o) => o.status === 'paid')).toHaveLength(2);
      expect(statuses.filter((o) => o.status === 'cancelled')).toHaveLength(8);
      const db = t.server.store.db;
      const pays = await db
        .selectFrom('payments')
        .select(['order_id', 'status'])
        .where('order_id', 'in', orders)
        .execute();
      expect(pays.filter((x) => x.status === 'refunded')).toHaveLength(8);
      for (const [i, o] of statuses.entries()) {
        const moved = await refundsOf(t, orders[i] ?? '');
        if (o.status === 'cancelled')
          expect(moved.map((r) => [r.from_account, r.to_account, r.amount_fen])).toEqual([
            ['platform:escrow', 'gateway:sandbox', 3000n],
          ]);
        else expect(moved).toEqual([]);
      }
      // 3 units sold, the 8 refused orders' units back on the shelf.
      expect(await skuStock(t, admin, p.productId)).toBe(47);
      const kept = group.members[1]?.orderId ?? '';
      const ship = await t.api('POST', `/api/admin/orders/${kept}/ship`, {
        token: admin,
        body: { carrier: 'SF', trackingNo: 'SF00000001' },
      });
      expect(ship.status, JSON.stringify(ship.body)).toBe(200);
      const waiting = await fetch(`${t.url}/api/admin/orders/export?status=paid`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      const listed = await waiting.text();
      // The succeeded group's other kept member waits to ship; the one just shipped is no longer paid.
      expect(listed).toContain(group.members[0]?.orderId ?? 'none');
      expect(listed).not.toContain(kept);
    });

    it('holds the goods of an open group and refunds every member through its own channel when it expires', async () => {
      const p = await product(t, admin, { priceFen: 4000, stock: 10 });
      const activityId = await groupBuy(t, admin, { skuId: p.skuId, priceFen: 2500, groupSize: 3 });
      const leader = await registerShopper(t);
      const opened = await openGroup(t, leader.token, activityId);
      const alipay = await startPay(t, leader.token, opened.orderId, 'alipay_wap');
      expect((await fetch(alipay.payUrl ?? '')).status).toBe(200);
      expect(await m.double.alipay.pay(alipay.id)?.done).toBe(true);
      const member = await registerShopper(t);
      const joined = await joinGroup(t, member.token, opened.groupId);
      const memberOrder = (joined.body.order as { id: string }).id;
      await sandboxPay(t, member.token, memberOrder);
      expect(await groupView(t, opened.groupId)).toMatchObject({ status: 'open', paidCount: 2 });
      const held = await t.api('POST', `/api/admin/orders/${memberOrder}/ship`, {
        token: admin,
        body: { carrier: 'SF', trackingNo: 'SF00000002' },
      });
      expect(held.body.error?.code).toBe('group_not_complete');
      // Nor does the warehouse export list it for picking while the group may still fail.
      const exported = await fetch(`${t.url}/api/admin/orders/export?status=paid`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(exported.status).toBe(200);
      expect(await exported.text()).not.toContain(memberOrder);
      const asked = await t.api('POST', `/api/shop/orders/${memberOrder}/after-sales`, {
        token: member.token,
        body: { kind: 'refund_only', reason: '不想等了' },
      });
      expect(asked.body.error?.code).toBe('group_not_complete');

      const expired = await t.api('POST', `/api/admin/groups/${opened.groupId}/expire`, { token: admin });
      expect(expired.status, JSON.stringify(expired.body)).toBe(200);
      expect(expired.body.group).toMatchObject({ status: 'failed', paidCount: 2 });
      expect((await orderOf(t, leader.token, opened.orderId)).status).toBe('refunded');
      expect((await orderOf(t, member.token, memberOrder)).status).toBe('refunded');
      expect(m.double.alipay.trades.get(alipay.id)?.refundedFen).toBe(2500n);
      const moved = async (orderId: string) =>
        (await refundsOf(t, orderId)).map((r) => [r.from_account, r.to_account, r.amount_fen]);
      expect(await moved(opened.orderId)).toEqual([['platform:escrow', 'gateway:alipay', 2500n]]);
      expect(await moved(memberOrder)).toEqual([['platform:escrow', 'gateway:sandbox', 2500n]]);
      expect(await skuStock(t, admin, p.productId)).toBe(10);
      const again = await t.api('POST', `/api/admin/groups/${opened.groupId}/expire`, { token: admin });
      expect(again.body.error?.code).toBe('group_not_open');
    });

    it('refunds a WeChat Pay leader through the WeChat refund API when the group expires, once the refund succeeds', async () => {
      const p = await product(t, admin, { priceFen: 4000, stock: 10 });
      const activityId = await groupBuy(t, admin, { skuId: p.skuId, priceFen: 2200, groupSize: 3 });
      const leader = await registerShopper(t);
      const opened = await openGroup(t, leader.token, activityId);
      const wechat = await startPay(t, leader.token, opened.orderId, 'wechat_native');
      expect(await m.double.wechat.pay(wechat.id)?.done).toBe(true);
      const member = await registerShopper(t);
      const memberOrder = ((await joinGroup(t, member.token, opened.groupId)).body.order as { id: string }).id;
      await sandboxPay(t, member.token, memberOrder);
      expect(await groupView(t, opened.groupId)).toMatchObject({ status: 'open', paidCount: 2 });

      const expired = await t.api('POST', `/api/admin/groups/${opened.groupId}/expire`, { token: admin });
      expect(expired.status, JSON.stringify(expired.body)).toBe(200);
      expect(expired.body.group).toMatchObject({ status: 'failed', paidCount: 2 });
      // The refund was asked of WeChat for the whole payment; money leaves escrow only when WeChat says it is done.
      const asked = [...m.double.wechat.refunds.values()].filter((r) => r.outTradeNo === wechat.id);
      expect(asked.map((r) => r.refundFen)).toEqual([2200]);
      const moved = async (orderId: string) =>
        (await refundsOf(t, orderId)).map((r) => [r.from_account, r.to_account, r.amount_fen]);
      expect(await moved(opened.orderId)).toEqual([]);
      expect(await m.double.wechat.completeRefund(asked[0]?.outRefundNo ?? '', 'SUCCESS')?.done).toBe(true);
      expect((await orderOf(t, leader.token, opened.orderId)).status).toBe('refunded');
      expect(await moved(opened.orderId)).toEqual([['platform:escrow', 'gateway:wechat', 2200n]]);
      expect((await orderOf(t, member.token, memberOrder)).status).toBe('refunded');
      expect(await moved(memberOrder)).toEqual([['platform:escrow', 'gateway:sandbox', 2200n]]);
      expect(await skuStock(t, admin, p.productId)).toBe(10);
      // A second delivery of WeChat's notification moves nothing twice.
      expect(await m.double.wechat.completeRefund(asked[0]?.outRefundNo ?? '', 'SUCCESS')?.done).toBe(true);
      expect(await moved(opened.orderId)).toEqual([['platform:escrow', 'gateway:wechat', 2200n]]);
    });

    it('refuses a wallet payment that finds its group full with 409 group_full, and moves no money', async () => {
      const p = await product(t, admin, { priceFen: 5000, stock: 10 });
      const activityId = await groupBuy(t, admin, { skuId: p.skuId, priceFen: 3000, groupSize: 2 });
      const leader = await registerShopper(t);
      const opened = await openGroup(t, leader.token, activityId);
      await sandboxPay(t, leader.token, opened.orderId);
      // Two shoppers with 10,000 fen in their wallets race for the one seat left.
      const payers = [(await fundedInviter(t, admin)).a, (await fundedInviter(t, admin)).a];
      const orders: string[] = [];
      for (const s of payers) {
        const joined = await joinGroup(t, s.token, opened.groupId);
        expect(joined.status, JSON.stringify(joined.body)).toBe(201);
        orders.push((joined.body.order as { id: string }).id);
      }
      const wallet = async (userId: string) =>
        (
          await t.server.store.db
            .selectFrom('accounts')
            .select('balance_fen')
            .where('address', '=', `user:${userId}:wallet`)
            .executeTakeFirstOrThrow()
        ).balance_fen;
      const pays = await Promise.all(
        payers.map((s, i) =>
          t.api('POST', `/api/shop/orders/${orders[i] ?? ''}/pay`, { token: s.token, body: { channel: 'wallet' } }),
        ),
      );
      expect(pays.map((x) => x.status).sort()).toEqual([200, 409]);
      const lost = pays.findIndex((x) => x.status === 409);
      const loser = payers[lost];
      const loserOrder = orders[lost] ?? '';
      const winner = payers[1 - lost];
      if (loser === undefined || winner === undefined) throw new Error('no payers');
      expect(pays[lost]?.body.error?.code).toBe('group_full');
      expect(await groupView(t, opened.groupId)).toMatchObject({ status: 'succeeded', paidCount: 2 });
      expect(await wallet(winner.id)).toBe(7000n);
      expect(await wallet(loser.id)).toBe(10_000n);
      const db = t.server.store.db;
      const loserMoves = await db.selectFrom('transfers').select('id').where('order_id', '=', loserOrder).execute();
      expect(loserMoves).toEqual([]);
      expect(await db.selectFrom('payments').select('id').where('order_id', '=', loserOrder).execute()).toEqual([]);
      expect((await orderOf(t, loser.token, loserOrder)).status).toBe('cancelled');
      // Asking again answers the same and still moves nothing.
      const again = await t.api('POST', `/api/shop/orders/${loserOrder}/pay`, {
        token: loser.token,
        body: { channel: 'wallet' },
      });
      expect(again.status).toBe(409);
      expect(again.body.error?.code).toBe('group_full');
      expect(await wallet(loser.id)).toBe(10_000n);
    });

    it('fails a group at its deadline by the timer, and refunds a payment that lands after it', async () => {
      const p = await product(t, admin, { priceFen: 4000, stock: 10 });
      const activityId = await groupBuy(t, admin, { skuId: p.skuId, priceFen: 1800, groupSize: 2 });
      const leader = await registerShopper(t);
      const opened = await openGroup(t, leader.token, activityId);
      await sandboxPay(t, leader.token, opened.orderId);
      const late = await registerShopper(t);
      const lateOrder = ((await joinGroup(t, late.token, opened.groupId)).body.order as { id: string }).id;
      const latePay = await startPay(t, late.token, lateOrder, 'sandbox');
      await t.server.store.db
        .updateTable('group_buy_groups')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', opened.groupId)
        .execute();
      const stored = async () =>
        (
          await t.server.store.db
            .selectFrom('group_buy_groups')
            .select('status')
            .where('id', '=', opened.groupId)
            .executeTakeFirstOrThrow()
        ).status;
      // The page already says failed past the deadline; the timer is what makes it so and refunds.
      expect((await groupView(t, opened.groupId)).status).toBe('failed');
      for (let i = 0; i < 100 && (await stored()) === 'open'; i += 1) await new Promise((r) => setTimeout(r, 100));
      expect(await stored()).toBe('failed');
      expect((await orderOf(t, leader.token, opened.orderId)).status).toBe('refunded');
      expect((await orderOf(t, late.token, lateOrder)).status).toBe('cancelled');
      await sandboxSucceed(t, latePay.id);
      expect((await refundsOf(t, lateOrder)).map((r) => [r.to_account, r.amount_fen, r.reason])).toEqual([
        ['gateway:sandbox', 1800n, 'late_payment_refund'],
      ]);
    });

    it('refuses unusable activity terms and changes nothing', async () => {
      const p = await product(t, admin, { priceFen: 3000, stock: 10 });
      const before = ((await t.api('GET', '/api/admin/group-buys', { token: admin })).body.items as unknown[]).length;
      const body = {
        skuId: p.skuId,
        priceFen: 1000,
        groupSize: 3,
        hours: 24,
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      };
      const tooManyWinners = await t.api('POST', '/api/admin/group-buys', {
        token: admin,
        body: { ...body, lotteryWinners: 3 },
      });
      expect(tooManyWinners.status).toBe(422);
      expect(tooManyWinners.body.error?.code).toBe('invalid_parameter');
      const free = await t.api('POST', '/api/admin/group-buys', { token: admin, body: { ...body, priceFen: 0 } });
      expect(free.status).toBeGreaterThanOrEqual(400);
      expect(free.status).toBeLessThan(500);
      const backwards = await t.api('POST', '/api/admin/group-buys', {
        token: admin,
        body: { ...body, endsAt: body.startsAt, startsAt: body.endsAt },
      });
      expect(backwards.body.error?.code).toBe('invalid_parameter');
      expect(((await t.api('GET', '/api/admin/group-buys', { token: admin })).body.items as unknown[]).length).toBe(
        before,
      );
    });

    it('cancels the unpaid joiners when a group fills, so their orders can no longer be paid', async () => {
      const p = await product(t, admin, { priceFen: 3000, stock: 10 });
      const activityId = await groupBuy(t, admin, { skuId: p.skuId, priceFen: 2000, groupSize: 2 });
      const leader = await registerShopper(t);
      const opened = await openGroup(t, leader.token, activityId);
      await sandboxPay(t, leader.token, opened.orderId);
      const [a, b] = await Promise.all([registerShopper(t), registerShopper(t)]);
      if (a === undefined || b === undefined) throw new Error('no shoppers');
      const orderA = ((await joinGroup(t, a.token, opened.groupId)).body.order as { id: string }).id;
      const orderB = ((await joinGroup(t, b.token, opened.groupId)).body.order as { id: string }).id;
      await sandboxPay(t, a.token, orderA);
      expect((await groupView(t, opened.groupId)).status).toBe('succeeded');
      expect((await orderOf(t, b.token, orderB)).status).toBe('cancelled');
      const pay = await t.api('POST', `/api/shop/orders/${orderB}/pay`, {
        token: b.token,
        body: { channel: 'wallet' },
      });
      expect(pay.status).toBe(409);
      expect((await joinGroup(t, b.token, opened.groupId)).body.error?.code).toBe('group_not_open');
    });

    it('draws a lottery group from the committed seed, refunds the losers with a consolation coupon, and anyone can recompute it', async () => {
      const p = await product(t, admin, { priceFen: 9900, stock: 10 });
      const templateId = await couponTemplate(t, admin, { kind: 'fixed', valueFen: 500, thresholdFen: 0 });
      const activityId = await groupBuy(t, admin, {
        skuId: p.skuId,
        priceFen: 100,
        groupSize: 4,
        lotteryWinners: 1,
        consolationTemplateId: templateId,
      });
      const shoppers = await Promise.all(Array.from({ length: 4 }, () => registerShopper(t)));
      const [leader, ...others] = shoppers;
      if (leader === undefined) throw new Error('no leader');
      const opened = await openGroup(t, leader.token, activityId);
      const before = await groupView(t, opened.groupId);
      expect(before.draw.serverSeed).toBeNull();
      await sandboxPay(t, leader.token, opened.orderId);
      for (const s of others) {
        const orderId = ((await joinGroup(t, s.token, opened.groupId)).body.order as { id: string }).id;
        await sandboxPay(t, s.token, orderId);
      }
      const group = await groupView(t, opened.groupId);
      expect(group.status).toBe('succeeded');
      const seed = group.draw.serverSeed ?? '';
      expect(createHash('sha256').update(seed).digest('hex')).toBe(before.draw.seedHash);
      const bySeat = group.members.map((x) => x.orderId);
      expect(group.draw.groupSeed).toBe(`${opened.groupId}|${bySeat.join(',')}`);
      const digest = Uint8Array.from(
        createHmac('sha256', seed)
          .update(drawMessage(group.draw.groupSeed ?? '', 0))
          .digest(),
      );
      const recomputed = drawWinners([digest], bySeat.length).map((i) => bySeat[i]);
      expect(group.draw.winners).toEqual(recomputed);
      const winner = recomputed[0] ?? '';
      for (const [i, s] of shoppers.entries()) {
        const orderId = bySeat[group.members.findIndex((x) => x.name.endsWith(s.phone.slice(-4)))] ?? '';
        expect(orderId, `shopper ${i}`).not.toBe('');
        const o = await orderOf(t, s.token, orderId);
        const coupons = await t.api('GET', '/api/shop/me/coupons', { token: s.token });
        const mine = (coupons.body.items as { templateId?: string }[] | undefined) ?? [];
        if (orderId === winner) {
          expect(o.status).toBe('paid');
          expect(mine).toHaveLength(0);
        } else {
          expect(o.status).toBe('refunded');
          expect(mine.length, JSON.stringify(coupons.body)).toBe(1);
        }
      }
    });
  });
}
