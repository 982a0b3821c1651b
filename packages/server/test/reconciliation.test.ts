import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backends, expectLedgerHealthy, makeProduct, registerShopper, type TestServer } from './helpers';
import { expectError, payAtGateway, startGatewayPayment, startPaidMall, type PaidMall } from './gateway-helpers';
import { alipayTradeBill, wechatTradeBill } from './gateway-double/bills';

type Difference = {
  kind: string;
  record: string;
  outTradeNo: string;
  oursFen: number | null;
  theirsFen: number | null;
};
type Reconciliation = { id: string; matched: number; differences: Difference[]; bill: { payments: number } };

/** Today in Beijing, the date the gateways' bills are cut by. */
function beijingToday(): string {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * Issue 10, reconciliation (对账): a day with one payment missing from the bill, one the bill has and we do not, and
 * one with another amount reports exactly those three, for the bill downloaded from each gateway and for an upload.
 */
for (const backend of backends()) {
  describe(`reconciliation of the gateways' daily bills (${backend.name})`, () => {
    let m: PaidMall;
    let t: TestServer;
    let skuId: string;
    beforeAll(async () => {
      m = await startPaidMall(backend);
      t = m.t;
      ({ skuId } = await makeProduct(t, m.admin, { priceFen: 1000, stock: 1000 }));
    });
    // After every test: the ledger sums to zero, no wallet is negative, the audit is clean.
    afterEach(async () => {
      if (t) await expectLedgerHealthy(t);
    });
    afterAll(async () => {
      await m?.close();
    });

    const reconcile = (body: object) => t.api('POST', '/api/admin/reconciliations', { token: m.finance, body });

    async function threePaid(channel: string): Promise<string[]> {
      const shopper = await registerShopper(t);
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const order = await startGatewayPayment(t, shopper.token, skuId, channel);
        await payAtGateway(m, channel, order.paymentId);
        ids.push(order.paymentId);
      }
      return ids;
    }

    function expectTheThree(r: Reconciliation, [missing, , wrong]: string[], extra: string): void {
      expect(r.differences).toHaveLength(3);
      expect(r.differences).toEqual(
        expect.arrayContaining([
          {
            kind: 'missing_theirs',
            record: 'payment',
            outTradeNo: missing,
            outRefundNo: null,
            oursFen: 1000,
            theirsFen: null,
          },
          {
            kind: 'amount_mismatch',
            record: 'payment',
            outTradeNo: wrong,
            outRefundNo: null,
            oursFen: 1000,
            theirsFen: 999,
          },
          {
            kind: 'missing_ours',
            record: 'payment',
            outTradeNo: extra,
            outRefundNo: null,
            oursFen: null,
            theirsFen: 500,
          },
        ]),
      );
    }

    it('finds exactly the missing, the extra and the wrong-amount WeChat payment, downloaded or uploaded, and exports them', async () => {
      const ids = await threePaid('wechat_native');
      // A refund in flight is on both sides and matches.
      const shopper = await registerShopper(t);
      const refunded = await startGatewayPayment(t, shopper.token, skuId, 'wechat_h5');
      await payAtGateway(m, 'wechat_h5', refunded.paymentId);
      await t.api('POST', `/api/shop/orders/${refunded.orderId}/refund`, {
        token: shopper.token,
        body: { reason: '不要了' },
      });
      await t.api('POST', `/api/admin/orders/${refunded.orderId}/refund/approve`, { token: m.admin, body: {} });
      const differences = {
        omit: [ids[0] ?? ''],
        amountFen: { [ids[2] ?? '']: 999n },
        extra: [{ outTradeNo: 'pay_EXTRA_WECHAT_01', amountFen: 500n }],
      };
      m.double.wechat.setBillDifferences(differences);
      const date = beijingToday();
      const fetched = await reconcile({ gateway: 'wechat', billDate: date });
      expect(fetched.status, JSON.stringify(fetched.body)).toBe(200);
      const result = fetched.body.reconciliation as Reconciliation;
      expectTheThree(result, ids, 'pay_EXTRA_WECHAT_01');
      expect(result.matched).toBe(3); // the second payment, the refunded payment and its refund

      const csv = wechatTradeBill(date, m.double.wechat.billRows(), differences);
      const uploaded = await reconcile({
        gateway: 'wechat',
        billDate: date,
        fileBase64: Buffer.from(csv).toString('base64'),
      });
      expectTheThree(uploaded.body.reconciliation as Reconciliation, ids, 'pay_EXTRA_WECHAT_01');

      const exported = await fetch(`${t.url}/api/admin/reconciliations/${result.id}/differences.csv`, {
        headers: { authorization: `Bearer ${m.finance}` },
      });
      expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (await exported.text()).trim().split('\r\n');
      expect(lines[0]).toBe('kind,record,out_trade_no,out_refund_no,ours_fen,theirs_fen');
      expect(lines.slice(1).sort()).toEqual(
        [
          `missing_theirs,payment,${ids[0]},,1000,`,
          `amount_mismatch,payment,${ids[2]},,1000,999`,
          'missing_ours,payment,pay_EXTRA_WECHAT_01,,,500',
        ].sort(),
      );
      const list = await t.api('GET', '/api/admin/reconciliations?gateway=wechat', { token: m.finance });
      expect((list.body.items as Reconciliation[]).map((r) => r.id)).toContain(result.id);
      m.double.wechat.setBillDifferences({});
    });

    it('does the same with Alipay’s zipped GBK bill, and refuses a file that is not a bill', async () => {
      const ids = await threePaid('alipay_wap');
      const differences = {
        omit: [ids[0] ?? ''],
        amountFen: { [ids[2] ?? '']: 999n },
        extra: [{ outTradeNo: 'pay_EXTRA_ALIPAY_01', amountFen: 500n }],
      };
      m.double.alipay.setBillDifferences(differences);
      const date = beijingToday();
      const fetched = await reconcile({ gateway: 'alipay', billDate: date });
      expect(fetched.status, JSON.stringify(fetched.body)).toBe(200);
      expectTheThree(fetched.body.reconciliation as Reconciliation, ids, 'pay_EXTRA_ALIPAY_01');
      const csv = alipayTradeBill(date, m.double.fixtures.alipay.sellerId, m.double.alipay.billRows(), differences);
      const uploaded = await reconcile({
        gateway: 'alipay',
        billDate: date,
        fileBase64: Buffer.from(csv).toString('base64'),
      });
      expectTheThree(uploaded.body.reconciliation as Reconciliation, ids, 'pay_EXTRA_ALIPAY_01');
      expectError(
        await reconcile({
          gateway: 'alipay',
          billDate: date,
          fileBase64: Buffer.from('not,a,bill').toString('base64'),
        }),
        422,
        'bill_unreadable',
      );
      expectError(await reconcile({ gateway: 'wechat', billDate: '2026-13-45' }), 400, 'invalid_request');
      const operator = await t.api('POST', '/api/admin/login', {
        body: { username: 'operator', password: 'admin-test-pw' },
      });
      const forbidden = await t.api('POST', '/api/admin/reconciliations', {
        token: operator.body.token as string,
        body: { gateway: 'alipay', billDate: date },
      });
      expect(forbidden.status).toBe(403);
      m.double.alipay.setBillDifferences({});
    });
  });
}
