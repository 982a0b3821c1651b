import type { FastifyRequest } from 'fastify';
import type { ErrorCode } from '../platform/errors';
import type { Permission } from '../platform/identity/permissions';
import type { OperationSpec } from './context';

type Schema = Record<string, unknown>;

/**
 * Options of an admin route: the permission it needs (null: any staff member; checked by the admin scope before the
 * body schema), its summary, request schemas, the 200 answer's schema, for a write its operation-log entry, and the
 * error codes its handler can answer beyond the admin kind's (see `errors` in route-errors.ts; left out, any code).
 */
export function staffRoute(
  permission: Permission | null,
  summary: string,
  extra: Record<string, unknown> = {},
  response?: Schema,
  operation?: OperationSpec,
  errors?: readonly ErrorCode[],
) {
  const needs = permission === null ? 'any staff' : permission;
  return {
    config: {
      permission,
      ...(operation === undefined ? {} : { operation }),
      ...(errors === undefined ? {} : { errors }),
    },
    schema: {
      tags: ['admin'],
      summary: `${summary} (${needs})`,
      ...extra,
      ...(response === undefined ? {} : { response: { 200: response } }),
    },
  };
}

/** Reads the target of a write from a path parameter (`:id` by default). */
export function byParam(name = 'id'): (request: FastifyRequest) => string | undefined {
  return (request) => (request.params as Record<string, string | undefined>)[name];
}

/** Reads the target of a create from the answer: `answer[key].id`. */
export function answerId(key: string): (answer: unknown) => string | undefined {
  return (answer) => {
    const value = (answer as Record<string, { id?: unknown } | undefined> | null)?.[key]?.id;
    return typeof value === 'string' ? value : undefined;
  };
}
