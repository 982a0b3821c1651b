import type { JsonValue } from './api-types';
import { bpsText, money, points } from './money';

/** Shows a value by its unit suffix (…Fen money, …Units points, …Bps rate). */
export function formatParam(key: string, value: JsonValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => formatParam(key, v)).join(' / ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value))) {
    if (/Fen$/i.test(key)) return money(value);
    if (/Units$/i.test(key)) return points(value);
    if (/Bps$/i.test(key)) return bpsText(value);
  }
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  return String(value);
}

/** "redeemFeeBps" -> "Redeem Fee Bps": a parameter's key as a fallback label. */
export function humanKey(key: string): string {
  return key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}
