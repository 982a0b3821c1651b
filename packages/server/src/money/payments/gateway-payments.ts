import type { Db } from '../../platform/db/database';
import { inTx } from '../../platform/db/database';
import { fail, type ErrorCode } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { nowIso } from '../../platform/clock';
import { openidOf } from './openids';
import { insertPendingPayment, payableOrder, type PaymentView } from './payments';
import { CHANNEL_GATEWAY, type GatewayErrorCode, type PaymentChannel } from './gateway';
import type { GatewayRegistry } from './gateways';

/** Refusals after which the gateway holds no order for this payment: the payment is failed, a new one may follow. */
const DEFINITE: readonly GatewayErrorCode[] = [
  'gateway_rejected',
  'amount_out_of_range',
  'channel_unavailable',
  'openid_required',
  'client_ip_required',
];

/**
 * `wechat` and `alipay` (SPEC 6's names) pick a channel: JSAPI when it is offered and the shopper's openid is bound
 * (inside WeChat), else H5, else Native; Alipay's phone cashier before the desktop one.
 */
async function resolveChannel(
  db: Db,
  gateways: GatewayRegistry,
  userId: string,
  requested: string,
): Promise<PaymentChannel> {
  if (Object.hasOwn(CHANNEL_GATEWAY, requested)) {
    if (!gateways.offers(requested)) fail('channel_unavailable', requested);
    return requested as PaymentChannel;
  }
  const appid = gateways.wechatAppId;
  const preferences: PaymentChannel[] =
    requested === 'wechat'
      ? [
          ...(appid !== undefined && (await openidOf(db, userId, appid)) !== undefined
            ? ['wechat_jsapi' as const]
            : []),
          'wechat_h5',
          'wechat_native',
        ]
      : requested === 'alipay'
        ? ['alipay_wap', 'alipay_page']
        : [];
  const channel = preferences.find((c) => gateways.offers(c));
  if (channel === undefined) fail('channel_unavailable', requested);
  return channel;
}

/**
 * Pays an order through WeChat Pay or Alipay: the pending payment row is written first (its id is the gateway's
 * out_trade_no), then the gateway is asked outside any transaction. What the shopper needs next comes back: the
 * cashier URL, the Native code link, or the signed JSAPI parameters. The order becomes paid only when the gateway's
 * verified notification (or the query job) says the money arrived.
 */
export async function payThroughGateway(
  db: Db,
  gateways: GatewayRegistry,
  orderId: string,
  userId: string,
  requested: string,
  client: { ip: string },
): Promise<PaymentView> {
  const channel = await resolveChannel(db, gateways, userId, requested);
  const provider = gateways.provider(CHANNEL_GATEWAY[channel]);
  if (provider === undefined) fail('channel_unavailable', channel);
  const id = newId('pay');
  const openid =
    channel === 'wechat_jsapi' && gateways.wechatAppId !== undefined
      ? await openidOf(db, userId, gateways.wechatAppId)
      : undefined;
  if (channel === 'wechat_jsapi' && openid === undefined) fail('openid_required');
  const order = await inTx(db, async (trx) => {
    const row = await payableOrder(trx, orderId, userId, id);
    await insertPendingPayment(trx, id, orderId, userId, channel, row.amount_fen);
    const first = await trx
      .selectFrom('order_items')
      .select('title')
      .where('order_id', '=', orderId)
      .orderBy('line')
      .executeTakeFirst();
    return { amountFen: row.amount_fen, expiresAt: row.expires_at, title: first?.title ?? '' };
  });
  const base = gateways.publicBaseUrl();
  const returnUrl = base === undefined ? undefined : `${base}/#/orders/${orderId}`;
  const created = await provider.createPayment({
    channel,
    outTradeNo: id,
    amountFen: order.amountFen,
    description: `商城订单 ${order.title}`.trim(),
    expiresAt: order.expiresAt,
    ...(openid === undefined ? {} : { openid }),
    clientIp: client.ip,
    ...(returnUrl === undefined ? {} : { returnUrl }),
  });
  if (!created.ok) {
    if (DEFINITE.includes(created.code)) {
      await db
        .updateTable('payments')
        .set({
          status: 'failed',
          problem: `${created.code}: ${created.gatewayCode ?? ''} ${created.message}`.slice(0, 500),
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    }
    fail(created.code as ErrorCode, created.gatewayCode ?? created.message);
  }
  const view: PaymentView = { id, orderId, channel, amountFen: order.amountFen, status: 'pending' };
  const action = created.value;
  if (action.kind === 'jsapi') return { ...view, jsapiParams: action.params };
  if (action.kind === 'native') return { ...view, codeUrl: action.codeUrl };
  if (action.kind === 'redirect') return { ...view, payUrl: action.url };
  // WeChat's H5 cashier returns the browser to redirect_url after paying.
  const sep = action.h5Url.includes('?') ? '&' : '?';
  const payUrl =
    returnUrl === undefined ? action.h5Url : `${action.h5Url}${sep}redirect_url=${encodeURIComponent(returnUrl)}`;
  return { ...view, payUrl };
}

/** When a payment was last checked with its gateway (the open-payment job's bookkeeping). */
export async function markChecked(db: Db, paymentId: string): Promise<void> {
  await db.updateTable('payments').set({ checked_at: nowIso() }).where('id', '=', paymentId).execute();
}
