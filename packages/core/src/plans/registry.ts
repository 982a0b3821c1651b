import type { PlanDefinition } from '../plan';
import type { ParamSchema } from '../params';
import { appreciationPool } from './appreciation-pool';
import { referralCycle } from './referral-cycle';

/**
 * Every plan the product knows, in the order they act on a settled order (SPEC 3: referral cycle first, then
 * the pool and its exit cascade). A new plan is one file plus its tests, added here.
 */
export const PLANS: readonly PlanDefinition<ParamSchema>[] = [
  referralCycle as unknown as PlanDefinition<ParamSchema>,
  appreciationPool as unknown as PlanDefinition<ParamSchema>,
];

export function findPlan(code: string): PlanDefinition<ParamSchema> | undefined {
  return PLANS.find((p) => p.code === code);
}
