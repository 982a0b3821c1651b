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
