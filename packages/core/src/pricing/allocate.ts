import type { Fen } from '../money';

/**
 * Splits `discountFen` over `amounts` in proportion to them: each part is floor(discount * amount / total). The fen
 * the floors leave over go to the largest amount (ties: the first), as far as that amount still has room; any fen
 * it cannot take move on to the next largest. Without that spill a line could go below zero: amounts [1000, 1000,
 * 1000] and a discount of 2999 floor to 999 each, and 2 fen more on the first line would take it to 1001 of 1000.
 * Every part is at most its amount and the parts sum to the discount exactly.
 */
export function allocateProportionally(amounts: readonly Fen[], discountFen: Fen): Fen[] {
  let total = 0n;
  for (const amount of amounts) {
    if (amount < 0n) throw new RangeError(`allocation over a negative amount: ${amount}`);
    total += amount;
  }
  if (discountFen < 0n || discountFen > total) {
    throw new RangeError(`cannot allocate ${discountFen} fen over amounts totalling ${total} fen`);
  }
  if (discountFen === 0n) return amounts.map(() => 0n);
  const parts = amounts.map((amount) => (discountFen * amount) / total);
  let left = discountFen - parts.reduce((sum, part) => sum + part, 0n);
  const largestFirst = amounts.map((_, i) => i).sort((a, b) => compareDesc(amounts[a]!, amounts[b]!) || a - b);
  for (const i of largestFirst) {
    if (left === 0n) break;
    const room = amounts[i]! - parts[i]!;
    const take = room < left ? room : left;
    parts[i] = parts[i]! + take;
    left -= take;
  }
  return parts;
}

function compareDesc(a: bigint, b: bigint): number {
  return a > b ? -1 : a < b ? 1 : 0;
}
