/**
 * Runs the gateway double for a dev server: `npx tsx packages/server/test/gateway-double/serve.ts [dir] [port]`.
 * Writes the keys the mall needs into `dir` (default ./data/gateway-double) and prints the environment to start
 * `mall start` with. Notifications go to MALL_PAY_NOTIFY_BASE_URL (default http://127.0.0.1:3000), retried on the
 * real schedules compressed 60 times (WeChat's 15 s becomes 0.25 s). Pay from the cashier pages, or with
 * `curl -X POST {double}/__double/{wechat|alipay}/pay/{paymentId}`. Ctrl-C stops it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startGatewayDouble } from './index';

const dir = resolve(process.argv[2] ?? './data/gateway-double');
const port = Number(process.argv[3] ?? '4010');
if (!Number.isSafeInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`port must be 0..65535, got ${process.argv[3]}\n`);
  process.exit(2);
}
const double = await startGatewayDouble({ timeFactor: 60, port });
const f = double.fixtures;
mkdirSync(dir, { recursive: true });
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
};
const env: Record<string, string> = {
  MALL_PAY_NOTIFY_BASE_URL: process.env.MALL_PAY_NOTIFY_BASE_URL ?? 'http://127.0.0.1:3000',
  MALL_WECHAT_MCHID: f.wechat.mchid,
  MALL_WECHAT_APPID: f.wechat.appid,
  MALL_WECHAT_MERCHANT_SERIAL: f.wechat.merchantSerial,
  MALL_WECHAT_MERCHANT_KEY_FILE: file('wechat_apiclient_key.pem', f.wechat.merchant.privatePem),
  MALL_WECHAT_APIV3_KEY: f.wechat.apiV3Key.toString('utf8'),
  MALL_WECHAT_APP_SECRET: f.wechat.appSecret,
  MALL_WECHAT_PUBLIC_KEY_ID: f.wechat.publicKeyId,
  MALL_WECHAT_PUBLIC_KEY_FILE: file('wechat_pub_key.pem', f.wechat.publicKey.publicPem),
  MALL_WECHAT_TRANSFER_SCENE_ID: '1000',
  MALL_WECHAT_API_BASE_URL: double.url,
  MALL_WECHAT_OAUTH_BASE_URL: double.url,
  MALL_ALIPAY_APP_ID: f.alipay.appId,
  MALL_ALIPAY_SELLER_ID: f.alipay.sellerId,
  MALL_ALIPAY_PRIVATE_KEY_FILE: file('alipay_app_private.pem', f.alipay.app.privatePem),
  MALL_ALIPAY_PUBLIC_KEY_FILE: file('alipay_public.pem', f.alipay.alipay.publicPem),
  MALL_ALIPAY_GATEWAY_URL: `${double.url}gateway.do`,
};
const lines = Object.entries(env).map(([k, v]) => `export ${k}='${v}'`);
file('env.sh', `${lines.join('\n')}\n`);
process.stdout.write(`gateway double on ${double.url}\nsource ${join(dir, 'env.sh')} before mall start\n`);
const stop = () => void double.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
