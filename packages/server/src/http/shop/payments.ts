import { bindOpenid, oauthUrl, openidOf } from '../../money/payments/openids';
import { shopperId, type RouteModule } from '../context';
import { arr, bool, nullable, obj, publicShop, shopTags, str } from '../schemas';

/**
 * What the cashier may offer, and the WeChat web authorisation (snsapi_base) that binds the shopper's openid before a
 * JSAPI payment inside WeChat.
 */
export const shopPaymentRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/shop/payment-channels',
    {
      config: { public: true },
      schema: {
        ...publicShop,
        summary:
          'The payment channels the cashier offers: exactly the configured WeChat Pay / Alipay channels, the sandbox in demo mode, and the wallet',
        response: {
          200: obj({ channels: arr(str()), wechatOauth: bool, wechat: nullable(obj({ appId: str(), mchId: str() })) }),
        },
      },
    },
    async () => {
      // The public ids the storefront's WeChat calls name (JSAPI pays, requestMerchantTransfer accepts a payout).
      const wechat = ctx.gateways.summary().find((g) => g.gateway === 'wechat');
      return {
        channels: [...ctx.gateways.channels(), ...(ctx.providers.has('sandbox') ? ['sandbox'] : []), 'wallet'],
        wechatOauth: wechat?.oauth ?? false,
        wechat: wechat === undefined ? null : { appId: wechat.appId, mchId: wechat.merchantId },
      };
    },
  );

  app.get<{ Querystring: { redirectUri: string; state: string } }>(
    '/api/shop/wechat/authorize-url',
    {
      schema: {
        tags: shopTags,
        summary:
          "WeChat's snsapi_base authorise URL: open it inside WeChat; WeChat returns to redirectUri with ?code=&state=",
        querystring: obj(
          {
            redirectUri: str({ minLength: 1, maxLength: 1000, pattern: '^https?://' }),
            state: str({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
          },
          ['redirectUri', 'state'],
        ),
        response: { 200: obj({ url: str() }) },
      },
    },
    async (request) => {
      await shopperId(ctx, request);
      return { url: oauthUrl(ctx.gateways, request.query.redirectUri, request.query.state) };
    },
  );

  app.get(
    '/api/shop/me/wechat',
    {
      schema: {
        tags: shopTags,
        summary: 'Whether the shopper has a WeChat openid bound (JSAPI payments and WeChat payouts need one)',
        response: { 200: obj({ openidBound: bool }) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const appid = ctx.gateways.wechatAppId;
      return { openidBound: appid !== undefined && (await openidOf(db, userId, appid)) !== undefined };
    },
  );

  app.post<{ Body: { code: string } }>(
    '/api/shop/me/wechat/openid',
    {
      schema: {
        tags: shopTags,
        summary: 'Exchange the code WeChat returned for the openid and bind it to the shopper (422 invalid_oauth_code)',
        body: obj({ code: str({ minLength: 1, maxLength: 200 }) }, ['code']),
        response: { 200: obj({ openidBound: bool }) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      await bindOpenid(db, ctx.gateways, userId, request.body.code);
      return { openidBound: true };
    },
  );
};
