import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { alipayDouble, type AlipayDouble } from './alipay-double';
import { cashierRoutes } from './cashier';
import { json, type DoubleRequest, type DoubleResponse, type Handler } from './http';
import { testApiV3Key, testKeyPair, testSerial, type TestKeyPair } from './keys';
import { wechatDouble, type WechatDouble } from './wechat-double';

export interface GatewayDoubleOptions {
  /** Retry delays are the documented ones divided by this (1000: WeChat's 15 s becomes 15 ms). */
  timeFactor?: number;
  /** A fixed port (a dev server's configuration names it); 0 or absent: a random one. */
  port?: number;
}

/** What a test needs to configure the real providers against the double (our side's keys included). */
export interface DoubleFixtures {
  wechat: {
    mchid: string;
    appid: string;
    appSecret: string;
    merchantSerial: string;
    merchant: TestKeyPair;
    apiV3Key: Buffer;
    /** The platform certificate serial and its key (certificate mode). */
    platformSerial: string;
    platform: TestKeyPair;
    /** The WeChat Pay public key id and its key (public-key mode). */
    publicKeyId: string;
    publicKey: TestKeyPair;
  };
  alipay: { appId: string; sellerId: string; app: TestKeyPair; alipay: TestKeyPair };
}

export interface GatewayDouble {
  /** Base URL with a trailing slash: WeChat's API base, the OAuth base, and `${url}gateway.do` for Alipay. */
  url: string;
  fixtures: DoubleFixtures;
  wechat: WechatDouble;
  alipay: AlipayDouble;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, r: DoubleResponse): void {
  res.writeHead(r.status, r.headers);
  res.end(r.body);
}

/**
 * A local stand-in for WeChat Pay API v3 and the Alipay openapi gateway on 127.0.0.1 (random port). It makes its
 * own RSA keys at start, checks OUR request signatures as the gateways do, signs its answers and notifications
 * with the gateways' algorithms, encrypts WeChat resources with the APIv3 key, and delivers notifications with the
 * documented retry schedules (compressed in time), duplicates and concurrent copies on request.
 */
export async function startGatewayDouble(options: GatewayDoubleOptions = {}): Promise<GatewayDouble> {
  const timeFactor = options.timeFactor ?? 1000;
  const w = {
    mchid: '1900000109',
    appid: 'wxd678efh567hg6787',
    appSecret: 'test-app-secret-0123456789abcdef',
    merchantSerial: testSerial(),
    merchant: testKeyPair(),
    apiV3Key: testApiV3Key(),
    platformSerial: testSerial(),
    platform: testKeyPair(),
    publicKeyId: 'PUB_KEY_ID_0119000001092024110800000000000001',
    publicKey: testKeyPair(),
  };
  const a = { appId: '2021000000000001', sellerId: '2088000000000001', app: testKeyPair(), alipay: testKeyPair() };
  let base = '';
  const baseUrl = () => base;
  const wechat = wechatDouble({
    mchid: w.mchid,
    appid: w.appid,
    appSecret: w.appSecret,
    merchantSerial: w.merchantSerial,
    merchantPublicKey: w.merchant.publicKey,
    apiV3Key: w.apiV3Key,
    signers: [
      { id: w.publicKeyId, privateKey: w.publicKey.privateKey as KeyObject },
      { id: w.platformSerial, privateKey: w.platform.privateKey },
    ],
    timeFactor,
    baseUrl,
  });
  const alipay = alipayDouble({
    appId: a.appId,
    sellerId: a.sellerId,
    appPublicKey: a.app.publicKey,
    alipayPrivateKey: a.alipay.privateKey,
    timeFactor,
    baseUrl,
  });
  const handlers: Handler[] = [wechat.handler, alipay.handler, cashierRoutes(wechat, alipay)];
  const server = createServer((req, res) => {
    void (async () => {
      const request: DoubleRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', base),
        headers: req.headers,
        rawBody: await readBody(req),
      };
      for (const h of handlers) {
        const r = await h(request);
        if (r !== undefined) return write(res, r);
      }
      write(res, json(404, { code: 'NOT_FOUND', message: request.url.pathname }));
    })().catch((err: unknown) => write(res, json(500, { code: 'SYSTEM_ERROR', message: String(err) })));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: base,
    fixtures: { wechat: w, alipay: a },
    wechat,
    alipay,
    async close() {
      wechat.notifier.close();
      alipay.notifier.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
