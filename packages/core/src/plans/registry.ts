import type { ParamSchema } from '../params';
import type { Label } from '../params';
import type { PlanDefinition, PlanInstance } from '../plan';
import { appreciationPool } from './appreciation-pool';
import { cashback } from './cashback';
import { dividendPool } from './dividend-pool';
import { levelDifferential } from './level-differential';
import { promotionCommission } from './promotion-commission';
import { queueRebate } from './queue-rebate';
import { referralCycle } from './referral-cycle';
import { regionalAgent } from './regional-agent';

export type AnyPlanDefinition = PlanDefinition<ParamSchema, PlanInstance>;

const erase = <S extends ParamSchema, I extends PlanInstance>(d: PlanDefinition<S, I>): AnyPlanDefinition =>
  d as unknown as AnyPlanDefinition;

/**
 * Every plan the product knows, in the order they act on a settled order (SPEC 3.5: referralCycle,
 * promotionCommission, levelDifferential, regionalAgent, cashback, queueRebate, dividendPool, appreciationPool).
 * A new plan is one file plus its tests, added here. Everything else (summary, audit, rules, margin warning,
 * forms, simulator) iterates this list.
 */
const plans: AnyPlanDefinition[] = [
  erase(referralCycle),
  erase(promotionCommission),
  erase(levelDifferential),
  erase(regionalAgent),
  erase(cashback),
  erase(queueRebate),
  erase(dividendPool),
  erase(appreciationPool),
];

export const PLANS: readonly AnyPlanDefinition[] = plans;

export function findPlan(code: string): AnyPlanDefinition | undefined {
  return plans.find((p) => p.code === code);
}

/** A plan's place in the settlement order. */
export function planRank(code: string): number {
  return plans.findIndex((p) => p.code === code);
}

/**
 * Adds a plan at runtime, before `before` (or last). For test fixtures and extensions: it changes no file.
 * Returns a function that removes it again.
 */
export function registerPlan<S extends ParamSchema, I extends PlanInstance>(
  definition: PlanDefinition<S, I>,
  before?: string,
): () => void {
  if (findPlan(definition.code) !== undefined) throw new Error(`plan ${definition.code} is already registered`);
  const at = before === undefined ? -1 : planRank(before);
  const erased = erase(definition);
  if (at < 0) plans.push(erased);
  else plans.splice(at, 0, erased);
  return () => {
    const index = plans.indexOf(erased);
    if (index >= 0) plans.splice(index, 1);
  };
}

/** The plan that pays a reward kind, and the kind's label (dashboards, wallet entries, summaries). */
export function planOfRewardKind(kind: string): { plan: AnyPlanDefinition; label: Label } | undefined {
  for (const plan of plans) {
    const label = (plan.rewardKinds as Record<string, Label | undefined>)[kind];
    if (label !== undefined) return { plan, label };
  }
  return undefined;
}
