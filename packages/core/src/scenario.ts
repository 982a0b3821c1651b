import type { EngineConfig } from './campaigns';
import type { Effect, RewardKind } from './effects';
import { Engine, EngineInputError, type EngineEvent } from './engine';
import type { PlanRuntimeOptions } from './plan';
import { ScenarioError, type ScenarioForm } from './scenario-events';
import { ScenarioEventParser, parseScenarioHeader } from './scenario-parser';
import type { Reward, ScenarioResult } from './scenario-result';

export { ScenarioError, type ScenarioForm } from './scenario-events';
export { ScenarioEventParser, parseScenarioHeader, type ScenarioHeader } from './scenario-parser';
export { compareCodePoints, resultToJson, writeResult, type Reward, type ScenarioResult } from './scenario-result';

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

/** Validates a scenario's shape and parameters. Semantic checks (unknown users and orders) happen in `runScenario`. */
export function parseScenario(raw: unknown): Scenario {
  const { form, config } = parseScenarioHeader(raw);
  const parser = new ScenarioEventParser(form);
  const events: EngineEvent[] = [];
  for (const rawEvent of (raw as { events: unknown[] }).events) {
    const event = parser.next(rawEvent);
    if (event === undefined) break;
    events.push(event);
  }
  return parser.error === undefined ? { form, config, events } : { form, config, events, error: parser.error };
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

export interface RunObserver {
  /** Called after each event with its index and effects (for summaries and progress). */
  onEvent?(index: number, event: EngineEvent, effects: readonly Effect[], engine: Engine): void;
}

/**
 * A fresh engine fed one event at a time, collecting the wallets and rewards of the result: a reader can apply
 * events as it parses them, without holding the list.
 */
export class ScenarioRun {
  readonly engine: Engine;
  private readonly wallets = new Map<string, bigint>();
  private readonly rewards: Reward[] = [];
  private index = 0;

  constructor(
    config: EngineConfig,
    private readonly form: ScenarioForm = 'plans',
    private readonly observer: RunObserver = {},
    options?: PlanRuntimeOptions,
  ) {
    this.engine = new Engine(config, options);
  }

  /** Applies the next event. Throws ScenarioError naming the event index when the engine refuses it. */
  apply(event: EngineEvent): void {
    const { engine, wallets, rewards } = this;
    const index = this.index;
    let effects: Effect[];
    try {
      effects = engine.apply(event);
    } catch (error) {
      if (error instanceof EngineInputError) throw new ScenarioError(error.code, error.message, index);
      throw error;
    }
    this.index = index + 1;
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
    this.observer.onEvent?.(index, event, effects, engine);
  }

  /** How many events were applied. */
  get applied(): number {
    return this.index;
  }

  result(): ScenarioResult {
    return { form: this.form, wallets: this.wallets, rewards: this.rewards, engine: this.engine };
  }
}

/** Runs a scenario through a fresh engine. Throws ScenarioError naming the event index on bad input. */
export function runScenario(
  scenario: Scenario,
  observer: RunObserver = {},
  options?: PlanRuntimeOptions,
): ScenarioResult {
  const run = new ScenarioRun(scenario.config, scenario.form ?? 'plans', observer, options);
  for (const event of scenario.events) run.apply(event);
  if (scenario.error !== undefined) throw scenario.error;
  return run.result();
}
