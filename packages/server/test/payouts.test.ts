import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backends, expectLedgerHealthy, fundedInviter, makeProduct, registerShopper, type TestServer } from './helpers';
import { balance, expectError, paidAndShipped, startPaidMall, type PaidMall } from './gateway-helpers';

type Withdrawal = {
  id: string;
  status: string;
  packageInfo: string | null;
  failureReason: string | null;
  payoutChannel: string | null;
};

/**
 * Issue 10, withdrawal payouts: finance approves, the payout goes through WeChat Pay's transfer (the payee accepts it
 * in WeChat) or Alipay's single transfer, or is marked paid by hand for a bank transfer; a failed payout returns the
 * money, fee included, to the wallet with the gateway's reason. Every step is in the ledger.
 */
for (const backend of backends()) {
  describe(`withdrawal payouts through the gateways (${backend.name})`, () => {
    let m: PaidMall;
    let t: TestServer;
    let shopper: Awaited<ReturnType<typeof registerShopper>>;
    beforeAll(async () => {
      m = await startPaidMall(backend);
      t = m.t;
      // Real money: the rebate of an invitee's order paid through WeChat Pay (10% of 1000 yuan).
      const gift = await makeProduct(t, m.admin, { priceFen: 100_000, stock: 10, campaigns: ['referralCycle'] });
      shopper = await registerShopper(t);
      const invitee = await registerShopper(t, shopper.inviteCode);
      for (const s of [shopper, invitee]) {
        const o = await paidAndShipped(m, s.token, gift.skuId, 'wechat_native');
        await t.api('POST', `/api/shop/orders/${o.orderId}/receive`, { token: s.token });
        await t.api('POST', '/api/admin/settlement/run', { token: m.admin });
      }
      await t.api('PUT', '/api/admin/settings', { token: m.admin, body: { withdrawMinFen: 100, withdrawFeeBps: 100 } });
    });
    // After every test: the ledger sums to zero, no wallet is negative, the audit is clean.
    afterEach(async () => {
      if (t) await expectLedgerHealthy(t);
    });
    afterAll(async () => {
      await m?.close();
    });

    const wallet = () => balance(t, `user:${shopper.id}:wallet`);
    const withdraw = async (body: object): Promise<Withdrawal> => {
      const answer = await t.api('POST', '/api/shop/me/withdrawals', { token: shopper.token, body });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const w = answer.body.withdrawal as Withdrawal;
      expect((await t.api('POST', `/api/admin/withdrawals/${w.id}/approve`, { token: m.finance })).status).toBe(200);
      return w;
    };
    const payout = (id: string) => t.api('POST', `/api/admin/withdrawals/${id}/payout`, { token: m.finance });
    const ledgerOf = (id: string) =>
      t.server.store.db
        .selectFrom('transfers')
        .select(['from_account', 'to_account', 'amount_fen'])
        .where('id', 'like', `withdrawal%:${id}`)
        .orderBy('created_at')
        .orderBy('id')
        .execute();

    it('pays out through WeChat Pay once the payee accepts the transfer, after binding the openid', async () => {
      expect(await wallet()).toBe(10_000n);
      const w = await withdraw({ amountFen: 3000, channel: 'wechat' });
      expectError(await payout(w.id), 422, 'openid_required');
      const code = m.double.wechat.issueOauthCode('o_payee_0001');
      await t.api('POST', '/api/shop/me/wechat/openid', { token: shopper.token, body: { code } });
      const started = await payout(w.id);
      const paying = started.body.withdrawal as Withdrawal;
      expect(paying.status).toBe('paying');
      expect(paying.packageInfo).toMatch(/^pkg_/);
      expect(m.double.wechat.transfers.get(w.id)).toMatchObject({ openid: 'o_payee_0001', amountFen: 2970 });
      expectError(
        await t.api('POST', `/api/admin/withdrawals/${w.id}/paid`, { token: m.finance }),
        409,
        'payout_channel_unavailable',
      );
      expectError(await payout(w.id), 409, 'withdrawal_transition_not_allowed');
      expect(await m.double.wechat.finishTransfer(w.id, 'SUCCESS')?.done).toBe(true);
      const list = await t.api('GET', '/api/shop/me/withdrawals', { token: shopper.token });
      expect((list.body.items as Withdrawal[]).find((x) => x.id === w.id)).toMatchObject({
        status: 'paid',
        payoutChannel: 'wechat',
      });
      expect((await ledgerOf(w.id)).map((x) => [x.from_account, x.to_account, x.amount_fen])).toEqual([
        [`user:${shopper.id}:wallet`, 'platform:withdrawals', 3000n],
        ['platform:withdrawals', 'platform:payouts', 3000n],
        ['platform:payouts', 'platform:fees', 30n],
        ['platform:payouts', 'gateway:wechat', 2970n],
      ]);
      expect(await wallet()).toBe(7000n);
    });

    it('returns a failed WeChat payout to the wallet, fee included, with the gateway’s reason', async () => {
      const w = await withdraw({ amountFen: 1000, channel: 'wechat' });
      expect(((await payout(w.id)).body.withdrawal as Withdrawal).status).toBe('paying');
      expect(await wallet()).toBe(6000n);
      expect(await m.double.wechat.finishTransfer(w.id, 'FAIL', 'PAYEE_ACCOUNT_ABNORMAL')?.done).toBe(true);
      const list = await t.api('GET', '/api/admin/withdrawals?status=failed', { token: m.finance });
      expect((list.body.items as Withdrawal[]).find((x) => x.id === w.id)).toMatchObject({
        status: 'failed',
        failureReason: 'PAYEE_ACCOUNT_ABNORMAL',
      });
      expect(await wallet()).toBe(7000n);
      expect((await ledgerOf(w.id)).at(-1)).toEqual({
        from_account: 'platform:payouts',
        to_account: `user:${shopper.id}:wallet`,
        amount_fen: 1000n,
      });
    });

    it('pays out through Alipay’s single transfer at once, and returns one Alipay refuses', async () => {
      const w = await withdraw({ amountFen: 2000, channel: 'alipay', account: '2088000000001234' });
      const paid = await payout(w.id);
      expect((paid.body.withdrawal as Withdrawal).status).toBe('paid');
      expect(m.double.alipay.transfers.get(w.id)).toMatchObject({ amountFen: 1980n, payee: '2088000000001234' });
      expect(await wallet()).toBe(5000n);
      const noAccount = await withdraw({ amountFen: 500, channel: 'alipay' });
      expectError(await payout(noAccount.id), 422, 'payee_required');
      // A login id without the payee's real name: Alipay refuses the transfer, the money comes back.
      const refused = await withdraw({ amountFen: 700, channel: 'alipay', account: 'payee@example.com' });
      const answer = (await payout(refused.id)).body.withdrawal as Withdrawal;
      expect(answer.status).toBe('failed');
      expect(answer.failureReason).toContain('name');
      expect(await wallet()).toBe(4500n);
      expect(
        (
          await t.api('POST', `/api/admin/withdrawals/${noAccount.id}/reject`, {
            token: m.finance,
            body: { reason: '缺少账号' },
          })
        ).status,
      ).toBe(200);
      expect(await wallet()).toBe(5000n);
    });

    it('marks a bank transfer paid by hand, and refuses the by-hand route for a configured gateway', async () => {
      const bank = await withdraw({ amountFen: 1000, channel: 'bank' });
      expectError(await payout(bank.id), 422, 'channel_unavailable');
      const paid = await t.api('POST', `/api/admin/withdrawals/${bank.id}/paid`, { token: m.finance });
      expect(paid.body.withdrawal).toMatchObject({ status: 'paid', payoutChannel: 'manual' });
      const wechat = await withdraw({ amountFen: 1000, channel: 'wechat' });
      expectError(
        await t.api('POST', `/api/admin/withdrawals/${wechat.id}/paid`, { token: m.finance }),
        409,
        'payout_channel_unavailable',
      );
      await t.api('POST', `/api/admin/withdrawals/${wechat.id}/reject`, { token: m.finance, body: { reason: '测试' } });
      expect(await wallet()).toBe(4000n);
    });

    it('never pays simulated (sandbox) money out through a real gateway', async () => {
      const { a } = await fundedInviter(t, m.admin);
      const answer = await t.api('POST', '/api/shop/me/withdrawals', {
        token: a.token,
        body: { amountFen: 5000, channel: 'alipay', account: '2088000000005678' },
      });
      const id = (answer.body.withdrawal as Withdrawal).id;
      await t.api('POST', `/api/admin/withdrawals/${id}/approve`, { token: m.finance });
      expectError(await payout(id), 409, 'simulated_money');
      expect(m.double.alipay.transfers.has(id)).toBe(false);
      await t.api('POST', `/api/admin/withdrawals/${id}/reject`, { token: m.finance, body: { reason: '模拟资金' } });
    });
  });
}
