import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PaymentChannel } from './gateway';
import { Secret } from './secret';

/**
 * Gateway configuration from environment variables (names in docs/payments.md). Key material is read from files
 * by path and held as KeyObjects inside Secrets, so a config object can be logged or serialised without leaking.
 * A gateway with none of its variables set is simply not configured; one with some set and others missing is an
 * error naming the missing variables, so a half-configured gateway never offers a channel that cannot work.
 */

export interface WechatPayConfig {
  mchid: string;
  appid: string;
  /** The merchant API certificate serial (signs our requests). */
  merchantSerial: string;
  merchantKey: Secret<KeyObject>;
  apiV3Key: Secret<Buffer>;
  /** snsapi_base code exchange needs the official account's AppSecret; without it JSAPI is not offered. */
  appSecret?: Secret<string>;
  /** Platform certificate serials and/or the WeChat Pay public key id (PUB_KEY_ID_...) -> public key. */
  verifiers: ReadonlyMap<string, KeyObject>;
  channels: readonly PaymentChannel[];
  apiBaseUrl: string;
  oauthBaseUrl: string;
  notifyUrl: string;
  transferSceneId?: string;
  timeoutMs: number;
}

export interface AlipayConfig {
  appId: string;
  /** The merchant's PID (2088...), the seller_id notifications must name. */
  sellerId: string;
  privateKey: Secret<string>;
  alipayPublicKey: string;
  channels: readonly PaymentChannel[];
  gatewayUrl: string;
  notifyUrl: string;
  returnUrl?: string;
  timeoutMs: number;
}

export interface PaymentsConfig {
  wechat?: WechatPayConfig;
  alipay?: AlipayConfig;
}

export type ConfigResult = { ok: true; config: PaymentsConfig } | { ok: false; problems: string[] };

type Env = Readonly<Record<string, string | undefined>>;
type ReadFile = (path: string) => string;

const WECHAT_CHANNELS = { jsapi: 'wechat_jsapi', h5: 'wechat_h5', native: 'wechat_native' } as const;
const ALIPAY_CHANNELS = { wap: 'alipay_wap', page: 'alipay_page' } as const;

export const DEFAULT_TIMEOUT_MS = 8000;

const WECHAT_REQUIRED = [
  'MALL_WECHAT_MCHID',
  'MALL_WECHAT_APPID',
  'MALL_WECHAT_MERCHANT_SERIAL',
  'MALL_WECHAT_MERCHANT_KEY_FILE',
  'MALL_WECHAT_APIV3_KEY',
] as const;
const WECHAT_OPTIONAL = [
  'MALL_WECHAT_APP_SECRET',
  'MALL_WECHAT_PUBLIC_KEY_ID',
  'MALL_WECHAT_PUBLIC_KEY_FILE',
  'MALL_WECHAT_PLATFORM_CERT_FILES',
  'MALL_WECHAT_CHANNELS',
  'MALL_WECHAT_API_BASE_URL',
  'MALL_WECHAT_OAUTH_BASE_URL',
  'MALL_WECHAT_TRANSFER_SCENE_ID',
] as const;
const ALIPAY_REQUIRED = [
  'MALL_ALIPAY_APP_ID',
  'MALL_ALIPAY_SELLER_ID',
  'MALL_ALIPAY_PRIVATE_KEY_FILE',
  'MALL_ALIPAY_PUBLIC_KEY_FILE',
] as const;
const ALIPAY_OPTIONAL = ['MALL_ALIPAY_CHANNELS', 'MALL_ALIPAY_GATEWAY_URL', 'MALL_ALIPAY_RETURN_URL'] as const;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function parseChannels<K extends string>(
  text: string | undefined,
  table: Readonly<Record<K, PaymentChannel>>,
  variable: string,
  problems: string[],
): PaymentChannel[] {
  if (text === undefined) return Object.values<PaymentChannel>(table);
  const out: PaymentChannel[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (!Object.hasOwn(table, part)) {
      problems.push(`${variable}: unknown channel "${part}" (allowed: ${Object.keys(table).join(', ')})`);
      continue;
    }
    const channel = table[part as K];
    if (!out.includes(channel)) out.push(channel);
  }
  return out;
}

function httpUrl(text: string, variable: string, problems: string[]): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'https:' || url.protocol === 'http:') return text;
  } catch {
    // reported below
  }
  problems.push(`${variable}: not an http(s) URL`);
  return text;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

interface Ctx {
  env: Env;
  readFile: ReadFile;
  problems: string[];
}

