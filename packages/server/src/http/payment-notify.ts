import type { FastifyInstance } from 'fastify';
import { receiveGatewayNotification } from '../money/payments/notifications';
import type { GatewayName } from '../money/payments/gateway';
import type { AppContext } from './context';

/**
 * The gateways' notify URLs: `POST /api/payments/wechat/notify` (JSON) and `POST /api/payments/alipay/notify` (a
 * form). Both bodies stay as the exact bytes received, because the signatures are over them. The answer is the
 * gateway's own acknowledgement (WeChat: 204, or 4xx/5xx {"code":"FAIL"}; Alipay: the text `success` or `fail`),
 * not this API's error shape. A gateway that is not configured has no notify URL here (404).
 */
export async function paymentNotifyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // In this scope nothing is parsed: the provider verifies the exact bytes and parses them itself, so a malformed
  // body is the gateway's refusal answer, not this API's error shape.
  const keepRaw = (request: { rawBody?: string }, body: string | Buffer, done: (err: null, body: object) => void) => {
    request.rawBody = typeof body === 'string' ? body : body.toString('utf8');
    done(null, {});
  };
  app.removeContentTypeParser('application/json');
  for (const type of ['application/json', 'application/x-www-form-urlencoded', '*']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, keepRaw);
  }
  for (const gateway of ['wechat', 'alipay'] as const satisfies readonly GatewayName[]) {
    app.post(`/api/payments/${gateway}/notify`, { schema: { hide: true } }, async (request, reply) => {
      const ack = await receiveGatewayNotification(
        ctx.store.db,
        ctx.gateways,
        gateway,
        { headers: request.headers, rawBody: request.rawBody ?? '' },
        {
          info: (fields, message) => request.log.info(fields, message),
          warn: (fields, message) => request.log.warn(fields, message),
          error: (fields, message) => request.log.error(fields, message),
        },
      );
      if (ack === undefined) {
        return reply.status(404).send({ error: { code: 'not_found', message: 'Not found' } });
      }
      return reply.status(ack.status).header('content-type', ack.contentType).send(ack.body);
    });
  }
}
