/**
 * Whole-number division on non-negative safe integers (counts, indices, progress). Money is bigint and divides
 * with `/` on bigint; these keep Math rounding out of the code base for everything else.
 */
export function intDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

export function ceilDiv(a: number, b: number): number {
  return intDiv(a + b - 1, b);
}
