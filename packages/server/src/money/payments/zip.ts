import { inflateRawSync } from 'node:zlib';

/**
 * Reads the entries of a zip archive (Alipay serves its bills as one), stored or deflated, from the central
 * directory. Enough for a gateway's bill download; not a general archiver (no zip64, no encryption).
 */
export interface ZipEntry {
  /** The name's raw bytes: Alipay writes them in GBK, not UTF-8. */
  nameBytes: Buffer;
  data: Buffer;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function readZip(zip: Buffer): ZipEntry[] | undefined {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i -= 1) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  try {
    for (let n = 0; n < count; n += 1) {
      if (zip.readUInt32LE(at) !== CENTRAL) return undefined;
      const method = zip.readUInt16LE(at + 10);
      const compressed = zip.readUInt32LE(at + 20);
      const nameLength = zip.readUInt16LE(at + 28);
      const extraLength = zip.readUInt16LE(at + 30);
      const commentLength = zip.readUInt16LE(at + 32);
      const localAt = zip.readUInt32LE(at + 42);
      const nameBytes = zip.subarray(at + 46, at + 46 + nameLength);
      if (zip.readUInt32LE(localAt) !== LOCAL) return undefined;
      const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
      const raw = zip.subarray(dataAt, dataAt + compressed);
      if (method !== 0 && method !== 8) return undefined;
      entries.push({ nameBytes, data: method === 0 ? Buffer.from(raw) : inflateRawSync(raw) });
      at += 46 + nameLength + extraLength + commentLength;
    }
  } catch {
    return undefined;
  }
  return entries;
}
