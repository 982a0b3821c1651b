import { reactive } from 'vue';
import { api } from './http';

/** Blind boxes as the storefront reads them (the browser's own recomputation of a draw is in blind-box-verify.ts). */
export interface BlindBoxItem {
  index: number;
  name: string;
  valueFen: number;
  weight: number;
  drawn: number;
}

export interface BlindBoxSeries {
  id: string;
  name: string;
  productId: string;
  skuId: string;
  title: string;
  imageUrl: string;
  priceFen: number;
  status: 'draft' | 'open' | 'closed';
  seedHash: string;
  serverSeed: string | null;
  dailyCapFen: number;
  guarantee: string;
  totalWeight: number;
  draws: number;
  items: BlindBoxItem[];
}

export interface BlindBoxDraw {
  id: string;
  seriesId: string;
  orderId?: string;
  unit: number;
  buyerSeed: string;
  nonce: number;
  digest: string;
  itemIndex: number;
  itemName: string;
  itemValueFen: number;
  drawnAt: string;
}

let cached: Promise<BlindBoxSeries[]> | null = null;
/** Products that are blind boxes on sale now, for the badge on product cards. */
export const boxProductIds = reactive(new Set<string>());

let badgesKnown = false;

/** Blind boxes on sale as another answer listed them (the home's): their cards' badges need no request of their own. */
export function knowOpenSeries(open: readonly BlindBoxSeries[]): void {
  for (const s of open) if (s.status === 'open') boxProductIds.add(s.productId);
  badgesKnown = true;
}

/** The badges of product cards: asked once per page load, unless an answer already told them. */
export function loadBoxBadges(): void {
  if (!badgesKnown) void blindBoxes();
}

/** The series on sale or closed (one request per page load: the cards, product page and checkout share it). */
export function blindBoxes(): Promise<BlindBoxSeries[]> {
  cached ??= api.get<{ items: BlindBoxSeries[] }>('/api/shop/blind-boxes').then(
    (r) => {
      knowOpenSeries(r.items);
      return r.items;
    },
    () => {
      cached = null;
      return [];
    },
  );
  return cached;
}

/** A chance as a percentage with two decimals, floored (so the exact weights stay the reference). */
export function chance(weight: number, total: number): string {
  if (total <= 0) return '-';
  const hundredths = (BigInt(weight) * 10_000n) / BigInt(total);
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}%`;
}

/** A fresh buyer seed: 16 random bytes from the browser's CSPRNG as hex. */
export function newBuyerSeed(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
