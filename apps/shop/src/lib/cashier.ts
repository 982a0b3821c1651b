import { api } from './http';
import type { JsapiParams } from '@mall/web-common/api-types';

/** Inside WeChat's own browser (公众号 pages): JSAPI works there, H5 and Alipay do not. */
export function insideWechat(): boolean {
  return /MicroMessenger/i.test(navigator.userAgent);
}

/**
 * The configured channels that can work in this browser: JSAPI only inside WeChat, WeChat H5 and Alipay only outside
 * it (WeChat blocks them). Native (a QR code) and the desktop cashier work anywhere a second phone can scan.
 */
export function channelsForThisBrowser(channels: readonly string[]): string[] {
  const wechat = insideWechat();
  return channels.filter((c) => {
    if (c === 'wechat_jsapi') return wechat;
    if (c === 'wechat_h5' || c === 'alipay_wap' || c === 'alipay_page') return !wechat;
    return true;
  });
}

const STATE_KEY = 'mall.wechat.oauth.state';

function randomState(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * snsapi_base: sends the shopper to WeChat's authorise page, which returns to this very page with `?code=&state=`
 * (before the hash). The state is kept in this tab so a code someone else crafted is not bound.
 */
export async function startWechatAuth(): Promise<void> {
  const state = randomState();
  sessionStorage.setItem(STATE_KEY, state);
  const back = `${location.origin}${location.pathname}${location.hash}`;
  const res = await api.get<{ url: string }>(
    `/api/shop/wechat/authorize-url?redirectUri=${encodeURIComponent(back)}&state=${state}`,
  );
  location.href = res.url;
}

/** Back from WeChat's authorise page: exchanges the code for the openid once, then drops it from the address. */
export async function bindOpenidFromRedirect(): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const state = params.get('state');
  if (code === null || state === null) return false;
  const expected = sessionStorage.getItem(STATE_KEY);
  sessionStorage.removeItem(STATE_KEY);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (expected === null || expected !== state) return false;
  await api.post('/api/shop/me/wechat/openid', { code });
  return true;
}

interface Bridge {
  invoke(name: string, params: JsapiParams, done: (res: { err_msg?: string }) => void): void;
}

/** Opens WeChat's payment sheet; resolves true when WeChat says the shopper paid (the server waits for the notification). */
export function invokeJsapi(params: JsapiParams): Promise<boolean> {
  const bridge = (window as unknown as { WeixinJSBridge?: Bridge }).WeixinJSBridge;
  if (bridge === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    bridge.invoke('getBrandWCPayRequest', params, (res) => resolve(res.err_msg === 'get_brand_wcpay_request:ok'));
  });
}

interface TransferBridge {
  invoke(name: string, params: Record<string, string>, done: (res: { err_msg?: string }) => void): void;
}

/** WeChat's "confirm receipt" sheet for a merchant transfer (商家转账): the payee accepts the payout. */
export function acceptTransfer(ids: { appId: string; mchId: string }, packageInfo: string): Promise<boolean> {
  const bridge = (window as unknown as { WeixinJSBridge?: TransferBridge }).WeixinJSBridge;
  if (bridge === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    bridge.invoke('requestMerchantTransfer', { mchId: ids.mchId, appId: ids.appId, package: packageInfo }, (res) =>
      resolve(res.err_msg === 'requestMerchantTransfer:ok'),
    );
  });
}
