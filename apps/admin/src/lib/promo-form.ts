import { parseYuan, yuan } from '@mall/web-common/money';
import type { AdminProduct, Category } from '@mall/web-common/api-types';
import type { PricingScope } from '@mall/web-common/checkout-types';
import { api } from './http';

/** What the promotion forms share: the scope being edited, yuan text <-> fen, and the catalog to choose from. */
export interface ScopeForm {
  kind: 'all' | 'products' | 'categories';
  productIds: string[];
  categoryIds: string[];
}

export const blankScope = (): ScopeForm => ({ kind: 'all', productIds: [], categoryIds: [] });

export function scopeFormOf(scope: PricingScope): ScopeForm {
  return {
    kind: scope.kind,
    productIds: scope.kind === 'products' ? [...scope.productIds] : [],
    categoryIds: scope.kind === 'categories' ? [...scope.categoryIds] : [],
  };
}

export function scopeBody(form: ScopeForm): PricingScope {
  if (form.kind === 'products') return { kind: 'products', productIds: form.productIds };
  if (form.kind === 'categories') return { kind: 'categories', categoryIds: form.categoryIds };
  return { kind: 'all' };
}

/** Fen as a JSON number from the yuan staff typed, or null when it is not an amount (at most 2 decimals). */
export function fenOf(text: string): number | null {
  const fen = parseYuan(text.trim());
  return fen === null || fen < 0n ? null : Number(fen);
}

/** Fen -> the yuan text a form field shows (no thousands separators). */
export const yuanText = (fen: number | null | undefined): string =>
  fen === null || fen === undefined ? '' : yuan(fen).replace(/,/g, '');

export interface Catalog {
  products: AdminProduct[];
  categories: Category[];
}

/** Every product (the first 200) and category, for scope and SKU pickers. */
export async function loadCatalog(): Promise<Catalog> {
  const [products, categories] = await Promise.all([
    api.get<{ items: AdminProduct[] }>('/api/admin/products?pageSize=200'),
    api.get<{ items: Category[] }>('/api/admin/categories'),
  ]);
  return { products: products.items, categories: categories.items };
}

/** An el-date-picker datetimerange value (epoch ms) as the ISO instants the API takes, or null if not chosen. */
export function rangeIso(range: [number, number] | null): { startsAt: string; endsAt: string } | null {
  if (range === null || range.length !== 2) return null;
  return { startsAt: new Date(range[0]).toISOString(), endsAt: new Date(range[1]).toISOString() };
}
