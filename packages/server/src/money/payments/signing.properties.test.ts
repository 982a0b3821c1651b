import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayDouble, type GatewayDouble } from '../../../test/gateway-double';
import { alipayConfigFor, wechatConfigFor } from '../../../test/gateway-double/configs';
import { alipayProvider, type AlipayProvider } from './alipay';
import { wechatPayProvider, type WechatPayProvider } from './wechat-pay';

let double: GatewayDouble;
let wechat: WechatPayProvider;
let alipay: AlipayProvider;
let seq = 0;

beforeAll(async () => {
  double = await startGatewayDouble();
  wechat = wechatPayProvider(wechatConfigFor(double, 'http://127.0.0.1:9/n'));
  alipay = alipayProvider(alipayConfigFor(double, 'http://127.0.0.1:9/n'));
});

afterAll(async () => {
  await double.close();
});

/** Text that trips encoders: URL and form metacharacters, quotes, backslashes, CJK, emoji. */
const awkward = fc
  .array(fc.constantFrom('a', ' ', '&', '=', '%', '+', '"', '\\', '/', '?', '#', '商', '城', '😀', '\n', '%2B'), {
    minLength: 1,
    maxLength: 24,
  })
  .map((cs) => cs.join(''));

const amount = fc.bigInt({ min: 1n, max: 10_000_000_000n });

describe('signatures survive every text and amount', () => {
  it('WeChat accepts our signed order whatever the description and amount', async () => {
    await fc.assert(
      fc.asyncProperty(awkward, fc.bigInt({ min: 1n, max: 2_147_483_647n }), async (description, amountFen) => {
        const r = await wechat.createPayment({
          channel: 'wechat_native',
          outTradeNo: `prop_wx_${(seq += 1)}`,
          amountFen,
          description,
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        });
        expect(r.ok).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('an Alipay notification verifies after form encoding, and any other amount does not', async () => {
    await fc.assert(
      fc.asyncProperty(awkward, amount, amount, async (subject, totalFen, otherFen) => {
        const outTradeNo = `prop_ali_${(seq += 1)}`;
        const created = await alipay.createPayment({
          channel: 'alipay_page',
          outTradeNo,
          amountFen: totalFen,
          description: subject,
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        });
        if (!created.ok || created.value.kind !== 'redirect') throw new Error('no redirect');
        expect((await fetch(created.value.url)).status).toBe(200);
        double.alipay.pay(outTradeNo, { notify: false });
        const trade = double.alipay.trades.get(outTradeNo);
        if (trade === undefined) throw new Error('no trade');
        expect(trade.subject).toBe(subject);
        const params = double.alipay.notificationParams(trade);
        const genuine = double.alipay.notification(params);
        const parsed = await alipay.parseNotification({ headers: genuine.headers, rawBody: genuine.body }, Date.now());
        expect(parsed).toMatchObject({ ok: true, event: { kind: 'payment_succeeded', amountFen: totalFen } });
        if (otherFen !== totalFen) {
          const signedBody = new URLSearchParams(genuine.body);
          signedBody.set('total_amount', `${otherFen / 100n}.${String(otherFen % 100n).padStart(2, '0')}`);
          const forged = await alipay.parseNotification({ headers: {}, rawBody: signedBody.toString() }, Date.now());
          expect(forged).toMatchObject({ ok: false, reason: 'invalid_signature' });
        }
      }),
      { numRuns: 25 },
    );
  });
});
