/**
 * Freight templates (运费模板, issue 13): by piece or by weight in grams, a default charge and region charges (the most
 * specific matching region wins), free shipping from a goods amount, regions not delivered to. Exact integer
 * arithmetic; docs/pricing.md has the rules with worked figures.
 */
import type { Fen } from '../money';
import type { PricingProblem } from './terms';

/** [province], [province, city] or [province, city, district], as the address stores them. */
export type RegionPath = readonly string[];
export type FreightBasis = 'piece' | 'weight';

/** First `firstUnits` units (pieces or grams) for `firstFeeFen`, then each further `additionalUnits` or part of it. */
export interface FreightCharge {
  firstUnits: bigint;
  firstFeeFen: Fen;
  additionalUnits: bigint;
  additionalFeeFen: Fen;
  /** Free shipping when the goods amount of the template's lines reaches this; null: never free. */
  freeOverFen: Fen | null;
}

export interface FreightTemplate {
  id: string;
  basis: FreightBasis;
  defaultCharge: FreightCharge;
  regionCharges: readonly { regions: readonly RegionPath[]; charge: FreightCharge }[];
  notDelivered: readonly RegionPath[];
}

export interface FreightLine {
  quantity: bigint;
  unitWeightGrams: bigint;
  /** The line amount before discounts (unit price x quantity): the free-shipping threshold reads these. */
  amountFen: Fen;
}

export type FreightQuote =
  { ok: true; feeFen: Fen; units: bigint; freeShipping: boolean } | { ok: false; code: 'region_not_delivered' };

function covers(path: RegionPath, region: RegionPath): boolean {
  return path.length > 0 && path.length <= region.length && path.every((part, i) => part === region[i]);
}

/** The charge for a region, or null when it is not delivered to: the longest listed path that is a prefix of the
 * address wins, else the default charge. A valid template lists each path once, and two different paths of one length
 * cannot both be prefixes of one address, so there are no ties. A more specific charge can reopen part of a region
 * not delivered to: "not Xinjiang, but Urumqi at 25 yuan" is [新疆] not delivered plus a charge for [新疆, 乌鲁木齐市]. */
export function chargeFor(template: FreightTemplate, region: RegionPath): FreightCharge | null {
  let found: FreightCharge | null = template.defaultCharge;
  let depth = 0;
  for (const { regions, charge } of template.regionCharges) {
    for (const path of regions) {
      if (covers(path, region) && path.length > depth) [found, depth] = [charge, path.length];
    }
  }
  for (const path of template.notDelivered) {
    if (covers(path, region) && path.length > depth) [found, depth] = [null, path.length];
  }
  return found;
}

/** The fee for `units` under one charge, ignoring free shipping: units up to firstUnits (0 too) cost the first fee. */
export function chargeFee(charge: FreightCharge, units: bigint): Fen {
  if (units <= charge.firstUnits) return charge.firstFeeFen;
  const extra = units - charge.firstUnits;
  const steps = (extra + charge.additionalUnits - 1n) / charge.additionalUnits;
  return charge.firstFeeFen + steps * charge.additionalFeeFen;
}

