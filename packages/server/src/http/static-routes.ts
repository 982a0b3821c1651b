import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
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

/** Vite names every file under dist/assets after its content hash, so a URL there never changes meaning. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html (and anything else outside assets/) names the current hashed files: check it on every load. */
export const REVALIDATE = 'no-cache';

function cacheHeaders(dist: string): (reply: FastifyReply, path: string) => void {
  const assets = join(dist, 'assets') + sep;
  return (reply, path) => {
    void reply.header('cache-control', path.startsWith(assets) ? IMMUTABLE : REVALIDATE);
  };
}

/**
 * Serves the built storefront at / and the admin console at /admin/ when they exist (both use hash routing), and
 * uploaded images under /uploads/. The build writes .br and .gz beside each asset; they are sent to clients that
 * accept them, never compressed per request.
 */
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
        reply.header('cache-control', IMMUTABLE);
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
  const common = { preCompressed: true, cacheControl: false } as const;
  let decorated = false;
  if (existsSync(shopDist)) {
    await app.register(fastifyStatic, {
      ...common,
      root: shopDist,
      prefix: '/',
      wildcard: true,
      setHeaders: cacheHeaders(shopDist),
    });
    decorated = true;
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      void reply.header('content-type', 'text/html; charset=utf-8');
      return '<!doctype html><html lang="en"><meta charset="utf-8"><title>Mall</title><h1>商城 Mall API</h1><p>The storefront is not built yet. API docs: <a href="/api/docs">/api/docs</a></p></html>';
    });
  }
  if (existsSync(adminDist)) {
    // The prefix without its slash makes /admin answer 301 to /admin/, where the console's relative URLs resolve.
    await app.register(fastifyStatic, {
      ...common,
      root: adminDist,
      prefix: '/admin',
      redirect: true,
      decorateReply: !decorated,
      setHeaders: cacheHeaders(adminDist),
    });
  }
}
