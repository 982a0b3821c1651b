/**
 * Input side of the independent SPEC model: the scenario contract of SPEC 4 (top level, `levels`, `plans` with their
 * parameter ranges from the SPEC 3.5 readings) and the field checks every event uses. Written from SPEC.md alone;
 * nothing here is shared with the engine, on purpose (see README.md in this folder).
 */

/** Bad input in the sense of SPEC 4. `index` names the event when the problem is in one. */
export class ModelInputError extends Error {
  constructor(
    message: string,
    readonly index?: number,
  ) {
    super(index === undefined ? message : `event ${index}: ${message}`);
    this.name = 'ModelInputError';
  }
}

/** SPEC 3.5: "The plans that act on one settled order do so in this fixed order". */
export const PLAN_ORDER = [
  'referralCycle',
  'promotionCommission',
  'levelDifferential',
  'regionalAgent',
  'cashback',
  'queueRebate',
  'dividendPool',
  'appreciationPool',
] as const;
export type PlanCode = (typeof PLAN_ORDER)[number];

export interface Level {
  code: string;
  minSpendFen: bigint;
}

export interface ModelConfig {
  levels: Level[];
  /** Per plan that is on: its product list (SPEC 3.5 "Scope"), or null for the whole order. */
  scopes: Map<PlanCode, ReadonlySet<string> | null>;
  referralCycle?: { ratesBps: bigint[] };
  promotionCommission?: { level1Bps: bigint; level2Bps: bigint; buyersOnly: boolean };
  levelDifferential?: { ratesBps: bigint[] };
  regionalAgent?: { provinceBps: bigint; cityBps: bigint; districtBps: bigint };
  cashback?: { rateBps: bigint; installments: bigint };
  queueRebate?: { capBps: bigint; payBps: bigint };
  dividendPool?: { accrueBps: bigint; basis: 'level' | 'ranking'; weights: bigint[]; topN: bigint };
  appreciationPool?: {
    poolShareBps: bigint;
    creditShareBps: bigint;
    initialPriceFen: bigint;
    exitMultipleBps: bigint;
    exitCashShareBps: bigint;
    redeemFeeBps: bigint;
  };
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * SPEC 4: "amounts and unit counts must be JSON integers (`1.5`, `"5"`, `true` are bad input)". A JSON number past
 * 2^53 is not an exact integer once parsed, so it is refused too (reading, see README).
 */
export function jsonInteger(value: unknown, what: string, index?: number): bigint {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ModelInputError(`${what} must be an exact JSON integer, got ${JSON.stringify(value)}`, index);
  }
  return BigInt(value);
}

