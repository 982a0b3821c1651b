import type { FastifySchema, RouteOptions } from 'fastify';
import { ERRORS, type ErrorCode } from '../platform/errors';
import { errorSchema, type Schema } from './schemas';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The codes this route's handler (and the domain functions it calls) can fail with, beyond those every route of
     * its kind can answer (`kindErrors`). The OpenAPI document lists each status with exactly these codes, and the
     * contract check of the HTTP tests fails a test whose answer carries a code the route does not declare.
     * Left out: the route may answer any code of the table, and its document says so.
     */
    errors?: readonly ErrorCode[];
  }
}

type RouteLike = Pick<RouteOptions, 'method' | 'url'> & {
  config?: { public?: boolean; rateLimit?: unknown; errors?: readonly ErrorCode[] } | undefined;
  schema?: { headers?: unknown } | undefined;
};

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function requiresHeader(route: RouteLike, name: string): boolean {
  const headers = route.schema?.headers as { required?: string[] } | undefined;
  return headers?.required?.includes(name) === true;
}

/** What any route of this kind can answer, whatever its handler does. */
export function kindErrors(route: RouteLike): ErrorCode[] {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  // Every route: a schema violation or hostile string (400), an unknown field or query parameter (422), a bug (500).
  const codes: ErrorCode[] = ['invalid_request', 'unknown_field', 'internal'];
  if (methods.some((m) => BODY_METHODS.has(m))) codes.push('payload_too_large', 'unsupported_media_type');
  if (route.url.includes(':')) codes.push('uri_too_long');
  const signedIn = route.config?.public !== true;
  if (signedIn && (route.url.startsWith('/api/shop/') || route.url.startsWith('/api/admin/'))) {
    codes.push('unauthorized');
    if (route.url.startsWith('/api/admin/')) codes.push('forbidden');
  }
  if (route.config?.rateLimit !== undefined) codes.push('rate_limited');
  if (requiresHeader(route, 'idempotency-key')) codes.push('idempotency_key_required');
  return codes;
}

const ALL_CODES = Object.keys(ERRORS) as ErrorCode[];

/** Every code the route can answer: its kind's and its declared ones (or, undeclared, every code of the table). */
export function routeErrorCodes(route: RouteLike): ErrorCode[] {
  const declared = route.config?.errors ?? ALL_CODES;
  return [...new Set([...kindErrors(route), ...declared])];
}

/** The error answers of a route by status, each listing the codes it can carry. */
export function errorResponses(codes: readonly ErrorCode[]): Record<string, Schema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERRORS[code][0];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, Schema> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = { description: `Error: ${list.join(', ')}`, ...errorSchema(list.sort()) };
  }
  return out;
}

/**
 * The swagger transform: each documented route gets its error answers. They live in the document only, not in the
 * route's response schemas, so Fastify compiles no serializer per error status.
 */
export function documentErrors({ schema, url, route }: { schema: FastifySchema; url: string; route: RouteLike }): {
  schema: FastifySchema;
  url: string;
} {
  // A route without a schema is one the document does not show (the web apps' files).
  if ((schema as FastifySchema | undefined) === undefined) return { schema, url };
  const response = (schema.response ?? {}) as Record<string, unknown>;
  return { url, schema: { ...schema, response: { ...response, ...errorResponses(routeErrorCodes(route)) } } };
}