function readKey<T>(ctx: Ctx, path: string, variable: string, make: (pem: string) => T): T | undefined {
  const problems = ctx.problems;
  let pem: string;
  try {
    pem = ctx.readFile(path);
  } catch {
    problems.push(`${variable}: cannot read ${path}`);
    return undefined;
  }
  try {
    return make(pem);
  } catch {
    problems.push(`${variable}: ${path} holds no usable key`);
    return undefined;
  }
}

function timeout(env: Env, problems: string[]): number {
  const text = value(env, 'MALL_PAY_TIMEOUT_MS');
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  if (!/^[1-9][0-9]{2,5}$/.test(text)) {
    problems.push('MALL_PAY_TIMEOUT_MS: a whole number of milliseconds from 100 to 999999');
    return DEFAULT_TIMEOUT_MS;
  }
  return Number(text);
}

function missing(env: Env, names: readonly string[]): string[] {
  return names.filter((n) => value(env, n) === undefined);
}

function wechatConfig(ctx: Ctx, notifyBase: string, timeoutMs: number): WechatPayConfig | undefined {
  const { env, problems } = ctx;
  const v = (name: string) => value(env, name) ?? '';
  const apiV3Key = Buffer.from(v('MALL_WECHAT_APIV3_KEY'), 'utf8');
  if (apiV3Key.length !== 32) problems.push('MALL_WECHAT_APIV3_KEY: must be the 32-byte APIv3 key');
  const merchantKey = readKey(ctx, v('MALL_WECHAT_MERCHANT_KEY_FILE'), 'MALL_WECHAT_MERCHANT_KEY_FILE', (pem) =>
    createPrivateKey(pem),
  );
  const verifiers = new Map<string, KeyObject>();
  const pubKeyId = value(env, 'MALL_WECHAT_PUBLIC_KEY_ID');
  const pubKeyFile = value(env, 'MALL_WECHAT_PUBLIC_KEY_FILE');
  if ((pubKeyId === undefined) !== (pubKeyFile === undefined)) {
    problems.push('MALL_WECHAT_PUBLIC_KEY_ID and MALL_WECHAT_PUBLIC_KEY_FILE go together');
  } else if (pubKeyId !== undefined && pubKeyFile !== undefined) {
    if (!/^PUB_KEY_ID_[0-9A-Za-z]+$/.test(pubKeyId))
      problems.push('MALL_WECHAT_PUBLIC_KEY_ID: expected PUB_KEY_ID_...');
    const key = readKey(ctx, pubKeyFile, 'MALL_WECHAT_PUBLIC_KEY_FILE', (pem) => createPublicKey(pem));
    if (key !== undefined) verifiers.set(pubKeyId, key);
  }
  for (const path of (value(env, 'MALL_WECHAT_PLATFORM_CERT_FILES') ?? '').split(',').filter((p) => p.trim())) {
    const cert = readKey(ctx, path.trim(), 'MALL_WECHAT_PLATFORM_CERT_FILES', (pem) => new X509Certificate(pem));
    if (cert !== undefined) verifiers.set(cert.serialNumber.toUpperCase(), cert.publicKey);
  }
  if (verifiers.size === 0) {
    problems.push(
      'WeChat Pay needs MALL_WECHAT_PUBLIC_KEY_ID + MALL_WECHAT_PUBLIC_KEY_FILE or MALL_WECHAT_PLATFORM_CERT_FILES',
    );
  }
  const appSecretText = value(env, 'MALL_WECHAT_APP_SECRET');
  let channels = parseChannels(value(env, 'MALL_WECHAT_CHANNELS'), WECHAT_CHANNELS, 'MALL_WECHAT_CHANNELS', problems);
  // JSAPI pays with the shopper's openid, which only the snsapi_base exchange (AppSecret) gives us.
  if (appSecretText === undefined) {
    if (value(env, 'MALL_WECHAT_CHANNELS')?.includes('jsapi')) {
      problems.push('MALL_WECHAT_CHANNELS: jsapi needs MALL_WECHAT_APP_SECRET (openid by snsapi_base)');
    }
    channels = channels.filter((c) => c !== 'wechat_jsapi');
  }
  const sceneId = value(env, 'MALL_WECHAT_TRANSFER_SCENE_ID');
  if (merchantKey === undefined) return undefined;
  return {
    mchid: v('MALL_WECHAT_MCHID'),
    appid: v('MALL_WECHAT_APPID'),
    merchantSerial: v('MALL_WECHAT_MERCHANT_SERIAL').toUpperCase(),
    merchantKey: new Secret(merchantKey),
    apiV3Key: new Secret(apiV3Key),
    ...(appSecretText === undefined ? {} : { appSecret: new Secret(appSecretText) }),
    verifiers,
    channels,
    apiBaseUrl: withSlash(
      httpUrl(
        value(env, 'MALL_WECHAT_API_BASE_URL') ?? 'https://api.mch.weixin.qq.com/',
        'MALL_WECHAT_API_BASE_URL',
        problems,
      ),
    ),
    oauthBaseUrl: withSlash(
      httpUrl(
        value(env, 'MALL_WECHAT_OAUTH_BASE_URL') ?? 'https://api.weixin.qq.com/',
        'MALL_WECHAT_OAUTH_BASE_URL',
        problems,
      ),
    ),
    notifyUrl: `${notifyBase}/api/payments/wechat/notify`,
    ...(sceneId === undefined ? {} : { transferSceneId: sceneId }),
    timeoutMs,
  };
}

