import type { AlipayDouble } from './alipay-double';
import { cashierPage, json, text, type DoubleRequest, type DoubleResponse, type Handler } from './http';
import type { WechatDouble } from './wechat-double';

/**
 * Routes a person (or a browser test) uses instead of a phone: the WeChat H5 cashier page, and the control
 * routes `POST /__double/{wechat|alipay}/pay/{outTradeNo}` that pay and send the notification, as the shopper's
 * confirmation would. Nothing here is part of either gateway's API.
 */
export function cashierRoutes(wechat: WechatDouble, alipay: AlipayDouble): Handler {
  return async (req: DoubleRequest): Promise<DoubleResponse | undefined> => {
    const p = req.url.pathname;
    if (req.method === 'GET' && p.startsWith('/wechat/h5/')) {
      const outTradeNo = wechat.prepays.get(p.slice('/wechat/h5/'.length));
      const order = outTradeNo === undefined ? undefined : wechat.orders.get(outTradeNo);
      if (order === undefined) return text(404, 'unknown prepay id');
      const back = req.url.searchParams.get('redirect_url') ?? undefined;
      return text(
        200,
        cashierPage('微信支付', `wechat/pay/${order.outTradeNo}`, BigInt(order.totalFen), back),
        'text/html',
      );
    }
    const m = /^\/__double\/(wechat|alipay)\/pay\/([^/]+)$/.exec(p);
    if (req.method !== 'POST' || m === null) return undefined;
    const outTradeNo = decodeURIComponent(m[2] ?? '');
    try {
      if (m[1] === 'wechat') wechat.pay(outTradeNo);
      else alipay.pay(outTradeNo);
    } catch (err) {
      return json(409, { code: 'NOT_PAYABLE', message: err instanceof Error ? err.message : String(err) });
    }
    const back = new URLSearchParams(req.rawBody).get('return_url');
    if (back !== null && /^https?:\/\//.test(back)) return { status: 303, headers: { location: back }, body: '' };
    return json(200, { ok: true, outTradeNo });
  };
}
