import type { FastifyRequest } from 'fastify';
import { fail } from '../platform/errors';

/**
 * What every request must be before any schema or handler sees it. PostgreSQL cannot store a NUL byte in text and
 * both databases would store a lone surrogate as invalid UTF-8, so such strings are refused at the edge, with the
 * other C0 control characters (tab, line feed and carriage return stay: addresses and descriptions use them).
 */
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** No request schema nests deeper than a few levels; anything far deeper is an attack on the walker or the parser. */
const MAX_DEPTH = 32;

function checkString(value: string, where: string): void {
  if (FORBIDDEN.test(value)) fail('invalid_request', `${where} contains a control character or an invalid character`);
}

/** Walks a parsed JSON value without recursion, checking every string and key, and refusing deep nesting. */
function checkValue(root: unknown, where: string): void {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value === 'string') {
      checkString(value, where);
      continue;
    }
    // A file upload's raw bytes are the route's to check (magic bytes, a parser), not text.
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) continue;
    if (depth >= MAX_DEPTH) fail('invalid_request', `${where} is nested too deeply`);
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
    } else {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        checkString(key, where);
        stack.push({ value: item, depth: depth + 1 });
      }
    }
  }
}

export function refuseHostileStrings(request: FastifyRequest): void {
  checkValue(request.body, 'the body');
  checkValue(request.query, 'the query');
  checkValue(request.params, 'the path');
}

interface PropertySchema {
  type?: unknown;
}

const DECIMAL = /^(0|[1-9][0-9]{0,14})$/;

/**
 * Query strings arrive as text and the validator no longer coerces types, so a query field the route declares an
 * integer is converted here, from plain decimal digits only: "Infinity", "1e3", "0x10", " 1" and "-0" stay text
 * and the schema refuses them with 400.
 */
export function strictQueryIntegers(request: FastifyRequest): void {
  const schema = request.routeOptions.schema?.querystring as
    { properties?: Record<string, PropertySchema> } | undefined;
  const properties = schema?.properties;
  const query = request.query as Record<string, unknown> | undefined;
  if (properties === undefined || query === undefined || query === null) return;
  for (const [name, property] of Object.entries(properties)) {
    const value = query[name];
    if (property.type === 'integer' && typeof value === 'string' && DECIMAL.test(value)) query[name] = Number(value);
  }
}
