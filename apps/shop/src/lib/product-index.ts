import { reactive } from 'vue';
import { api } from './http';
import type { Product } from '@mall/web-common/api-types';

/** productId -> image, from the public catalog, loaded once per page load (order items carry no image). */
const images = reactive<Record<string, string>>({});
let loading: Promise<void> | null = null;

export function loadProductImages(): Promise<void> {
  loading ??= api
    .get<{ items: Product[] }>('/api/shop/products')
    .then((res) => {
      for (const p of res.items) if (p.imageUrl) images[p.id] = p.imageUrl;
    })
    .catch(() => {
      loading = null;
    });
  return loading;
}

export function productImage(productId: string): string | undefined {
  return images[productId];
}
