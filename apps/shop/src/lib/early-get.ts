import { api } from './http';

/**
 * GET answers a page asks for as soon as it mounts, started instead when the router matches the page, so that on a
 * phone network the data travels while the page's code is still loading. Each answer is used once, and only while
 * fresh: a navigation that was redirected away leaves nothing stale behind for a later visit.
 */
const FRESH_MS = 5_000;
const early = new Map<string, { at: number; answer: Promise<unknown> }>();

export function startGet(path: string): void {
  const answer = api.get<unknown>(path);
  // The page that takes the answer reports its failure; an answer nobody takes must not be an unhandled rejection.
  answer.catch(() => undefined);
  early.set(path, { at: Date.now(), answer });
}

export function takeGet<T>(path: string): Promise<T> {
  const started = early.get(path);
  early.delete(path);
  if (started !== undefined && Date.now() - started.at < FRESH_MS) return started.answer as Promise<T>;
  return api.get<T>(path);
}

export const productPath = (id: string): string => `/api/shop/products/${encodeURIComponent(id)}`;

export const addressesPath = '/api/shop/me/addresses';
