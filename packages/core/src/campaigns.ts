import { CAMPAIGN_ID_PATTERN } from './accounts';
import { MAX_AMOUNT_FEN } from './limits';
import { parseParams, type ParamProblem } from './params';
import type { Level } from './plan';
import { PLANS, findPlan } from './plans/registry';

/**
 * Campaigns are plan instances (SPEC 3.3, issue 8): a plan, its parameters and a product scope. Several campaigns
 * of one plan act side by side, in creation order within the plan's place in the SPEC 3.5 order. Time windows
 * and status are the server's business: it names the campaigns that act on each settled order.
 */
export interface CampaignScope {
  /** Products in scope; a line is in scope when its product is listed or its category is. */
  readonly products: ReadonlySet<string>;
  readonly categories: ReadonlySet<string>;
}

export interface CampaignConfig {
  readonly id: string;
  readonly plan: string;
  /** Validated parameters, defaults filled. */
  readonly params: Readonly<Record<string, unknown>>;
  /** undefined: every product (the whole order amount). */
  readonly scope: CampaignScope | undefined;
}

export interface EngineConfig {
  readonly levels: readonly Level[];
  /** In creation order; the engine sorts them into settlement order. */
  readonly campaigns: readonly CampaignConfig[];
}

export interface ConfigProblem extends ParamProblem {
  /** The plan code (plans form) or campaign id (campaigns form) the problem is in; '' for the whole config. */
  plan: string;
}

/** A settle event's line: a product and what it adds to the order amount. */
export interface OrderLine {
  readonly product: string;
  readonly category?: string | undefined;
  readonly amountFen: bigint;
}

/** A plan's amount A for an order: the in-scope lines, or the whole amount without a scope (SPEC 3.5). */
export function amountInScope(
  scope: CampaignScope | undefined,
  amountFen: bigint,
  lines: readonly OrderLine[] | undefined,
): bigint {
  if (scope === undefined) return amountFen;
  if (lines === undefined) return 0n;
  let sum = 0n;
  for (const line of lines) {
    if (scope.products.has(line.product) || (line.category !== undefined && scope.categories.has(line.category))) {
      sum += line.amountFen;
    }
  }
  return sum;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const item of value) if (typeof item !== 'string' || item.length === 0) return undefined;
  return value as string[];
}

/** Levels (SPEC 3.5): codes unique and non-empty, minSpendFen non-negative integers, strictly increasing. */
export function parseLevels(raw: unknown): { ok: true; levels: Level[] } | { ok: false; message: string } {
  if (raw === undefined) return { ok: true, levels: [] };
  if (!Array.isArray(raw)) return { ok: false, message: 'levels must be a list of {code, minSpendFen}' };
  const levels: Level[] = [];
  for (const [i, item] of raw.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return { ok: false, message: `levels[${i}] must be an object {code, minSpendFen}` };
    }
    const entry = item as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (key !== 'code' && key !== 'minSpendFen') return { ok: false, message: `levels[${i}]: unknown field ${key}` };
    }
    if (typeof entry.code !== 'string' || entry.code.length === 0) {
      return { ok: false, message: `levels[${i}].code must be a non-empty string` };
    }
    const min = entry.minSpendFen;
    if (typeof min !== 'number' || !Number.isSafeInteger(min) || min < 0) {
      return { ok: false, message: `levels[${i}].minSpendFen must be a non-negative integer` };
    }
    if (levels.some((l) => l.code === entry.code)) {
      return { ok: false, message: `levels[${i}]: level code ${entry.code} is used twice` };
    }
    const previous = levels[levels.length - 1];
    if (previous !== undefined && BigInt(min) <= previous.minSpendFen) {
      return { ok: false, message: `levels[${i}]: minSpendFen must be strictly increasing` };
    }
    levels.push({ code: entry.code, minSpendFen: BigInt(min) });
  }
  return { ok: true, levels };
}

/** The raw description of a campaign: its plan, parameters and scope, before validation. */
export interface CampaignInput {
  id: string;
  plan: string;
  params?: unknown;
  products?: readonly string[] | undefined;
  categories?: readonly string[] | undefined;
}

