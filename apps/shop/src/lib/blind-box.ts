import { digestFromHex, drawIndex, drawMessage } from '@mall/core/fair-draw';
import { api } from './http';

/** Blind boxes as the storefront reads them, and the browser's own recomputation of a draw (WebCrypto + core). */
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
/** The series on sale or closed (one request per page load: the home section, product page and checkout share it). */
export function blindBoxes(): Promise<BlindBoxSeries[]> {
  cached ??= api.get<{ items: BlindBoxSeries[] }>('/api/shop/blind-boxes').then(
    (r) => r.items,
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

const hex = (buffer: ArrayBuffer): string =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');

export interface BrowserCheck {
  seedMatchesHash: boolean;
  digest: string;
  digestMatches: boolean;
  itemIndex: number;
  itemMatches: boolean;
}

/** Recomputes a draw here, without trusting the server: sha256(seed), HMAC-SHA256(seed, buyerSeed:nonce), mapping. */
export async function checkInBrowser(
  serverSeed: string,
  seedHash: string,
  draw: Pick<BlindBoxDraw, 'buyerSeed' | 'nonce' | 'digest' | 'itemIndex'>,
  weights: readonly number[],
): Promise<BrowserCheck> {
  const encoder = new TextEncoder();
  const seedBytes = encoder.encode(serverSeed);
  const hash = hex(await crypto.subtle.digest('SHA-256', seedBytes));
  const key = await crypto.subtle.importKey('raw', seedBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const digest = hex(await crypto.subtle.sign('HMAC', key, encoder.encode(drawMessage(draw.buyerSeed, draw.nonce))));
  const itemIndex = drawIndex(
    digestFromHex(digest),
    weights.map((w) => BigInt(w)),
  );
  return {
    seedMatchesHash: hash === seedHash,
    digest,
    digestMatches: digest === draw.digest,
    itemIndex,
    itemMatches: itemIndex === draw.itemIndex,
  };
}
