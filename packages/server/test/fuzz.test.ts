import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/platform/db/database';
import { backends, expectLedgerHealthy, fundedInviter, registerShopper, staffToken, type TestServer } from './helpers';

/**
 * Issue 7 acceptance: a seeded, bounded fuzz of every body and query field of every route in the OpenAPI document
 * with hostile values. Never a 5xx, never a stack trace in a body, and a refused request changes nothing.
 */
interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  minimum?: number;
  minLength?: number;
  minItems?: number;
  anyOf?: SchemaNode[];
  pattern?: string;
}

interface Operation {
  method: string;
  path: string;
  body?: SchemaNode;
  query?: Record<string, SchemaNode>;
  /** Query parameters the route requires: sampled, so the unknown one is the only fault. */
  requiredQuery: string[];
  pathParams: string[];
  headers: string[];
}

const HOSTILE: unknown[] = [
  'Infinity',
  '1e999',
  '0x10',
  ' 1',
  true,
  [1],
  {},
  null,
  -1,
  1.5,
  2 ** 53,
  1e308,
  '\u0000',
  '\ud800',
  'x'.repeat(20_000),
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
  { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } },
];
const HOSTILE_QUERY = [
  'Infinity',
  '1e999',
  '0x10',
  '%201',
  '-1',
  '1.5',
  '%00',
  '%ED%A0%80',
  'x'.repeat(5000),
  "'%20OR%201=1",
];
const HOSTILE_PATH = ['%00', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(101), "'%20OR%201=1", '%ED%A0%80', '%F0%9F%98%80'];
/** Routes that end the fuzzer's own session are tested elsewhere. */
const SKIPPED = new Set(['POST /api/shop/logout', 'POST /api/admin/logout']);
/** Bounded: at most this many requests per route, picked by a seeded generator. */
const PER_ROUTE = 40;

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function sample(schema: SchemaNode | undefined): unknown {
  if (schema === undefined) return 'x';
  if (schema.anyOf !== undefined) return sample(schema.anyOf[0]);
  if (schema.enum !== undefined) return schema.enum[0];
  switch (schema.type) {
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) out[name] = sample(schema.properties?.[name]);
      return out;
    }
    default:
      if (schema.pattern === '^https?://') return 'https://example.com/';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
}

/** The route's required query parameters with sample values, then one it does not know. */
function queryWithUnknown(op: Operation): string {
  const query = new URLSearchParams();
  for (const name of op.requiredQuery) query.set(name, String(sample(op.query?.[name])));
  query.set('unknownParam', '1');
  return query.toString();
}

/** Every field path in a body: top-level properties and the properties of objects one level down. */
function fieldPaths(schema: SchemaNode | undefined, prefix: string[] = []): string[][] {
  if (schema?.type !== 'object' || schema.properties === undefined) return [];
  const out: string[][] = [];
  for (const [name, child] of Object.entries(schema.properties)) {
    out.push([...prefix, name]);
    if (prefix.length === 0) {
      if (child.type === 'object') out.push(...fieldPaths(child, [name]));
      if (child.type === 'array' && child.items?.type === 'object') out.push(...fieldPaths(child.items, [name, '0']));
    }
  }
  return out;
}

function withValue(base: unknown, path: string[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(base ?? {})) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = /^\d+$/.test(key) ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
  return copy;
}

function operations(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as {
        parameters?: { in: string; name: string; required?: boolean; schema?: SchemaNode }[];
        requestBody?: { content?: Record<string, { schema?: SchemaNode }> };
      };
      const params = op.parameters ?? [];
      const query: Record<string, SchemaNode> = {};
      for (const p of params) if (p.in === 'query') query[p.name] = p.schema ?? {};
      const requiredQuery = params.filter((p) => p.in === 'query' && p.required === true).map((p) => p.name);
      ops.push({
        method: method.toUpperCase(),
        path,
        body: op.requestBody?.content?.['application/json']?.schema,
        query,
        requiredQuery,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        headers: params.filter((p) => p.in === 'header').map((p) => p.name),
      });
    }
  }
  return ops;
}

/** A digest of everything a request could change. Failed sign-ins and wrong codes are counted on purpose. */
async function fingerprint(db: Db): Promise<string> {
  const hash = createHash('sha256');
  const tables = [
    'kv',
    'settings',
    'users',
    'staff',
    'sessions',
    'categories',
    'products',
    'skus',
    'orders',
    'order_items',
    'order_transitions',
    'payments',
    'accounts',
    'transfers',
    'withdrawals',
    'campaigns',
    'campaign_versions',
    'campaign_audit',
    'incentive_events',
    'plan_records',
    'pool_history',
    'idempotency',
    'roles',
    'operation_log',
    'uploads',
    'page_layouts',
  ] as const;
  for (const table of tables) {
    const rows = await db.selectFrom(table).selectAll().execute();
    const lines = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    hash.update(`${table}:${lines.sort().join('\n')}\n`);
  }
  return hash.digest('hex');
}

