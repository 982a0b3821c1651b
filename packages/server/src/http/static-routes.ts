import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { productSvg } from '../demo/seed';
import { fail } from '../platform/errors';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Serves the built storefront at / and the admin console at /admin/ when they exist (both use hash routing). */
export async function staticRoutes(app: FastifyInstance, webRoot = REPO_ROOT, uploadsRoot?: string): Promise<void> {
  if (uploadsRoot !== undefined) {
    // Uploaded files are named by their content's hash, so a URL never changes meaning: cache for a year.
    mkdirSync(uploadsRoot, { recursive: true });
    await app.register(fastifyStatic, {
      root: uploadsRoot,
      prefix: '/uploads/',
      decorateReply: false,
      index: false,
      dotfiles: 'deny',
      cacheControl: false,
      setHeaders: (reply) => {
        reply.header('cache-control', 'public, max-age=31536000, immutable');
        reply.header('x-content-type-options', 'nosniff');
        reply.header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
      },
    });
  }
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
