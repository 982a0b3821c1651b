import type { FastifyInstance } from 'fastify';
import type { Permission } from '../platform/identity/permissions';

/**
 * The admin routes as registered: each with the permission it declares (undefined: it declares none and checks in its
 * handler) and whether it states its operation-log entry. The permission list the role editor offers comes from here.
 */
export interface AdminRouteInfo {
  method: string;
  url: string;
  permission: Permission | null | undefined;
  logged: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    adminRoutes: AdminRouteInfo[];
  }
}

export function collectAdminRoutes(scope: FastifyInstance, into: AdminRouteInfo[]): void {
  scope.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { public?: boolean; permission?: Permission | null; operation?: unknown };
    if (config.public === true) return;
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method === 'HEAD') continue;
      into.push({ method, url: route.url, permission: config.permission, logged: config.operation !== undefined });
    }
  });
}

/** The permissions the routes declare, each once, in the vocabulary's order. */
export function permissionsInUse(routes: readonly AdminRouteInfo[], vocabulary: readonly Permission[]): Permission[] {
  const used = new Set(routes.map((r) => r.permission).filter((p): p is Permission => typeof p === 'string'));
  return vocabulary.filter((p) => used.has(p));
}