/** The freight of the lines that use one template, shipped to `region`. No lines: no parcel, 0 fen. */
export function freightFee(template: FreightTemplate, lines: readonly FreightLine[], region: RegionPath): FreightQuote {
  const problems = freightTemplateProblems(template);
  if (problems.length > 0) {
    throw new RangeError(
      `freight template ${template.id}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
    );
  }
  const charge = chargeFor(template, region);
  if (charge === null) return { ok: false, code: 'region_not_delivered' };
  let units = 0n;
  let goodsFen = 0n;
  for (const line of lines) {
    if (line.quantity < 1n || line.unitWeightGrams < 0n || line.amountFen < 0n) {
      throw new RangeError('a freight line needs a positive quantity and no negative weight or amount');
    }
    units += template.basis === 'piece' ? line.quantity : line.quantity * line.unitWeightGrams;
    goodsFen += line.amountFen;
  }
  if (lines.length === 0) return { ok: true, feeFen: 0n, units, freeShipping: false };
  if (charge.freeOverFen !== null && goodsFen >= charge.freeOverFen) {
    return { ok: true, feeFen: 0n, units, freeShipping: true };
  }
  return { ok: true, feeFen: chargeFee(charge, units), units, freeShipping: false };
}

export interface OrderFreightLine extends FreightLine {
  /** null: the product ships free (包邮) and takes no part in any template. */
  templateId: string | null;
}

export type OrderFreight =
  | { ok: true; feeFen: Fen; byTemplate: { templateId: string; feeFen: Fen; freeShipping: boolean }[] }
  | { ok: false; code: 'region_not_delivered'; lineIndexes: number[] };

/**
 * An order's freight: the lines are grouped by template (first appearance order), each group is charged by its own
 * template, and the fees are summed. Any group not delivered to the region refuses the order, naming its lines.
 */
export function orderFreight(
  templates: readonly FreightTemplate[],
  lines: readonly OrderFreightLine[],
  region: RegionPath,
): OrderFreight {
  const groups = new Map<string, number[]>();
  lines.forEach((line, i) => {
    if (line.templateId === null) return;
    const group = groups.get(line.templateId);
    if (group) group.push(i);
    else groups.set(line.templateId, [i]);
  });
  const byTemplate: { templateId: string; feeFen: Fen; freeShipping: boolean }[] = [];
  const refused: number[] = [];
  for (const [templateId, indexes] of groups) {
    const template = templates.find((t) => t.id === templateId);
    if (!template) throw new RangeError(`freight template ${templateId} was not loaded`);
    const quote = freightFee(
      template,
      indexes.map((i) => lines[i]!),
      region,
    );
    if (quote.ok) byTemplate.push({ templateId, feeFen: quote.feeFen, freeShipping: quote.freeShipping });
    else refused.push(...indexes);
  }
  if (refused.length > 0)
    return { ok: false, code: 'region_not_delivered', lineIndexes: refused.sort((a, b) => a - b) };
  return { ok: true, feeFen: byTemplate.reduce((total, t) => total + t.feeFen, 0n), byTemplate };
}

function chargeProblems(charge: FreightCharge, field: string): PricingProblem[] {
  const problems: PricingProblem[] = [];
  if (charge.firstUnits < 1n) problems.push({ field: `${field}.firstUnits`, message: 'must be at least 1' });
  if (charge.additionalUnits < 1n) problems.push({ field: `${field}.additionalUnits`, message: 'must be at least 1' });
  if (charge.firstFeeFen < 0n) problems.push({ field: `${field}.firstFeeFen`, message: 'must be at least 0' });
  if (charge.additionalFeeFen < 0n)
    problems.push({ field: `${field}.additionalFeeFen`, message: 'must be at least 0' });
  if (charge.freeOverFen !== null && charge.freeOverFen < 0n) {
    problems.push({ field: `${field}.freeOverFen`, message: 'must be at least 0, or null' });
  }
  return problems;
}

/** What an admin form refuses: bad charges, region paths that are empty or deeper than a district, and a region
 * listed twice (in two charges, or charged and not delivered), which would make the template ambiguous. */
export function freightTemplateProblems(template: FreightTemplate): PricingProblem[] {
  const problems = chargeProblems(template.defaultCharge, 'defaultCharge');
  const seen = new Set<string>();
  const checkPath = (path: RegionPath, field: string) => {
    if (path.length < 1 || path.length > 3 || path.some((part) => part.length === 0)) {
      problems.push({ field, message: 'a region is a province, city or district path of 1 to 3 names' });
    }
    const key = JSON.stringify(path);
    if (seen.has(key)) problems.push({ field, message: `region ${path.join('/')} is listed twice` });
    seen.add(key);
  };
  template.regionCharges.forEach(({ regions, charge }, i) => {
    problems.push(...chargeProblems(charge, `regionCharges[${i}].charge`));
    if (regions.length === 0)
      problems.push({ field: `regionCharges[${i}].regions`, message: 'needs at least one region' });
    regions.forEach((path, j) => checkPath(path, `regionCharges[${i}].regions[${j}]`));
  });
  template.notDelivered.forEach((path, i) => checkPath(path, `notDelivered[${i}]`));
  return problems;
}
