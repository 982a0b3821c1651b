import { digestFromHex, drawIndex, drawMessage } from '@mall/core/fair-draw';
import type { BlindBoxDraw } from './blind-box';

/** The browser's own recomputation of a blind box draw: WebCrypto for the hashes, the core module for the mapping. */
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
