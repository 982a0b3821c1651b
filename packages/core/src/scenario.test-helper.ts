/**
 * Test-only helpers for scenario-level tests: run a scenario document (SPEC 4 shape, numbers as JSON numbers)
 * and read the result back as plain JSON, or catch the ScenarioError it must raise.
 */
import { expect } from 'vitest';
import { stringifyJson } from './json';
import { ScenarioError, parseScenario, resultToJson, runScenario } from './scenario';

export interface ResultJson {
  pool: { cashFen: number; supplyUnits: number };
  positions: {
    order: string;
    user: string;
    units: number;
    capFen: number;
    realizedFen: number;
    paidFen: number;
    status: string;
  }[];
  wallets: Record<string, number>;
  rewards: { kind: string; user: string; order: string | null; amountFen: number }[];
  queue?: { order: string; user: string; remainingFen: number }[];
  cashback?: { order: string; user: string; remainingFen: number; installmentsLeft: number }[];
  dividendPool?: { cashFen: number };
}

export function resultText(doc: unknown): string {
  return stringifyJson(resultToJson(runScenario(parseScenario(doc))));
}

export function result(doc: unknown): ResultJson {
  return JSON.parse(resultText(doc)) as ResultJson;
}

/** Rewards as [kind, user, order, amountFen] rows, the way the tests write them. */
export function rewardRows(doc: unknown): [string, string, string | null, number][] {
  return result(doc).rewards.map((r) => [r.kind, r.user, r.order, r.amountFen]);
}

export function refusal(doc: unknown): ScenarioError {
  try {
    resultText(doc);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error('expected the scenario to be refused');
}

export const join = (user: string, referrer?: string) =>
  referrer === undefined ? { type: 'join', user } : { type: 'join', user, referrer };
export const buy = (user: string, order: string, amountFen: number, extra: Record<string, unknown> = {}) => ({
  type: 'settle',
  user,
  order,
  amountFen,
  ...extra,
});
export const close = { type: 'periodClose' };
