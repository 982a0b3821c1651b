import type { AlipayConfig, WechatPayConfig } from '../../src/money/payments/config';
import { Secret } from '../../src/money/payments/secret';
import type { GatewayDouble } from './index';

/** A WeChat Pay configuration pointed at the double, accepting both of its signing keys unless told otherwise. */
export function wechatConfigFor(
  double: GatewayDouble,
  notifyUrl: string,
  over: Partial<WechatPayConfig> = {},
): WechatPayConfig {
  const f = double.fixtures.wechat;
  return {
    mchid: f.mchid,
    appid: f.appid,
    merchantSerial: f.merchantSerial,
    merchantKey: new Secret(f.merchant.privateKey),
    apiV3Key: new Secret(f.apiV3Key),
    appSecret: new Secret(f.appSecret),
    verifiers: new Map([
      [f.publicKeyId, f.publicKey.publicKey],
      [f.platformSerial, f.platform.publicKey],
    ]),
    channels: ['wechat_jsapi', 'wechat_h5', 'wechat_native'],
    apiBaseUrl: double.url,
    oauthBaseUrl: double.url,
    notifyUrl,
    transferSceneId: '1000',
    timeoutMs: 3000,
    ...over,
  };
}

export function alipayConfigFor(
  double: GatewayDouble,
  notifyUrl: string,
  over: Partial<AlipayConfig> = {},
): AlipayConfig {
  const f = double.fixtures.alipay;
  return {
    appId: f.appId,
    sellerId: f.sellerId,
    privateKey: new Secret(f.app.privatePem),
    alipayPublicKey: f.alipay.publicPem,
    channels: ['alipay_wap', 'alipay_page'],
    gatewayUrl: `${double.url}gateway.do`,
    notifyUrl,
    returnUrl: 'https://mall.example.com/#/orders',
    timeoutMs: 3000,
    ...over,
  };
}