/** Validates one campaign against its plan's schema, the levels and the compliance guard (SPEC 3.4). */
export function parseCampaign(
  input: CampaignInput,
  levels: readonly Level[],
): { ok: true; campaign: CampaignConfig } | { ok: false; problems: ConfigProblem[] } {
  const at = (p: ParamProblem): ConfigProblem => ({ ...p, plan: input.id, message: `${input.id}: ${p.message}` });
  if (typeof input.id !== 'string' || !CAMPAIGN_ID_PATTERN.test(input.id)) {
    return {
      ok: false,
      problems: [
        {
          plan: String(input.id),
          param: '',
          code: 'invalid_parameter',
          message: `campaign id ${JSON.stringify(input.id)} must be 1-64 letters, digits, '_', '.' or '-'`,
        },
      ],
    };
  }
  const definition = findPlan(input.plan);
  if (definition === undefined) {
    return { ok: false, problems: [at({ param: '', code: 'unknown_plan', message: `unknown plan ${input.plan}` })] };
  }
  // Compliance guard (SPEC 3.4): never more than two levels of invitation.
  if (definition.referralLevels > 2) {
    return {
      ok: false,
      problems: [
        at({
          param: '',
          code: 'compliance_refused',
          message: `${definition.code} pays on ${definition.referralLevels} levels of invitation; at most 2 are allowed`,
        }),
      ],
    };
  }
  const problems: ConfigProblem[] = [];
  const parsed = parseParams(definition.params, input.params, { levelCount: levels.length });
  if (!parsed.ok) problems.push(...parsed.problems.map(at));
  let scope: CampaignScope | undefined;
  if (input.products !== undefined || input.categories !== undefined) {
    const products = input.products === undefined ? [] : stringList(input.products);
    const categories = input.categories === undefined ? [] : stringList(input.categories);
    if (products === undefined) {
      problems.push(at({ param: 'products', code: 'invalid_parameter', message: 'products must be a list of ids' }));
    }
    if (categories === undefined) {
      problems.push(
        at({ param: 'categories', code: 'invalid_parameter', message: 'categories must be a list of ids' }),
      );
    }
    scope = { products: new Set(products ?? []), categories: new Set(categories ?? []) };
  }
  if (problems.length > 0 || !parsed.ok) return { ok: false, problems };
  return { ok: true, campaign: { id: input.id, plan: definition.code, params: parsed.value, scope } };
}

/**
 * The plans form of SPEC 4: plan code -> parameters (with an optional `products` scope). Each configured plan is
 * one campaign whose id is the plan code. Returns every problem found, not just the first.
 */
export function parseEngineConfig(
  raw: unknown,
  levels: readonly Level[] = [],
): { ok: true; config: EngineConfig } | { ok: false; problems: ConfigProblem[] } {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      problems: [{ plan: '', param: '', code: 'invalid_parameter', message: 'plans must be an object' }],
    };
  }
  const input = raw as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  for (const code of Object.keys(input)) {
    if (findPlan(code) === undefined) {
      problems.push({ plan: code, param: '', code: 'unknown_plan', message: `unknown plan ${code}` });
    }
  }
  const campaigns: CampaignConfig[] = [];
  for (const definition of PLANS) {
    if (!Object.hasOwn(input, definition.code)) continue;
    let entry = input[definition.code];
    let products: string[] | undefined;
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry) && Object.hasOwn(entry, 'products')) {
      const { products: rawProducts, ...rest } = entry as Record<string, unknown>;
      entry = rest;
      products = stringList(rawProducts);
      if (products === undefined) {
        problems.push({
          plan: definition.code,
          param: 'products',
          code: 'invalid_parameter',
          message: `${definition.code}: products must be a list of product ids`,
        });
        continue;
      }
    }
    const parsed = parseCampaign({ id: definition.code, plan: definition.code, params: entry, products }, levels);
    if (parsed.ok) campaigns.push(parsed.campaign);
    else problems.push(...parsed.problems);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { levels, campaigns } };
}

/** Line amounts must add up to the order amount and stay within the engine's range. */
export function checkLines(lines: readonly OrderLine[], amountFen: bigint): string | undefined {
  let sum = 0n;
  for (const line of lines) {
    if (line.amountFen < 0n || line.amountFen > MAX_AMOUNT_FEN) return 'a line amount is out of range';
    sum += line.amountFen;
  }
  return sum === amountFen ? undefined : `lines add up to ${sum}, not to amountFen ${amountFen}`;
}
