import { crc32, deflateRawSync } from 'node:zlib';

let gbkTable: Map<string, number> | undefined;

/** Character -> GBK code, built once by decoding every two-byte GBK code (Node decodes GBK but cannot encode it). */
function table(): Map<string, number> {
  if (gbkTable !== undefined) return gbkTable;
  const decoder = new TextDecoder('gbk', { fatal: true });
  gbkTable = new Map();
  for (let hi = 0x81; hi <= 0xfe; hi += 1) {
    for (let lo = 0x40; lo <= 0xfe; lo += 1) {
      if (lo === 0x7f) continue;
      try {
        const ch = decoder.decode(Uint8Array.of(hi, lo));
        if (ch.length === 1 && !gbkTable.has(ch)) gbkTable.set(ch, (hi << 8) | lo);
      } catch {
        // not a GBK code
      }
    }
  }
  return gbkTable;
}

/** Encodes text as GBK, as Alipay writes its bills; a character outside GBK becomes "?". */
export function encodeGbk(text: string): Buffer {
  const out: number[] = [];
  const t = table();
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x3f;
    if (code < 0x80) out.push(code);
    else {
      const gbk = t.get(ch);
      if (gbk === undefined) out.push(0x3f);
      else out.push(gbk >> 8, gbk & 0xff);
    }
  }
  return Buffer.from(out);
}

/** A zip archive of deflated entries (names as given bytes), the shape of Alipay's bill download. */
export function writeZip(entries: { nameBytes: Buffer; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const packed = deflateRawSync(e.data);
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(e.nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(e.nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, e.nameBytes, packed);
    centrals.push(central, e.nameBytes);
    offset += local.length + e.nameBytes.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
