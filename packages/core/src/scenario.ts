import {
  parseCampaign,
  parseEngineConfig,
  parseLevels,
  type CampaignConfig,
  type ConfigProblem,
  type EngineConfig,
} from './campaigns';
import type { Effect, RewardKind } from './effects';
import { Engine, EngineInputError, type EngineEvent } from './engine';
import type { JsonValue } from './json';
import type { PlanRuntimeOptions } from './plan';
import { PLANS } from './plans/registry';
import { ScenarioError, parseEvent, type ScenarioForm } from './scenario-events';

export { ScenarioError, type ScenarioForm } from './scenario-events';

/** A scenario file (SPEC 4, plus the campaigns form of docs/scenario.md) after validation. */
export interface Scenario {
  /** 'plans' (SPEC 4, the default) or 'campaigns' (several campaigns of one plan, versions, replay of production). */
  form?: ScenarioForm;
  config: EngineConfig;
  /** The well-formed events up to the first malformed one. */
  events: EngineEvent[];
  /**
   * The first malformed event's error: the run applies the events before it and then throws it, so the error
   * named is always that of the first bad event, whether its problem is its shape or the state it meets.
   */
  error?: ScenarioError;
}

const TOP_LEVEL = ['plans', 'campaigns', 'levels', 'events'];

function configError(problems: readonly ConfigProblem[]): ScenarioError {
  return new ScenarioError(problems[0]?.code ?? 'invalid_parameter', problems.map((p) => p.message).join('; '));
}

function parseCampaigns(raw: unknown, config: EngineConfig): EngineConfig {
  if (!Array.isArray(raw)) throw new ScenarioError('invalid_scenario', '"campaigns" must be a list');
  const campaigns: CampaignConfig[] = [];
  const problems: ConfigProblem[] = [];
  for (const [i, item] of raw.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new ScenarioError('invalid_scenario', `campaigns[${i}] must be an object {id, plan, params, products?}`);
    }
    const entry = item as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!['id', 'plan', 'params', 'products', 'categories'].includes(key)) {
        throw new ScenarioError('invalid_scenario', `campaigns[${i}]: unknown field ${key}`);
      }
    }
    if (campaigns.some((c) => c.id === entry.id)) {
      throw new ScenarioError('invalid_scenario', `campaigns[${i}]: campaign id ${String(entry.id)} is used twice`);
    }
    const parsed = parseCampaign(
      {
        id: entry.id as string,
        plan: entry.plan as string,
        params: entry.params,
        products: entry.products as string[] | undefined,
        categories: entry.categories as string[] | undefined,
      },
      config.levels,
    );
    if (parsed.ok) campaigns.push(parsed.campaign);
    else problems.push(...parsed.problems);
  }
  if (problems.length > 0) throw configError(problems);
  return { levels: config.levels, campaigns };
}

/** Validates a scenario's shape and parameters. Semantic checks (unknown users and orders) happen in `runScenario`. */
export function parseScenario(raw: unknown): Scenario {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ScenarioError('invalid_scenario', 'a scenario must be a JSON object with "plans" and "events"');
  }
  const doc = raw as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL.includes(key)) throw new ScenarioError('invalid_scenario', `unknown top-level field ${key}`);
  }
  if (Object.hasOwn(doc, 'plans') && Object.hasOwn(doc, 'campaigns')) {
    throw new ScenarioError('invalid_scenario', 'give either "plans" or "campaigns", not both');
  }
  if (doc.plans === null) throw new ScenarioError('invalid_scenario', '"plans" must be an object');
  const levels = parseLevels(doc.levels);
  if (!levels.ok) throw new ScenarioError('invalid_levels', levels.message);
  const form: ScenarioForm = Object.hasOwn(doc, 'campaigns') ? 'campaigns' : 'plans';
  let config: EngineConfig;
  if (form === 'campaigns') {
    config = parseCampaigns(doc.campaigns, { levels: levels.levels, campaigns: [] });
  } else {
    const parsed = parseEngineConfig(doc.plans, levels.levels);
    if (!parsed.ok) throw configError(parsed.problems);
    config = parsed.config;
  }
  if (!Array.isArray(doc.events)) throw new ScenarioError('invalid_scenario', '"events" must be a list');
  const events: EngineEvent[] = [];
  for (const [index, rawEvent] of doc.events.entries()) {
    try {
      events.push(parseEvent(rawEvent, index, form));
    } catch (error) {
      if (error instanceof ScenarioError) return { form, config, events, error };
      throw error;
    }
  }
  return { form, config, events };
}

export function parseScenarioText(text: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError('malformed_json', `malformed JSON: ${(error as Error).message}`);
  }
  return parseScenario(raw);
}

