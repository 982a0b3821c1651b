import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { testKeyPair } from '../../../test/gateway-double/keys';
import { configuredChannels, paymentsConfigFromEnv } from './config';

const merchant = testKeyPair();
const wechatPub = testKeyPair();
const app = testKeyPair();
const alipayPub = testKeyPair();
const APIV3 = 'abcdefghijklmnopqrstuvwxyz012345';
const APP_SECRET = 'app-secret-never-printed-0001';
const files: Record<string, string> = {
  '/keys/apiclient_key.pem': merchant.privatePem,
  '/keys/pub_key.pem': wechatPub.publicPem,
  '/keys/app_private.pem': app.privatePem,
  '/keys/alipay_public.pem': alipayPub.publicPem,
};
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT ${path}`);
  return text;
};

const WECHAT_ENV = {
  MALL_PAY_NOTIFY_BASE_URL: 'https://mall.example.com/',
  MALL_WECHAT_MCHID: '1900000109',
  MALL_WECHAT_APPID: 'wxd678efh567hg6787',
  MALL_WECHAT_MERCHANT_SERIAL: '3775b6a45acd588826d15e583a95f5dd',
  MALL_WECHAT_MERCHANT_KEY_FILE: '/keys/apiclient_key.pem',
  MALL_WECHAT_APIV3_KEY: APIV3,
  MALL_WECHAT_APP_SECRET: APP_SECRET,
  MALL_WECHAT_PUBLIC_KEY_ID: 'PUB_KEY_ID_0119000001092024',
  MALL_WECHAT_PUBLIC_KEY_FILE: '/keys/pub_key.pem',
};
const ALIPAY_ENV = {
  MALL_PAY_NOTIFY_BASE_URL: 'https://mall.example.com',
  MALL_ALIPAY_APP_ID: '2021000000000001',
  MALL_ALIPAY_SELLER_ID: '2088000000000001',
  MALL_ALIPAY_PRIVATE_KEY_FILE: '/keys/app_private.pem',
  MALL_ALIPAY_PUBLIC_KEY_FILE: '/keys/alipay_public.pem',
};

describe('payment configuration from the environment', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mall-pay-config-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('configures nothing and offers no channel when no variable is set', () => {
    const r = paymentsConfigFromEnv({}, readFile);
    expect(r).toEqual({ ok: true, config: {} });
    expect(r.ok && configuredChannels(r.config)).toEqual([]);
  });

  it('reads both gateways and offers exactly their channels, notify URLs under the base', () => {
    const r = paymentsConfigFromEnv({ ...WECHAT_ENV, ...ALIPAY_ENV, MALL_ALIPAY_CHANNELS: 'wap' }, readFile);
    if (!r.ok) throw new Error(r.problems.join('; '));
    expect(configuredChannels(r.config)).toEqual(['wechat_jsapi', 'wechat_h5', 'wechat_native', 'alipay_wap']);
    expect(r.config.wechat?.notifyUrl).toBe('https://mall.example.com/api/payments/wechat/notify');
    expect(r.config.alipay?.notifyUrl).toBe('https://mall.example.com/api/payments/alipay/notify');
    expect([...(r.config.wechat?.verifiers.keys() ?? [])]).toEqual(['PUB_KEY_ID_0119000001092024']);
    expect(r.config.wechat?.merchantSerial).toBe('3775B6A45ACD588826D15E583A95F5DD');
  });

  it('leaves JSAPI out without the AppSecret that the snsapi_base exchange needs, and says so when asked for it', () => {
    const { MALL_WECHAT_APP_SECRET: _, ...noSecret } = WECHAT_ENV;
    const r = paymentsConfigFromEnv(noSecret, readFile);
    expect(r.ok && configuredChannels(r.config)).toEqual(['wechat_h5', 'wechat_native']);
    const asked = paymentsConfigFromEnv({ ...noSecret, MALL_WECHAT_CHANNELS: 'jsapi,native' }, readFile);
    expect(asked).toMatchObject({ ok: false, problems: [expect.stringContaining('MALL_WECHAT_APP_SECRET')] });
  });

  it('names what is missing or wrong instead of configuring half a gateway', () => {
    const { MALL_WECHAT_MERCHANT_KEY_FILE: _, ...partial } = WECHAT_ENV;
    expect(paymentsConfigFromEnv(partial, readFile)).toEqual({
      ok: false,
      problems: ['WeChat Pay is partly configured; missing MALL_WECHAT_MERCHANT_KEY_FILE'],
    });
    const wrong = paymentsConfigFromEnv(
      {
        ...WECHAT_ENV,
        ...ALIPAY_ENV,
        MALL_WECHAT_APIV3_KEY: 'short',
        MALL_WECHAT_CHANNELS: 'native,app',
        MALL_ALIPAY_SELLER_ID: '12345',
        MALL_ALIPAY_PUBLIC_KEY_FILE: '/keys/missing.pem',
        MALL_PAY_TIMEOUT_MS: '5s',
      },
      readFile,
    );
    expect(wrong.ok).toBe(false);
    const problems = wrong.ok ? [] : wrong.problems;
    for (const name of [
      'MALL_WECHAT_APIV3_KEY',
      'MALL_WECHAT_CHANNELS',
      'MALL_ALIPAY_SELLER_ID',
      'MALL_ALIPAY_PUBLIC_KEY_FILE',
      'MALL_PAY_TIMEOUT_MS',
    ]) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
    const { MALL_PAY_NOTIFY_BASE_URL: __, ...noBase } = ALIPAY_ENV;
    expect(paymentsConfigFromEnv(noBase, readFile)).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('MALL_PAY_NOTIFY_BASE_URL')],
    });
  });

  it('never prints a secret: JSON, String and util.inspect of the config show none of the key material', () => {
    const r = paymentsConfigFromEnv({ ...WECHAT_ENV, ...ALIPAY_ENV }, readFile);
    if (!r.ok) throw new Error(r.problems.join('; '));
    const printed = [JSON.stringify(r.config), String(r.config.wechat?.apiV3Key), inspect(r.config, { depth: 10 })];
    const keyBody = (pem: string) => pem.split('\n')[5] ?? 'x';
    for (const text of printed) {
      expect(text).not.toContain(APIV3);
      expect(text).not.toContain(APP_SECRET);
      expect(text).not.toContain(keyBody(merchant.privatePem));
      expect(text).not.toContain(keyBody(app.privatePem));
    }
    expect(JSON.parse(printed[0] ?? '{}')).toMatchObject({
      wechat: { apiV3Key: '[redacted]', appSecret: '[redacted]' },
    });
    expect(r.config.wechat?.apiV3Key.reveal().toString()).toBe(APIV3);
  });

  it('reads platform certificates by path and names them by their serial, beside a public key id', () => {
    const key = join(tmp, 'platform_key.pem');
    const cert = join(tmp, 'platform_cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-subj',
        '/CN=Tenpay.com Root CA',
        '-days',
        '1',
        '-set_serial',
        '0x5157F09EFDC096DE15EBE78A47057A2E',
      ],
      { stdio: 'ignore' },
    );
    const r = paymentsConfigFromEnv({ ...WECHAT_ENV, MALL_WECHAT_PLATFORM_CERT_FILES: cert }, (path) =>
      path === cert ? readFileSync(cert, 'utf8') : readFile(path),
    );
    if (!r.ok) throw new Error(r.problems.join('; '));
    expect([...(r.config.wechat?.verifiers.keys() ?? [])].sort()).toEqual([
      '5157F09EFDC096DE15EBE78A47057A2E',
      'PUB_KEY_ID_0119000001092024',
    ]);
  });
});
