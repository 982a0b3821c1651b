import { generateKeyPairSync } from 'node:crypto';
import type { PaymentsConfig } from '../src/money/payments/config';
import { Secret } from '../src/money/payments/secret';

/**
 * A production mall needs a real payment channel to start: an Alipay configuration with fresh keys whose gateway
 * nobody answers, for tests about production mode that take no payment through it.
 */
export function productionPayments(): PaymentsConfig {
  const key = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
  const app = key();
  const alipay = key();
  return {
    alipay: {
      appId: '2021000000000009',
      sellerId: '2088000000000009',
      privateKey: new Secret(app.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      alipayPublicKey: alipay.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      channels: ['alipay_wap'],
      gatewayUrl: 'http://127.0.0.1:9/gateway.do',
      notifyUrl: 'https://mall.example.com/api/payments/alipay/notify',
      timeoutMs: 1000,
    },
  };
}
