/** The SPEC 4 result of the independent model: its types, wallet order and JSON form. */
import type { JsonValue } from '../json';
import type { ModelPosition } from './model-pool.test-helper';

export type ModelRewardKind =
  | 'referralCycle'
  | 'promotionCommission'
  | 'levelDifferential'
  | 'regionalAgent'
  | 'cashback'
  | 'queueRebate'
  | 'dividend'
  | 'appreciationExit'
  | 'appreciationRedeem'
  | 'rejected';
export type ModelReward = { kind: ModelRewardKind; user: string; order: string | null; amountFen: bigint };
export type ModelResult = {
  pool: { cashFen: bigint; supplyUnits: bigint };
  positions: ModelPosition[];
  /** A Map so that keys like "10" or "__proto__" keep the code point order the result needs. */
  wallets: Map<string, bigint>;
  rewards: ModelReward[];
  queue?: { order: string; user: string; remainingFen: bigint }[];
  cashback?: { order: string; user: string; remainingFen: bigint; installmentsLeft: bigint }[];
  dividendPool?: { cashFen: bigint };
};
export type ModelOutcome = { ok: true; result: ModelResult } | { ok: false; index?: number; message: string };

/** Code point order (SPEC 3.5: "sorted by user id in Unicode code point order"), which is not UTF-16 unit order. */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) ?? 0);
  const y = [...b].map((c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The result as a JSON value in the contract's key order, for `stringifyJson`. */
export function modelResultToJson(result: ModelResult): JsonValue {
  const out: Record<string, JsonValue> = {
    pool: { ...result.pool },
    positions: result.positions.map((p) => ({ ...p })),
    wallets: result.wallets,
    rewards: result.rewards.map((r) => ({ ...r })),
  };
  if (result.queue !== undefined) out.queue = result.queue.map((q) => ({ ...q }));
  if (result.cashback !== undefined) out.cashback = result.cashback.map((c) => ({ ...c }));
  if (result.dividendPool !== undefined) out.dividendPool = { ...result.dividendPool };
  return out;
}