function alipayConfig(ctx: Ctx, notifyBase: string, timeoutMs: number): AlipayConfig {
  const { env, problems } = ctx;
  const v = (name: string) => value(env, name) ?? '';
  const privateKey = readKey(ctx, v('MALL_ALIPAY_PRIVATE_KEY_FILE'), 'MALL_ALIPAY_PRIVATE_KEY_FILE', (pem) => {
    createPrivateKey(pem);
    return pem;
  });
  const publicKey = readKey(ctx, v('MALL_ALIPAY_PUBLIC_KEY_FILE'), 'MALL_ALIPAY_PUBLIC_KEY_FILE', (pem) => {
    createPublicKey(pem);
    return pem;
  });
  if (!/^2088[0-9]{12}$/.test(v('MALL_ALIPAY_SELLER_ID'))) {
    problems.push('MALL_ALIPAY_SELLER_ID: the 16-digit PID starting 2088');
  }
  const returnUrl = value(env, 'MALL_ALIPAY_RETURN_URL');
  return {
    appId: v('MALL_ALIPAY_APP_ID'),
    sellerId: v('MALL_ALIPAY_SELLER_ID'),
    privateKey: new Secret(privateKey ?? ''),
    alipayPublicKey: publicKey ?? '',
    channels: parseChannels(value(env, 'MALL_ALIPAY_CHANNELS'), ALIPAY_CHANNELS, 'MALL_ALIPAY_CHANNELS', problems),
    gatewayUrl: httpUrl(
      value(env, 'MALL_ALIPAY_GATEWAY_URL') ?? 'https://openapi.alipay.com/gateway.do',
      'MALL_ALIPAY_GATEWAY_URL',
      problems,
    ),
    notifyUrl: `${notifyBase}/api/payments/alipay/notify`,
    ...(returnUrl === undefined ? {} : { returnUrl: httpUrl(returnUrl, 'MALL_ALIPAY_RETURN_URL', problems) }),
    timeoutMs,
  };
}

function anySet(env: Env, names: readonly string[]): boolean {
  return names.some((n) => value(env, n) !== undefined);
}

/** Reads the payment gateways' configuration (key files by path; `readFile` is replaceable for tests). */
export function paymentsConfigFromEnv(
  env: Env,
  readFile: ReadFile = (path) => readFileSync(path, 'utf8'),
): ConfigResult {
  const problems: string[] = [];
  const ctx: Ctx = { env, readFile, problems };
  const config: PaymentsConfig = {};
  const wantWechat = anySet(env, [...WECHAT_REQUIRED, ...WECHAT_OPTIONAL]);
  const wantAlipay = anySet(env, [...ALIPAY_REQUIRED, ...ALIPAY_OPTIONAL]);
  if (!wantWechat && !wantAlipay) return { ok: true, config };
  const notifyText = value(env, 'MALL_PAY_NOTIFY_BASE_URL');
  if (notifyText === undefined) problems.push('MALL_PAY_NOTIFY_BASE_URL: required when a gateway is configured');
  const notifyBase = httpUrl(notifyText ?? 'http://invalid', 'MALL_PAY_NOTIFY_BASE_URL', problems).replace(/\/+$/, '');
  const timeoutMs = timeout(env, problems);
  if (wantWechat) {
    const absent = missing(env, WECHAT_REQUIRED);
    if (absent.length > 0) problems.push(`WeChat Pay is partly configured; missing ${absent.join(', ')}`);
    else {
      const wechat = wechatConfig(ctx, notifyBase, timeoutMs);
      if (wechat !== undefined) config.wechat = wechat;
    }
  }
  if (wantAlipay) {
    const absent = missing(env, ALIPAY_REQUIRED);
    if (absent.length > 0) problems.push(`Alipay is partly configured; missing ${absent.join(', ')}`);
    else config.alipay = alipayConfig(ctx, notifyBase, timeoutMs);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}

/** The checkout offers exactly these channels: the configured gateways' channels, in a stable order. */
export function configuredChannels(config: PaymentsConfig): PaymentChannel[] {
  return [...(config.wechat?.channels ?? []), ...(config.alipay?.channels ?? [])];
}
