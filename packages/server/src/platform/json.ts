/**
 * Amounts are bigint inside the server and JSON numbers on the wire (docs/api.md). The conversion happens once, in
 * the serialization hook, and refuses any value a JSON number cannot hold exactly rather than rounding it.
 */
export function toWire(value: unknown): unknown {
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new Error(`integer ${value} does not fit a JSON number exactly`);
    }
    return Number(value);
  }
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toWire(v);
    return out;
  }
  return value;
}

/**
 * JSON text for stored values that may hold bigint (record data, event payloads): a bigint is written as
 * `{"$big": "digits"}` and read back as bigint, so nothing passes through a float and the type survives.
 */
export function encodeStored(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { $big: v.toString() } : v));
}

export function decodeStored(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const big = (v as { $big?: unknown }).$big;
      if (keys.length === 1 && typeof big === 'string' && /^-?\d+$/.test(big)) return BigInt(big);
    }
    return v;
  });
}
