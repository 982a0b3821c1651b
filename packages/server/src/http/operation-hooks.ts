import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordOperation } from '../platform/operation-log';
import { staffOf, type AppContext, type OperationSpec } from './context';
import { SNAPSHOTS } from './operation-snapshots';

/**
 * Every admin write lands in the operation log from one place: the route states what it changes (`config.operation`),
 * this hook reads the entity's state just before the handler runs and again once it has answered, then writes one row
 * per changed entity before the answer leaves. The states are read through the same domain functions the console
 * reads, so "before" and "after" are the entity, never the request body. A write whose route states nothing is still
 * logged, by method and path (a test lists such routes so they get a spec).
 */
interface Pending {
  ids: string[];
  before: Map<string, unknown>;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return [...new Set(Array.isArray(value) ? value : [value])];
}

const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ===
  JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

export function operationHooks(scope: FastifyInstance, ctx: AppContext): void {
  const pending = new WeakMap<FastifyRequest, Pending>();
  const answers = new WeakMap<FastifyRequest, unknown>();

  async function targets(request: FastifyRequest, spec: OperationSpec): Promise<string[]> {
    if (spec.target !== undefined) return list(await spec.target(request));
    // A staff member's own account (password, two-step sign-in) when the route names no other.
    if (spec.entity === 'staff') return [(await staffOf(ctx, request)).id];
    if (spec.entity === 'settings') return ['mall'];
    if (spec.entity === 'levels') return ['ladder'];
    return [];
  }

  scope.addHook('preHandler', async (request) => {
    const spec = request.routeOptions.config.operation;
    if (READS.has(request.method) || spec === undefined || spec.entity === null) return;
    const ids = await targets(request, spec);
    const before = new Map<string, unknown>();
    for (const id of ids) before.set(id, await SNAPSHOTS[spec.entity](ctx, id));
    pending.set(request, { ids, before });
  });

  scope.addHook('preSerialization', async (request, _reply, payload) => {
    if (!READS.has(request.method)) answers.set(request, payload);
    return payload;
  });

  scope.addHook('onSend', async (request, reply, payload) => {
    if (READS.has(request.method) || reply.statusCode >= 400 || request.routeOptions.config.public === true) {
      return payload;
    }
    const staff = await staffOf(ctx, request).catch(() => undefined);
    if (staff === undefined) return payload;
    const spec = request.routeOptions.config.operation;
    if (spec?.readOnly === true) return payload;
    const base = {
      staffId: staff.id,
      staffUsername: staff.username,
      ip: request.ip,
      method: request.method,
      path: request.url,
    };
    const answer = answers.get(request);
    if (spec === undefined || spec.entity === null) {
      await recordOperation(ctx.store.db, {
        ...base,
        action: spec?.action ?? `${request.method} ${request.routeOptions.url ?? request.url}`,
        entity: '',
        entityId: '',
        before: null,
        after: spec === undefined ? null : answer,
      });
      return payload;
    }
    const known = pending.get(request) ?? { ids: [], before: new Map<string, unknown>() };
    const ids = [...new Set([...known.ids, ...list(spec.answerTarget?.(answer))])];
    for (const id of ids) {
      const before = known.before.get(id);
      const after = await SNAPSHOTS[spec.entity](ctx, id);
      // A batch names rows that did not change (a refused line, an unknown id): only changes are logged.
      if (ids.length > 1 && same(before, after)) continue;
      await recordOperation(ctx.store.db, {
        ...base,
        action: spec.action,
        entity: spec.entity,
        entityId: id,
        before: before ?? null,
        after: after ?? null,
      });
    }
    return payload;
  });
}
