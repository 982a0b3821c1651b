import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import { ERRORS, Failure, errorMessage, errorStatus, type ErrorCode } from '../errors';
import { toWire } from './json';
import { errorSchema } from './schemas';
import type { AppContext } from './context';
import { shopRoutes } from './shop-routes';
import { adminRoutes } from './admin-routes';
import { sandboxRoutes } from './sandbox-routes';
import { simulationRoutes } from './simulation-routes';
import { staticRoutes } from './static-routes';
import { registerSecurityHeaders } from './security-headers';
import { registerCompression } from './compression';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

export interface AppOptions {
  logLevel: string;
  /** Login and register attempts per IP per minute. */
  authRateLimitPerMinute: number;
  webRoot?: string | undefined;
  /** MALL_ENV=production: served behind TLS, so HSTS is sent. */
  production?: boolean;
}

function lang(header: string | string[] | undefined): 'zh' | 'en' {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^en\b/i.test(value.trim()) ? 'en' : 'zh';
}

export async function buildApp(ctx: AppContext, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel },
    bodyLimit: 1_048_576,
    ajv: { customOptions: { removeAdditional: true, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });
  registerSecurityHeaders(app, options.production === true);
  await registerCompression(app);

  // Keep the exact request bytes: payment notifications are verified over the raw body, never re-serialised JSON.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(new Failure('invalid_request', 'malformed JSON'), undefined);
    }
  });

  // A POST without a body is an empty object to the schemas, so optional-body routes accept it and required fields
  // still answer 400.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && (request.method === 'POST' || request.method === 'PUT')) request.body = {};
  });

  app.addHook('preSerialization', async (_request, _reply, payload) => toWire(payload));

  // Every documented route answers errors in one shape; say so in the OpenAPI document.
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { hide?: boolean; response?: Record<string, unknown> } | undefined;
    if (schema === undefined || schema.hide === true) return;
    schema.response = { ...(schema.response ?? {}), '4xx': errorSchema };
  });

  app.setErrorHandler((error: FastifyError | Failure, request, reply) => {
    const language = lang(request.headers['accept-language']);
    let code: ErrorCode;
    let detail: string | undefined;
    let status: number;
    if (error instanceof Failure) {
      code = error.code;
      detail = error.detail;
      status = errorStatus(code);
    } else if (error.validation !== undefined) {
      code = 'invalid_request';
      detail = error.message;
      status = 400;
    } else if (error.statusCode === 429) {
      code = 'rate_limited';
      status = 429;
    } else if (error.statusCode === 413) {
      code = 'payload_too_large';
      status = 413;
    } else if (error.statusCode === 415) {
      code = 'unsupported_media_type';
      status = 415;
    } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      code = 'invalid_request';
      detail = error.message;
      status = error.statusCode;
    } else {
      request.log.error({ err: error }, 'request failed');
      code = 'internal';
      status = 500;
    }
    void reply.status(status).send({ error: { code, message: errorMessage(code, language, detail) } });
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { code: 'not_found', message: errorMessage('not_found', lang(request.headers['accept-language'])) },
    });
  });

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      error: 'rate_limited',
      message: ERRORS.rate_limited[2],
    }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Mall API',
        version: '0.1.0',
        description:
          'Shop, admin and sandbox gateway routes. Amounts in integer fen, points in micro-points, rates in bps. Errors: {"error": {"code", "message"}}.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (scope) => shopRoutes(scope, ctx, options));
  await app.register(async (scope) => adminRoutes(scope, ctx, options.authRateLimitPerMinute));
  await app.register(async (scope) => sandboxRoutes(scope, ctx));
  await app.register(async (scope) => simulationRoutes(scope, ctx));
  await staticRoutes(app, options.webRoot);
  return app;
}
