/** Small builders for the hand-computed golden scenarios of the SPEC model tests. */
import { expect } from 'vitest';
import { runModel, type ModelResult } from './model.test-helper';

export type Doc = { plans: Record<string, unknown>; levels?: unknown[]; events: unknown[] };

export type Event = Record<string, unknown>;

export const join = (user: string, referrer?: string): Event =>
  referrer === undefined ? { type: 'join', user } : { type: 'join', user, referrer };
export const settle = (user: string, order: string, amountFen: number, extra: Event = {}): Event => ({
  type: 'settle',
  user,
  order,
  amountFen,
  ...extra,
});
export const redeem = (user: string, order: string, units: number): Event => ({ type: 'redeem', user, order, units });
export const close: Event = { type: 'periodClose' };

/** Runs a scenario the model must accept. */
export function run(doc: Doc): ModelResult {
  const out = runModel(doc);
  if (!out.ok) throw new Error(`the model refused the scenario: ${out.message}`);
  return out.result;
}

/** The rewards as compact rows `kind user order amount`. */
export function rows(result: ModelResult): string[] {
  return result.rewards.map((r) => `${r.kind} ${r.user} ${r.order ?? 'null'} ${r.amountFen}`);
}

export function walletsOf(result: ModelResult): Record<string, bigint> {
  return Object.fromEntries(result.wallets);
}

/** Runs a scenario the model must refuse and returns the event index it names. */
export function refusedAt(doc: unknown): number | undefined {
  const out = runModel(doc);
  expect(out.ok, 'expected the model to refuse the scenario').toBe(false);
  return out.ok ? -1 : out.index;
}
