import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { productSvg } from '../demo/seed';
import { fail } from '../platform/errors';

/** The checkout this code runs from (the folder holding packages/server), from the source or the built dist alike. */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'packages', 'server', 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(start, '../../../..');
  }
}

export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

/** Serves the built storefront at / and the admin console at /admin/ when they exist (both use hash routing). */
export async function staticRoutes(app: FastifyInstance, webRoot = REPO_ROOT): Promise<void> {
  app.get<{ Params: { key: string } }>('/assets/products/:key', { schema: { hide: true } }, async (request, reply) => {
    const svg = productSvg(request.params.key.replace(/\.svg$/, ''));
    if (svg === undefined) fail('not_found');
    void reply.header('content-type', 'image/svg+xml').header('cache-control', 'public, max-age=86400');
    return svg;
  });
  const shopDist = join(webRoot, 'apps/shop/dist');
  const adminDist = join(webRoot, 'apps/admin/dist');
  let decorated = false;
  if (existsSync(shopDist)) {
    await app.register(fastifyStatic, { root: shopDist, prefix: '/', wildcard: true });
    decorated = true;
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      void reply.header('content-type', 'text/html; charset=utf-8');
      return '<!doctype html><meta charset="utf-8"><title>Mall</title><h1>商城 Mall API</h1><p>The storefront is not built yet. API docs: <a href="/api/docs">/api/docs</a></p>';
    });
  }
  if (existsSync(adminDist)) {
    await app.register(fastifyStatic, { root: adminDist, prefix: '/admin/', decorateReply: !decorated });
  }
}