function ranged(value: unknown, what: string, min: bigint, max: bigint): bigint {
  const n = jsonInteger(value, what);
  if (n < min || n > max) throw new ModelInputError(`${what} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function list(value: unknown, what: string, index?: number): unknown[] {
  if (!Array.isArray(value)) throw new ModelInputError(`${what} must be a list`, index);
  return value;
}

export function nonEmptyString(value: unknown, what: string, index?: number): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ModelInputError(`${what} must be a non-empty string`, index);
  }
  return value;
}

/** Unknown keys are bad input everywhere in the file (SPEC 4: "Unknown top-level keys and unknown event fields"). */
export function onlyKeys(obj: JsonObject, allowed: readonly string[], what: string, index?: number): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new ModelInputError(`unknown field ${key} in ${what}`, index);
  }
}

/** SPEC 4: "a region that is not 1 to 3 non-empty strings". */
export function regionPath(value: unknown, index: number): string[] {
  const parts = list(value, 'region', index);
  if (parts.length < 1 || parts.length > 3) throw new ModelInputError('region must have 1 to 3 parts', index);
  return parts.map((p) => nonEmptyString(p, 'a region part', index));
}

// SPEC 3.5 readings, "Parameter ranges": shares and rates in bps 0..10000; exitMultipleBps and capBps 1..1000000;
// initialPriceFen 1..100000000; installments 1..36; topN 1..1000; the referral cycle's ratesBps 1 to 12 entries.
const BPS = [0n, 10_000n] as const;
type IntSpec = { kind: 'int'; min: bigint; max: bigint; def: bigint };
type ParamSpec =
  | IntSpec
  | { kind: 'bool'; def: boolean }
  | { kind: 'bpsList'; minLen: number; maxLen: number; def: bigint[] }
  | { kind: 'perLevel' }
  | { kind: 'basis' };

const int = (min: bigint, max: bigint, def: bigint): IntSpec => ({ kind: 'int', min, max, def });
const bps = (def: bigint): IntSpec => int(BPS[0], BPS[1], def);

const PARAMS: Record<PlanCode, Record<string, ParamSpec>> = {
  referralCycle: { ratesBps: { kind: 'bpsList', minLen: 1, maxLen: 12, def: [1000n, 2000n, 7000n] } },
  promotionCommission: { level1Bps: bps(1000n), level2Bps: bps(500n), buyersOnly: { kind: 'bool', def: true } },
  levelDifferential: { ratesBps: { kind: 'perLevel' } },
  regionalAgent: { provinceBps: bps(100n), cityBps: bps(200n), districtBps: bps(300n) },
  cashback: { rateBps: bps(500n), installments: int(1n, 36n, 1n) },
  queueRebate: { capBps: int(1n, 1_000_000n, 10_000n), payBps: bps(2000n) },
  dividendPool: {
    accrueBps: bps(200n),
    basis: { kind: 'basis' },
    weights: { kind: 'perLevel' },
    topN: int(1n, 1000n, 10n),
  },
  appreciationPool: {
    poolShareBps: bps(3000n),
    creditShareBps: bps(7000n),
    initialPriceFen: int(1n, 100_000_000n, 100n),
    exitMultipleBps: int(1n, 1_000_000n, 20_000n),
    exitCashShareBps: bps(8000n),
    redeemFeeBps: bps(2000n),
  },
};

function isPlanCode(code: string): code is PlanCode {
  return (PLAN_ORDER as readonly string[]).includes(code);
}

/**
 * SPEC 3.5 "Member levels": a list, lowest first, of `{code, minSpendFen}` with strictly increasing `minSpendFen`;
 * "Level codes are unique". Bad input names no event.
 */
function parseLevels(raw: unknown): Level[] {
  if (raw === undefined) return [];
  const levels = list(raw, 'levels').map((entry, i): Level => {
    if (!isObject(entry)) throw new ModelInputError(`levels[${i}] must be an object`);
    onlyKeys(entry, ['code', 'minSpendFen'], `levels[${i}]`);
    const code = nonEmptyString(entry.code, `levels[${i}].code`);
    const minSpendFen = jsonInteger(entry.minSpendFen, `levels[${i}].minSpendFen`);
    if (minSpendFen < 0n) throw new ModelInputError(`levels[${i}].minSpendFen must not be negative`);
    return { code, minSpendFen };
  });
  levels.forEach((level, i) => {
    const before = levels[i - 1];
    if (before !== undefined && level.minSpendFen <= before.minSpendFen) {
      throw new ModelInputError('levels must have strictly increasing minSpendFen');
    }
    if (levels.findIndex((l) => l.code === level.code) !== i) throw new ModelInputError(`level ${level.code} twice`);
  });
  return levels;
}

function bpsList(value: unknown, what: string, minLen: number, maxLen: number): bigint[] {
  const items = list(value, what);
  if (items.length < minLen || items.length > maxLen) {
    throw new ModelInputError(`${what} must have ${minLen} to ${maxLen} entries, got ${items.length}`);
  }
  return items.map((v, i) => ranged(v, `${what}[${i}]`, BPS[0], BPS[1]));
}

/** One plan's parameters: every known one validated, the missing ones at their SPEC default. */
function parsePlanParams(code: PlanCode, raw: JsonObject, levels: Level[]): Record<string, unknown> {
  const specs = PARAMS[code];
  onlyKeys(raw, [...Object.keys(specs), 'products'], `plan ${code}`);
  // "the default basis is "level"" (only dividendPool has a basis; onlyKeys refused it elsewhere).
  const basis = raw.basis === undefined ? 'level' : raw.basis;
  if (basis !== 'level' && basis !== 'ranking') throw new ModelInputError(`${code}.basis must be level or ranking`);
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const what = `${code}.${name}`;
    const value = raw[name];
    if (spec.kind === 'int') out[name] = value === undefined ? spec.def : ranged(value, what, spec.min, spec.max);
    else if (spec.kind === 'bool') {
      if (value !== undefined && typeof value !== 'boolean') throw new ModelInputError(`${what} must be a boolean`);
      out[name] = value ?? spec.def;
    } else if (spec.kind === 'bpsList') {
      out[name] = value === undefined ? spec.def : bpsList(value, what, spec.minLen, spec.maxLen);
    } else if (spec.kind === 'basis') out[name] = basis;
    else if (code === 'dividendPool' && basis === 'ranking') {
      // "dividendPool.weights is required with basis "level" and ignored with "ranking"": not even checked.
      out[name] = [];
    } else {
      // "a per-level list of the wrong length, or a plan that needs levels without any" are bad input.
      if (levels.length === 0) throw new ModelInputError(`${code} needs member levels and the scenario has none`);
      if (value === undefined) throw new ModelInputError(`${what} is required (one per level)`);
      if (code === 'levelDifferential') out[name] = bpsList(value, what, levels.length, levels.length);
      else {
        const weights = list(value, what);
        if (weights.length !== levels.length) throw new ModelInputError(`${what} must have one entry per level`);
        // Weights have no range in SPEC: any non-negative integer (reading).
        out[name] = weights.map((w, i) => ranged(w, `${what}[${i}]`, 0n, BigInt(Number.MAX_SAFE_INTEGER)));
      }
    }
  }
  return out;
}

/** SPEC 3.5 "Scope": `products` limits a plan; an empty list puts nothing in scope. */
function parseProducts(code: PlanCode, raw: JsonObject): ReadonlySet<string> | null {
  if (raw.products === undefined) return null;
  return new Set(list(raw.products, `${code}.products`).map((p) => nonEmptyString(p, `a product of ${code}`)));
}

/** The top level of SPEC 4: `plans`, `events` and, from the mode library, `levels`. Returns the config and events. */
export function parseTopLevel(raw: unknown): { config: ModelConfig; events: unknown[] } {
  if (!isObject(raw)) throw new ModelInputError('a scenario must be a JSON object');
  onlyKeys(raw, ['plans', 'levels', 'events'], 'the scenario');
  const levels = parseLevels(raw.levels);
  // A missing `plans` is read as "no plan on" (SPEC 4: "A plan left out of `plans` is off").
  const plans = raw.plans === undefined ? {} : raw.plans;
  if (!isObject(plans)) throw new ModelInputError('plans must be an object');
  const config: ModelConfig = { levels, scopes: new Map() };
  for (const [code, params] of Object.entries(plans)) {
    if (!isPlanCode(code)) throw new ModelInputError(`unknown plan ${code}`);
    if (!isObject(params)) throw new ModelInputError(`plan ${code} must be an object`);
    const parsed = parsePlanParams(code, params, levels);
    config.scopes.set(code, parseProducts(code, params));
    // parsePlanParams built exactly this plan's parameter record, in the types its table declares.
    (config as unknown as Record<string, unknown>)[code] = parsed;
  }
  if (!Array.isArray(raw.events)) throw new ModelInputError('events must be a list');
  return { config, events: raw.events };
}
