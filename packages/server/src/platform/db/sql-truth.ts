/**
 * A SQL boolean as the drivers answer it: PostgreSQL gives `true`/`false`, SQLite an integer (a bigint with safe
 * integers on, a number otherwise), for instance from `exists (...)` in a select list.
 */
export function isTrue(value: unknown): boolean {
  return value === true || value === 1n || value === 1;
}
