import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { Failure, errorMessage, errorStatus, type ErrorCode } from '../platform/errors';

/**
 * Everything the framework itself can refuse, answered in the one error shape `{"error": {"code", "message"}}`:
 * schema violations, unknown fields, the router's errors, unknown routes, unsupported methods, and what Node's HTTP
 * parser refuses before Fastify sees a request.
 */

export function lang(header: string | string[] | undefined): 'zh' | 'en' {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^en\b/i.test(value.trim()) ? 'en' : 'zh';
}

export function errorBody(code: ErrorCode, request: FastifyRequest, detail?: string) {
  // requestId: the same id as the request's log lines and its X-Request-Id header.
  return {
    error: {
      code,
      message: errorMessage(code, lang(request.headers['accept-language']), detail),
      requestId: request.id,
    },
  };
}

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `items/0/foo` for a field at `/items/0` named `foo`: the field a person would look for. */
function fieldName(instancePath: string, property: string): string {
  const parts = instancePath.split('/').filter((part) => part !== '');
  return [...parts, property].join('.');
}

const IDEMPOTENCY_HEADER = 'idempotency-key';

/** The code of a schema violation: unknown fields and a missing Idempotency-Key have their own. */
export function validationFailure(error: FastifyError): { code: ErrorCode; detail: string } {
  const first = (error.validation as AjvError[] | undefined)?.[0];
  const context = (error as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  const where = context === 'querystring' ? 'query parameter' : context === 'headers' ? 'header' : 'field';
  if (first?.keyword === 'additionalProperties' && typeof first.params.additionalProperty === 'string') {
    return {
      code: 'unknown_field',
      detail: `${where} "${fieldName(first.instancePath, first.params.additionalProperty)}"`,
    };
  }
  if (context === 'headers') {
    const missing = first?.keyword === 'required' && first.params.missingProperty === IDEMPOTENCY_HEADER;
    const empty = first?.keyword === 'minLength' && first.instancePath === `/${IDEMPOTENCY_HEADER}`;
    if (missing || empty) return { code: 'idempotency_key_required', detail: error.message };
  }
  return { code: 'invalid_request', detail: error.message };
}

/** The code and status of any error a request ends with; a bug is logged and answered as 500 internal. */
export function errorOutcome(
  error: FastifyError | Failure,
  request: FastifyRequest,
): { code: ErrorCode; status: number; detail?: string | undefined } {
  if (error instanceof Failure) return { code: error.code, status: errorStatus(error.code), detail: error.detail };
  if (error.validation !== undefined) {
    const { code, detail } = validationFailure(error);
    return { code, status: errorStatus(code), detail };
  }
  switch (error.statusCode) {
    case 429:
      return { code: 'rate_limited', status: 429 };
    case 413: {
      // A route that takes files names its own limit (an image upload answers image_too_large with the size).
      const tooLarge = request.routeOptions.config.tooLarge;
      return { code: tooLarge?.code ?? 'payload_too_large', status: 413, detail: tooLarge?.detail };
    }
    case 415:
      return { code: 'unsupported_media_type', status: 415 };
    case 414:
      return { code: 'uri_too_long', status: 414 };
    default:
      break;
  }
  // Any other client error the framework or a plugin raises (an empty JSON body with a JSON content type, a bad
  // content length, a static file refused) keeps its status under a stable code.
  if (error.statusCode === 404) return { code: 'not_found', status: 404 };
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { code: 'invalid_request', status: error.statusCode, detail: error.message };
  }
  request.log.error({ err: error }, 'request failed');
  return { code: 'internal', status: 500 };
}

/** Errors the router raises before any route runs: a path that does not decode, a path parameter over 100 characters. */
export function routerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const code: ErrorCode = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'uri_too_long' : 'invalid_request';
  const detail = code === 'invalid_request' ? 'the path is not valid' : undefined;
  void reply.status(errorStatus(code)).send(errorBody(code, request, detail));
}

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (a control character in a header, headers over
 * the size limit, a request that never finishes): there is no request to reply to, so the answer is written to the
 * socket as it is, in the one shape. No Accept-Language can be read from an unparsed request: the message is Chinese.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'request_timeout'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 'headers_too_large'
        : 'invalid_request';
  const status = errorStatus(code);
  // No request was parsed, so no id came with it: a fresh one still lets the caller quote this answer.
  const requestId = randomUUID();
  const body = JSON.stringify({ error: { code, message: errorMessage(code, 'zh'), requestId } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `X-Request-Id: ${requestId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * Which methods each known path answers, so a request to a known path with another method is 405 with `Allow`
 * instead of 404. Paths are matched as the router would: `:name` is one segment. Wildcard routes (the static web
 * apps) are left out: under them every path "exists" for GET, and a POST there is simply not found.
 */
export class MethodTable {
  private readonly paths = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  add(route: Pick<RouteOptions, 'method' | 'url'>): void {
    if (route.url.includes('*')) return;
    let entry = this.paths.get(route.url);
    if (entry === undefined) {
      const source = route.url
        .split('/')
        .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      entry = { pattern: new RegExp(`^${source}$`), methods: new Set() };
      this.paths.set(route.url, entry);
    }
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) entry.methods.add(method);
  }

  /** The methods the path answers, or undefined when no route has this path. */
  allowed(url: string): string[] | undefined {
    const path = url.split('?')[0] ?? '';
    const methods = new Set<string>();
    for (const { pattern, methods: known } of this.paths.values()) {
      if (pattern.test(path)) for (const method of known) methods.add(method);
    }
    return methods.size === 0 ? undefined : [...methods].sort();
  }
}

/** The router's limit on a path parameter (Fastify's maxParamLength). */
const MAX_PARAM_LENGTH = 100;

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * An unknown route: 405 with Allow when the path exists with other methods, else 404 not_found. A path a route has
 * with this very method lands here only when the router refused a parameter over the limit and the web apps'
 * wildcard (`/*`, present once the apps are built) caught it instead: that is 414, as it is without the apps.
 */
export function notFound(table: MethodTable, request: FastifyRequest, reply: FastifyReply): void {
  const allowed = table.allowed(request.url);
  const path = request.url.split('?')[0] ?? '';
  if (allowed?.includes(request.method) === true && path.split('/').some((s) => decoded(s).length > MAX_PARAM_LENGTH)) {
    void reply.status(414).send(errorBody('uri_too_long', request));
    return;
  }
  if (allowed !== undefined && !allowed.includes(request.method)) {
    void reply
      .status(405)
      .header('allow', allowed.join(', '))
      .send(errorBody('method_not_allowed', request, `${request.method}; allowed: ${allowed.join(', ')}`));
    return;
  }
  void reply.status(404).send(errorBody('not_found', request));
}
