import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { fail } from '../platform/errors';
import { getPayment, receivePaymentNotification } from '../money/payments/payments';
import { SANDBOX_SIGNATURE_HEADER, signSandbox, type SandboxNotification } from '../money/payments/sandbox';
import type { AppContext } from './context';
import { idParam, obj, paymentSchema, str, bool } from './schemas';

const tags = ['sandbox gateway'];
export const SANDBOX_NOTIFY_PATH = '/api/payments/sandbox/notify';
/** What applying a (signed) payment notification can refuse. */
const NOTIFICATION_ERRORS = [
  'payment_not_found',
  'channel_unavailable',
  'invalid_signature',
  'amount_mismatch',
] as const;

export async function sandboxRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const db = ctx.store.db;
  const secret = ctx.sandboxSecret;
  if (secret === undefined) throw new Error('the sandbox routes need the sandbox gateway (demo mode)');

  /** The notify endpoint's work: verify the signature over the raw bytes, then apply the payment exactly once. */
  const receiveNotification = async (
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
    log: FastifyBaseLogger,
  ): Promise<{ code: string }> => {
    const { paymentId, outcome } = await receivePaymentNotification(db, ctx.providers, 'sandbox', headers, rawBody);
    log.info({ paymentId, outcome }, 'sandbox notification');
    return { code: 'SUCCESS' };
  };

  app.get<{ Params: { id: string } }>(
    '/api/sandbox/payments/:id',
    {
      config: { errors: ['payment_not_found'] },
      schema: {
        tags,
        security: [],
        summary: 'The sandbox gateway page data',
        params: idParam,
        response: { 200: obj({ payment: paymentSchema }) },
      },
    },
    async (request) => {
      const p = await getPayment(db, request.params.id);
      if (p.channel !== 'sandbox') fail('payment_not_found');
      return {
        payment: {
          id: p.id,
          orderId: p.order_id,
          channel: p.channel,
          amountFen: p.amount_fen,
          status: p.status,
          merchantName: '商城演示店 Mall Demo',
        },
      };
    },
  );

  /**
   * Plays the gateway: builds the success notification, signs it with the sandbox secret and hands the signed bytes
   * to the notify endpoint's handler (signature verified over the raw body, then applied exactly once), the same
   * code a real gateway's notification runs, without a second trip through the HTTP layer.
   */
  app.post<{ Params: { id: string } }>(
    '/api/sandbox/payments/:id/succeed',
    {
      config: { errors: NOTIFICATION_ERRORS },
      schema: {
        tags,
        security: [],
        summary: 'Sandbox gateway: send the signed success notification',
        params: idParam,
        response: { 200: obj({ ok: bool }, ['ok']) },
      },
    },
    async (request) => {
      const p = await getPayment(db, request.params.id);
      if (p.channel !== 'sandbox') fail('payment_not_found');
      const notification: SandboxNotification = {
        paymentId: p.id,
        orderId: p.order_id,
        amountFen: Number(p.amount_fen),
        status: 'SUCCESS',
        providerTxn: `sbx_${p.id}`,
        timestamp: new Date().toISOString(),
      };
      const raw = JSON.stringify(notification);
      await receiveNotification(
        { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: signSandbox(secret, raw) },
        raw,
        request.log,
      );
      return { ok: true };
    },
  );

  app.post(
    SANDBOX_NOTIFY_PATH,
    {
      config: { errors: NOTIFICATION_ERRORS },
      schema: {
        tags,
        security: [],
        summary:
          'Payment notification endpoint of the sandbox gateway (HMAC-SHA256 over the raw body in x-sandbox-signature)',
        response: { 200: obj({ code: str() }, ['code']) },
      },
    },
    async (request) => receiveNotification(request.headers, request.rawBody ?? '', request.log),
  );
}
