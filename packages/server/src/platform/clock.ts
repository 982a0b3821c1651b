/** Times are ISO-8601 UTC text everywhere: they sort as text in both databases. */
let lastMs = Number.NaN;
let lastIso = '';

export function nowIso(): string {
  // A checkout asks for the time a dozen times within one millisecond: format it once per millisecond.
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

export function isoPlusMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
