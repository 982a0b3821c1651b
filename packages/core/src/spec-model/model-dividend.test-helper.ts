/** SPEC 3.5 dividendPool payout at a period close, for the independent model. */
import { floorDiv } from './model-arithmetic.test-helper';
import type { ModelConfig } from './model-input.test-helper';

type Member<U> = { user: U; levelWeight: bigint; periodSpendFen: bigint };

/**
 * Who gets what of the pool `D` (members given in join order); what is not paid is the caller's carry. Amounts of 0
 * are returned too (the caller does not list them).
 */
export function dividendShares<U>(
  pool: bigint,
  params: NonNullable<ModelConfig['dividendPool']>,
  members: readonly Member<U>[],
): { user: U; amountFen: bigint }[] {
  let chosen: { user: U; weight: bigint }[];
  if (params.basis === 'level') {
    // "by level, every shopper (in join order) whose effective level has weight w > 0 gets floor(D * w / W),
    // W = the sum of those weights"
    chosen = members.map((m) => ({ user: m.user, weight: m.levelWeight })).filter((m) => m.weight > 0n);
  } else {
    // "by ranking, the topN shoppers with the largest period spend above 0 (ties: earlier join first) get
    // floor(D * s / T), T = the sum of their period spends"; readings: "Dividends by ranking are listed in rank order".
    chosen = members
      .map((m, joinIndex) => ({ user: m.user, weight: m.periodSpendFen, joinIndex }))
      .filter((m) => m.weight > 0n)
      .sort((a, b) => (a.weight === b.weight ? a.joinIndex - b.joinIndex : a.weight > b.weight ? -1 : 1))
      .slice(0, Number(params.topN));
  }
  const total = chosen.reduce((sum, m) => sum + m.weight, 0n);
  return chosen.map((m) => ({ user: m.user, amountFen: floorDiv(pool * m.weight, total) }));
}
