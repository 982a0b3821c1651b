import { createEarlyGet } from '@mall/web-common/early-get';
import { api } from './http';

/**
 * GET answers a page asks for as soon as it mounts, started instead when the router matches the page, so that on a
 * phone network the data travels while the page's code is still loading (the rule: `@mall/web-common/early-get`).
 */
export const { start: startGet, take: takeGet } = createEarlyGet((path) => api.get(path));

export const productPath = (id: string): string => `/api/shop/products/${encodeURIComponent(id)}`;

export const addressesPath = '/api/shop/me/addresses';
