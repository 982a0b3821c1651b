import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import { planParamsComponents } from '../incentives/plans';
import { ERRORS, Failure, errorMessage, errorStatus, type ErrorCode } from '../platform/errors';
import { toWire } from '../platform/json';
import { errorSchema } from './schemas';
import type { AppContext, AppOptions } from './context';
import { staffFromHeaderOrCookie } from './context';
import { refuseHostileStrings, strictQueryIntegers } from './input-guards';
import { registerRoutes } from './routes';
import { registerSecurityHeaders } from './security-headers';
import { registerCompression } from './compression';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

function lang(header: string | string[] | undefined): 'zh' | 'en' {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^en\b/i.test(value.trim()) ? 'en' : 'zh';
}

export async function buildApp(ctx: AppContext, options: AppOptions): Promise<FastifyInstance> {
  const connectionTimeout = options.connectionTimeoutMs ?? 60_000;
  const app = Fastify({
    logger: { level: options.logLevel },
    bodyLimit: 1_048_576,
    // Fastify takes a hop count at run time too (its types omit it).
    trustProxy: (options.trustProxy ?? false) as boolean | string,
    // Slow or silent clients must not hold sockets: idle connections close, keep-alive is short, a request has a
    // deadline.
    connectionTimeout,
    keepAliveTimeout: Math.min(5_000, connectionTimeout),
    requestTimeout: connectionTimeout,
    // No coercion: a JSON body's integers must be JSON integers ("1e3", "Infinity", true, [1] are refused), and query
    // integers are converted from plain decimal digits only (strictQueryIntegers below).
    ajv: { customOptions: { removeAdditional: true, coerceTypes: false, useDefaults: true, allErrors: false } },
    // Errors the router raises before any route runs (a path that does not decode, a path parameter over 100
    // characters) answer in the same shape as every other error.
    frameworkErrors: (error, request, reply) => {
      const code: ErrorCode = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'uri_too_long' : 'invalid_request';
      const detail = code === 'invalid_request' ? 'the path is not valid' : undefined;
      const plain = reply as unknown as FastifyReply;
      void plain
        .status(errorStatus(code))
        .send({ error: { code, message: errorMessage(code, lang(request.headers['accept-language']), detail) } });
    },
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
    refuseHostileStrings(request);
    strictQueryIntegers(request);
  });

  if (options.production === true) {
    // The API's map is for staff in production: a staff token in the Authorization header or the admin app's cookie.
    app.addHook('onRequest', async (request) => {
      const path = request.url.split('?')[0] ?? '';
      if (path !== '/api/openapi.json' && path !== '/api/docs' && !path.startsWith('/api/docs/')) return;
      await staffFromHeaderOrCookie(ctx, request);
    });
  }

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
        // One schema per registered plan, so a plan added to core's registry documents its own parameters.
        schemas: planParamsComponents(),
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await registerRoutes(app, ctx, options);
  return app;
}
