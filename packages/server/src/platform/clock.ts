/** Times are ISO-8601 UTC text everywhere: they sort as text in both databases. */
export function nowIso(): string {
  return new Date().toISOString();
}

export function isoPlusMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
