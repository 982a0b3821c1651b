import {
  parseCampaign,
  parseEngineConfig,
  parseLevels,
  type CampaignConfig,
  type ConfigProblem,
  type EngineConfig,
} from './campaigns';
import type { EngineEvent } from './engine';
import { ScenarioError, parseEvent, type ScenarioForm } from './scenario-events';

/** What a scenario says before its events: the form and the validated campaigns and levels. */
export interface ScenarioHeader {
  form: ScenarioForm;
  config: EngineConfig;
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

/**
 * Every check parseScenario makes before the first event, in the same order and with the same messages: the
 * top-level fields, the levels, the plans or campaigns, and that "events" is a list. A reader that streams the
 * events passes the document with any list standing in for them.
 */
export function parseScenarioHeader(raw: unknown): ScenarioHeader {
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
  return { form, config };
}

/**
 * A scenario's events checked one at a time as they arrive, so a reader need not hold the raw list. Like
 * parseScenario it stops at the first malformed event: that event's error is kept, and later events are not looked
 * at (a run applies the events before it, then reports it).
 */
export class ScenarioEventParser {
  private index = 0;
  private failure: ScenarioError | undefined;

  constructor(readonly form: ScenarioForm) {}

  /** The event checked, or undefined once an event was malformed (this one or an earlier one). */
  next(raw: unknown): EngineEvent | undefined {
    if (this.failure !== undefined) return undefined;
    try {
      const event = parseEvent(raw, this.index, this.form);
      this.index += 1;
      return event;
    } catch (error) {
      if (error instanceof ScenarioError) {
        this.failure = error;
        return undefined;
      }
      throw error;
    }
  }

  /**
   * Counts an event a reader checked itself: a streaming reader may recognise the common shapes in the text (a join,
   * a plain settle) and build them without parseEvent, under the same rules. False, and nothing counted, once an
   * event was malformed (later events are not looked at).
   */
  countChecked(): boolean {
    if (this.failure !== undefined) return false;
    this.index += 1;
    return true;
  }

  /** The first malformed event's error, if there was one. */
  get error(): ScenarioError | undefined {
    return this.failure;
  }

  /** How many well-formed events came before the first malformed one (or the end). */
  get count(): number {
    return this.index;
  }
}
