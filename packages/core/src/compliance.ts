import { share } from './money';
import { parseParams } from './params';
import { findPlan } from './plans/registry';

/**
 * SPEC 3.4 in core: the compliance guard and the margin warning, both driven by what each plan declares
 * (invitation depth, high risk, payout bound), so a new plan is covered without touching this file.
 */
export interface CompliancePolicy {
  code: string;
  highRisk: boolean;
  /** Levels of invitation it pays on; more than two is refused. */
  referralLevels: number;
  /** Whether enabling it needs a logged acknowledgement. */
  needsAcknowledgement: boolean;
  refused: string | undefined;
}

export function compliancePolicy(planCode: string): CompliancePolicy | undefined {
  const definition = findPlan(planCode);
  if (definition === undefined) return undefined;
  return {
    code: definition.code,
    highRisk: definition.highRisk,
    referralLevels: definition.referralLevels,
    needsAcknowledgement: definition.highRisk,
    refused:
      definition.referralLevels > 2
        ? `${definition.code} pays on ${definition.referralLevels} levels of invitation; at most 2 are allowed`
        : undefined,
  };
}

export interface PlannedCampaign {
  plan: string;
  params: unknown;
}

/**
 * The largest share of a sale the given campaigns can pay out over its life, in bps: the sum of each plan's
 * declared bound at its parameters. Campaigns whose parameters do not parse count as nothing (they cannot run).
 */
export function plannedPayoutBps(campaigns: readonly PlannedCampaign[], levelCount = 0): bigint {
  let total = 0n;
  for (const c of campaigns) {
    const definition = findPlan(c.plan);
    if (definition === undefined) continue;
    const parsed = parseParams(definition.params, c.params, { levelCount });
    if (parsed.ok) total += definition.payoutBoundBps(parsed.value);
  }
  return total;
}

export interface MarginWarning {
  sku: string;
  priceFen: bigint;
  marginFen: bigint;
  payoutFen: bigint;
}

/** Every SKU whose planned payout (at the bound) exceeds its margin, price minus cost (SPEC 3.4). */
export function marginWarnings(
  campaigns: readonly PlannedCampaign[],
  skus: readonly { name: string; priceFen: bigint; costFen: bigint }[],
  levelCount = 0,
): MarginWarning[] {
  const bps = plannedPayoutBps(campaigns, levelCount);
  const warnings: MarginWarning[] = [];
  for (const sku of skus) {
    const payoutFen = share(sku.priceFen, bps);
    const marginFen = sku.priceFen - sku.costFen;
    if (marginFen < payoutFen) warnings.push({ sku: sku.name, priceFen: sku.priceFen, marginFen, payoutFen });
  }
  return warnings;
}
