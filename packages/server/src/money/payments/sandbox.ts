import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PaymentIntent, PaymentProvider, VerifiedNotification } from './provider';

export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';

export interface SandboxNotification {
  paymentId: string;
  orderId: string;
  amountFen: number;
  status: 'SUCCESS';
  providerTxn: string;
  timestamp: string;
}

export function signSandbox(secret: string, rawBody: string): string {
  return createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex');
}

/**
 * The sandbox gateway: HMAC-SHA256 over the exact body bytes with a per-installation secret, like the real
 * gateways sign theirs. It verifies the raw text, never re-serialised JSON.
 */
export function sandboxProvider(secret: string): PaymentProvider {
  return {
    channel: 'sandbox',
    payUrl: (intent: PaymentIntent) => `/#/pay/sandbox/${intent.paymentId}`,
    verify(headers, rawBody): VerifiedNotification | undefined {
      const given = headers[SANDBOX_SIGNATURE_HEADER];
      if (typeof given !== 'string' || !/^[0-9a-f]{64}$/.test(given)) return undefined;
      const expected = Buffer.from(signSandbox(secret, rawBody), 'hex');
      if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return undefined;
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        return undefined;
      }
      const n = body as Partial<SandboxNotification>;
      if (n.status !== 'SUCCESS' || typeof n.paymentId !== 'string' || typeof n.providerTxn !== 'string')
        return undefined;
      if (typeof n.amountFen !== 'number' || !Number.isSafeInteger(n.amountFen) || n.amountFen < 0) return undefined;
      return { paymentId: n.paymentId, amountFen: BigInt(n.amountFen), providerTxn: n.providerTxn };
    },
  };
}
