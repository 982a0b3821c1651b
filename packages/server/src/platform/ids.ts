import { randomBytes, randomFillSync } from 'node:crypto';

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

// One call into the CSPRNG per 4 KiB instead of one per id.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function nextRandomByte(): number {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const byte = pool[poolOffset] ?? 0;
  poolOffset += 1;
  return byte;
}

export type IdPrefix =
  | 'gba'
  | 'grp'
  | 'usr'
  | 'pre'
  | 'stf'
  | 'ord'
  | 'pay'
  | 'prd'
  | 'sku'
  | 'cat'
  | 'wdr'
  | 'trn'
  | 'ref'
  | 'evt'
  | 'sim'
  | 'afs'
  | 'rfd'
  | 'rcn'
  | 'opl'
  | 'upl'
  | 'cmp'
  | 'adr'
  | 'frt'
  | 'cpt'
  | 'cpn'
  | 'spt'
  | 'fls'
  | 'bbs'
  | 'bbd';

export function newId(prefix: IdPrefix): string {
  const ms = Date.now();
  if (ms === lastMs) counter += 1;
  else {
    lastMs = ms;
    counter = 0;
  }
  let random = ALPHABET.charAt(counter % 32) + ALPHABET.charAt((counter >> 5) % 32);
  for (let i = 0; i < 8; i += 1) random += ALPHABET.charAt(nextRandomByte() % 32);
  return `${prefix}_${encodeTime(ms)}${random}`;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