export interface Reward {
  kind: RewardKind | 'rejected';
  user: string;
  /** null for a dividend. */
  order: string | null;
  amountFen: bigint;
  campaign: string | null;
  version: number | null;
}

export interface ScenarioResult {
  form: ScenarioForm;
  wallets: Map<string, bigint>;
  rewards: Reward[];
  /** The engine after the last event (facts, rules, projections). */
  engine: Engine;
}

export interface RunObserver {
  /** Called after each event with its index and effects (for summaries and progress). */
  onEvent?(index: number, event: EngineEvent, effects: readonly Effect[], engine: Engine): void;
}

/** Runs a scenario through a fresh engine. Throws ScenarioError naming the event index on bad input. */
export function runScenario(
  scenario: Scenario,
  observer: RunObserver = {},
  options?: PlanRuntimeOptions,
): ScenarioResult {
  const engine = new Engine(scenario.config, options);
  const wallets = new Map<string, bigint>();
  const rewards: Reward[] = [];
  const { events } = scenario;
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index] as EngineEvent;
    let effects: Effect[];
    try {
      effects = engine.apply(event);
    } catch (error) {
      if (error instanceof EngineInputError) throw new ScenarioError(error.code, error.message, index);
      throw error;
    }
    for (const effect of effects) {
      if (effect.type === 'transfer') {
        if (effect.user === undefined) continue;
        rewards.push({
          kind: effect.reason as RewardKind,
          user: effect.user,
          order: effect.order,
          amountFen: effect.amountFen,
          campaign: effect.campaign,
          version: effect.version,
        });
        wallets.set(effect.user, (wallets.get(effect.user) ?? 0n) + effect.amountFen);
      } else if (effect.type === 'rejected') {
        const version = effect.campaign === null ? null : (engine.entry(effect.campaign)?.ref.version ?? null);
        rewards.push({
          kind: 'rejected',
          user: effect.user,
          order: effect.order,
          amountFen: 0n,
          campaign: effect.campaign,
          version,
        });
      }
    }
    observer.onEvent?.(index, event, effects, engine);
  }
  if (scenario.error !== undefined) throw scenario.error;
  return { form: scenario.form ?? 'plans', wallets, rewards, engine };
}

/**
 * Unicode code point order (SPEC 4). JavaScript compares UTF-16 units, which agrees except where a surrogate
 * (U+D800..U+DFFF, part of a character beyond U+FFFF) meets a unit in U+E000..U+FFFF: moving surrogates above that
 * range at the first difference gives code point order.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

function walletsJson(wallets: ReadonlyMap<string, bigint>): Map<string, JsonValue> {
  // A Map, not an object: "__proto__" must be a key like any other, and "10" must follow "1".
  const users = [...wallets.keys()].sort(compareCodePoints);
  const out = new Map<string, JsonValue>();
  for (const user of users) out.set(user, wallets.get(user) ?? 0n);
  return out;
}

/** The result in the contract's shape: SPEC 4 for the plans form, docs/scenario.md for the campaigns form. */
export function resultToJson(result: ScenarioResult): JsonValue {
  const { engine } = result;
  if (result.form === 'campaigns') {
    const campaigns = new Map<string, JsonValue>();
    for (const entry of [...engine.campaigns()].sort((a, b) => a.created - b.created)) {
      campaigns.set(entry.ref.id, {
        plan: entry.ref.plan,
        version: entry.ref.version,
        ...(entry.definition.result?.json(entry.instance) ?? {}),
      });
    }
    return {
      campaigns,
      wallets: walletsJson(result.wallets),
      rewards: result.rewards.map((r) => ({
        kind: r.kind,
        campaign: r.campaign,
        version: r.version,
        user: r.user,
        order: r.order,
        amountFen: r.amountFen,
      })),
    };
  }
  // Plans form: one campaign per plan, named by the plan code. Sections ranked below 0 precede the wallets.
  const out = new Map<string, JsonValue>();
  const sections = PLANS.filter((p) => p.result !== undefined).sort(
    (a, b) => (a.result?.rank ?? 0) - (b.result?.rank ?? 0),
  );
  const put = (before: boolean): void => {
    for (const definition of sections) {
      const section = definition.result;
      if (section === undefined || section.rank < 0 !== before) continue;
      const entry = engine.entry(definition.code);
      const json = entry === undefined ? section.whenOff : section.json(entry.instance);
      for (const [key, value] of Object.entries(json ?? {})) out.set(key, value);
    }
  };
  put(true);
  out.set('wallets', walletsJson(result.wallets));
  out.set(
    'rewards',
    result.rewards.map((r) => ({ kind: r.kind, user: r.user, order: r.order, amountFen: r.amountFen })),
  );
  put(false);
  return out;
}
