import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import { planParamsComponents } from '../incentives/plans';
import { ERRORS, Failure } from '../platform/errors';
import { toWire } from '../platform/json';
import { MethodTable, clientErrorHandler, errorBody, errorOutcome, notFound, routerError } from './framework-errors';
import { documentErrors } from './route-errors';
import type { AppContext, AppOptions } from './context';
import { staffFromHeaderOrCookie } from './context';
import { refuseHostileStrings, strictQueryIntegers } from './input-guards';
import { registerRoutes } from './routes';
import { registerSecurityHeaders } from './security-headers';
import { registerCompression } from './compression';
import { databaseRateLimitStore } from '../platform/rate-limit-store';
import { observeRequest } from '../platform/metrics';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/** An incoming X-Request-Id is kept when it is short and plain (a proxy's or a caller's id); otherwise a new one. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

function requestIdOf(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value !== undefined && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

export async function buildApp(ctx: AppContext, options: AppOptions): Promise<FastifyInstance> {
  const connectionTimeout = options.connectionTimeoutMs ?? 60_000;
  const app = Fastify({
    logger: { level: options.logLevel },
    bodyLimit: 1_048_576,
    // Every log line of a request carries this id as reqId, and every error body as error.requestId.
    genReqId: (request) => requestIdOf(request.headers['x-request-id']),
    // Fastify takes a hop count at run time too (its types omit it).
    trustProxy: (options.trustProxy ?? false) as boolean | string,
    // Slow or silent clients must not hold sockets: idle connections close, keep-alive is short, a request has a
    // deadline.
    connectionTimeout,
    keepAliveTimeout: Math.min(5_000, connectionTimeout),
    requestTimeout: connectionTimeout,
    // No coercion: a JSON body's integers must be JSON integers ("1e3", "Infinity", true, [1] are refused), and query
    // integers are converted from plain decimal digits only (strictQueryIntegers below). Nothing is removed either:
    // an unknown field, anywhere in a body or in the query string, is refused (422 unknown_field) instead of being
    // silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false } },
    // Errors the router raises before any route runs (a path that does not decode, a path parameter over 100
    // characters) and what Node's HTTP parser refuses answer in the same shape as every other error.
    frameworkErrors: (error, request, reply) => routerError(error, request, reply as unknown as FastifyReply),
    clientErrorHandler,
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

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  app.addHook('preSerialization', async (_request, _reply, payload) => toWire(payload));

  const methods = new MethodTable();
  app.addHook('onRoute', (route) => {
    methods.add(route);
    // A documented route's query string is closed, as a body is: one without a query schema takes no parameters,
    // one whose schema does not say otherwise takes only the parameters it names; any other is an unknown field.
    const schema = route.schema as { hide?: boolean; querystring?: Record<string, unknown> } | undefined;
    if (schema === undefined || schema.hide === true) return;
    if (schema.querystring === undefined) {
      schema.querystring = { type: 'object', properties: {}, additionalProperties: false };
    } else if (!('additionalProperties' in schema.querystring)) {
      schema.querystring.additionalProperties = false;
    }
  });

  app.setErrorHandler((error: FastifyError | Failure, request, reply) => {
    const { code, status, detail } = errorOutcome(error, request);
    void reply.status(status).send(errorBody(code, request, detail));
  });

  // An unknown path is 404; a known path asked with a method it does not answer is 405 with Allow.
  app.setNotFoundHandler((request, reply) => notFound(methods, request, reply));

  await app.register(rateLimit, {
    global: false,
    // Several processes share one PostgreSQL, so they share the count there; SQLite runs one process, counted in memory.
    ...(ctx.store.dialect === 'postgres' ? { store: databaseRateLimitStore(ctx.store.db) } : {}),
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      error: 'rate_limited',
      message: ERRORS.rate_limited[2],
    }),
  });

  await app.register(swagger, {
    // Every documented route's error answers, by status, with the codes each can carry (route-errors.ts).
    transform: documentErrors,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Mall API',
        version: '0.1.0',
        description:
          'Shop, admin and sandbox gateway routes. Amounts in integer fen, points in micro-points, rates in bps. ' +
          'Errors: {"error": {"code", "message", "requestId"}} on every 4xx and 5xx, framework errors included. An unknown body ' +
          'field or query parameter is 422 unknown_field; a known path asked with another method is 405 ' +
          'method_not_allowed with Allow; an unknown path is 404 not_found.',
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