const STACK = /\bat [\w.<>]+ \(|\.(ts|js):\d+:\d+|node_modules/;

for (const backend of backends()) {
  describe(`hostile values on every route (${backend.name})`, () => {
    let t: TestServer;
    let shop: string;
    let admin: string;
    beforeAll(async () => {
      t = await backend.start();
      admin = await staffToken(t);
      await fundedInviter(t, admin);
      shop = (await registerShopper(t)).token;
    });
    afterAll(() => t.close());

    it('never answers 5xx or a stack trace, and a refused request changes nothing', async () => {
      const doc = (await t.api('GET', '/api/openapi.json')).body as unknown as {
        paths: Record<string, Record<string, unknown>>;
      };
      const ops = operations(doc).filter((op) => !SKIPPED.has(`${op.method} ${op.path}`));
      expect(ops.length).toBeGreaterThan(40);
      const random = mulberry32(20261129);
      let sent = 0;
      const problems: string[] = [];
      for (const op of ops) {
        const token = op.path.startsWith('/api/admin/') ? admin : op.path.startsWith('/api/shop/') ? shop : undefined;
        const base = op.body === undefined ? undefined : sample(op.body);
        const cases: { path: string; body?: unknown; raw?: string }[] = [];
        const plainPath = op.pathParams.reduce((p, name) => p.replace(`{${name}}`, 'x'), op.path);
        for (const field of fieldPaths(op.body)) {
          for (const value of HOSTILE) cases.push({ path: plainPath, body: withValue(base, field, value) });
        }
        if (op.body !== undefined) {
          cases.push({ path: plainPath, body: { ...(base as object), unknownField: 'x' } });
          for (const whole of [[], 'x', 1, null, true]) cases.push({ path: plainPath, body: whole });
          cases.push({ path: plainPath, raw: '{"a": ' });
        }
        for (const name of Object.keys(op.query ?? {})) {
          for (const value of HOSTILE_QUERY) cases.push({ path: `${plainPath}?${name}=${value}` });
          cases.push({ path: `${plainPath}?${name}=1&${name}=2` });
        }
        for (const name of op.pathParams) {
          for (const value of HOSTILE_PATH) cases.push({ path: op.path.replace(`{${name}}`, value) });
        }
        // Seeded pick of at most PER_ROUTE cases, so the run is bounded and repeatable.
        while (cases.length > PER_ROUTE) cases.splice(random() % cases.length, 1);
        for (const c of cases) {
          const headers: Record<string, string> = {};
          if (op.headers.includes('idempotency-key')) headers['idempotency-key'] = `fuzz-${sent}`;
          if (c.raw !== undefined) headers['content-type'] = 'application/json';
          const before = await fingerprint(t.server.store.db);
          const answer = await t.api(op.method, c.path, {
            ...(token === undefined ? {} : { token }),
            headers,
            ...(c.raw !== undefined ? { body: c.raw } : c.body !== undefined ? { body: c.body } : {}),
          });
          sent += 1;
          const where = `${op.method} ${c.path.slice(0, 120)} ${JSON.stringify(c.body ?? c.raw ?? null).slice(0, 120)}`;
          if (answer.status >= 500) problems.push(`${answer.status} ${where}`);
          if (STACK.test(JSON.stringify(answer.body))) problems.push(`stack trace in ${where}`);
          if (answer.status >= 400) {
            if (answer.body.error?.code === undefined) problems.push(`no error code in ${answer.status} ${where}`);
            if ((await fingerprint(t.server.store.db)) !== before) problems.push(`state changed by ${where}`);
          }
        }
      }
      expect(problems).toEqual([]);
      expect(sent).toBeGreaterThan(1000);
      await expectLedgerHealthy(t);
    }, 600_000);

    it('refuses an unknown body field and query parameter on every route, and other methods on every path with 405', async () => {
      const doc = (await t.api('GET', '/api/openapi.json')).body as unknown as {
        paths: Record<string, Record<string, unknown>>;
      };
      const ops = operations(doc).filter((op) => !SKIPPED.has(`${op.method} ${op.path}`));
      const problems: string[] = [];
      const before = await fingerprint(t.server.store.db);
      for (const op of ops) {
        const token = op.path.startsWith('/api/admin/') ? admin : op.path.startsWith('/api/shop/') ? shop : undefined;
        const path = op.pathParams.reduce((p, name) => p.replace(`{${name}}`, 'x'), op.path);
        const headers: Record<string, string> = op.headers.includes('idempotency-key')
          ? { 'idempotency-key': 'u' }
          : {};
        const auth = token === undefined ? {} : { token };
        const cases =
          op.body === undefined
            ? [{ url: `${path}?${queryWithUnknown(op)}`, field: 'unknownParam' }]
            : [{ url: path, body: { ...(sample(op.body) as object), unknownField: 'x' }, field: 'unknownField' }];
        for (const c of cases) {
          const answer = await t.api(op.method, c.url, { ...auth, headers, ...('body' in c ? { body: c.body } : {}) });
          const error = answer.body.error;
          if (answer.status !== 422 || error?.code !== 'unknown_field' || !error.message.includes(c.field)) {
            problems.push(`${op.method} ${c.url}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
          }
        }
      }
      const byPath = new Map<string, Set<string>>();
      for (const op of operations(doc)) byPath.set(op.path, (byPath.get(op.path) ?? new Set()).add(op.method));
      for (const template of byPath.keys()) {
        const path = template.replace(/\{[^}]+\}/g, 'x');
        // A method another route answers on this very path (GET /orders/expire-unpaid is GET /orders/{id}) is no 405.
        const answered = (method: string) =>
          [...byPath].some(
            ([other, known]) => known.has(method) && new RegExp(`^${other.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
          );
        const other = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].find((m) => !answered(m));
        if (other === undefined) continue;
        // Allow lists every method of every route that has this path.
        const all = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter(answered);
        const allow = [...all, ...(all.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
        const response = await fetch(`${t.url}${path}`, { method: other });
        const body = (await response.json()) as { error?: { code?: string } };
        if (
          response.status !== 405 ||
          response.headers.get('allow') !== allow ||
          body.error?.code !== 'method_not_allowed'
        ) {
          problems.push(
            `${other} ${path}: ${response.status} allow=${response.headers.get('allow')} ${JSON.stringify(body)}`,
          );
        }
      }
      expect(problems).toEqual([]);
      expect(await fingerprint(t.server.store.db)).toBe(before);
    }, 120_000);
  });
}
