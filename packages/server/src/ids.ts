import { randomBytes } from 'node:crypto';

/**
 * Prefixed, time-sortable ids (`ord_` + 10 chars of milliseconds + 12 random chars, Crockford base32).
 * A counter breaks ties inside one millisecond so ids made by one process also sort by creation order.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastMs = 0;
let counter = 0;

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i += 1) {
    out = ALPHABET.charAt(rest % 32) + out;
    rest = (rest - (rest % 32)) / 32;
  }
  return out;
}

export type IdPrefix = 'usr' | 'stf' | 'ord' | 'pay' | 'prd' | 'sku' | 'cat' | 'wdr' | 'trn' | 'ref' | 'evt';

export function newId(prefix: IdPrefix): string {
  const ms = Date.now();
  if (ms === lastMs) counter += 1;
  else {
    lastMs = ms;
    counter = 0;
  }
  const bytes = randomBytes(8);
  let random = ALPHABET.charAt(counter % 32) + ALPHABET.charAt((counter >> 5) % 32);
  for (const b of bytes.subarray(0, 8)) random += ALPHABET.charAt(b % 32);
  return `${prefix}_${encodeTime(ms)}${random}`;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
