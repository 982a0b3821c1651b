/** "2026-11-26T11:48:14Z" -> "2026-11-26 19:48" in the browser's zone. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function formatDay(iso: string | null | undefined): string {
  return formatTime(iso).slice(0, 10);
}

/** "19:48:05" in the browser's zone, without Intl (whose first use costs a page tens of milliseconds). */
export function clockTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
