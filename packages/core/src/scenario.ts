import type { Effect } from './effects';
import { Engine, EngineInputError, parseEngineConfig, type EngineConfig, type EngineEvent } from './engine';
import type { JsonValue } from './json';
import type { PlanRuntimeOptions } from './plan';

/** A scenario file (SPEC 4) after validation. */
export interface Scenario {
  config: EngineConfig;
  events: EngineEvent[];
}

/** Bad scenario input. `index` names the event when the problem is in one. */
export class ScenarioError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly index?: number,
  ) {
    super(index === undefined ? message : `event ${index}: ${message}`);
    this.name = 'ScenarioError';
  }
}

const EVENT_FIELDS: Record<string, { required: readonly string[]; optional: readonly string[] }> = {
  join: { required: ['type', 'user'], optional: ['referrer'] },
  settle: { required: ['type', 'user', 'order', 'amountFen'], optional: ['plans'] },
  redeem: { required: ['type', 'user', 'order', 'units'], optional: [] },
};

function idField(event: Record<string, unknown>, field: string, index: number): string {
  const value = event[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new ScenarioError('invalid_event', `${field} must be a non-empty string`, index);
  }
  return value;
}

function integerField(event: Record<string, unknown>, field: string, index: number, positive: boolean): bigint {
  const value = event[field];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ScenarioError('invalid_event', `${field} must be an integer, got ${JSON.stringify(value)}`, index);
  }
  if (value < 0 || (positive && value === 0)) {
    throw new ScenarioError(
      'invalid_event',
      `${field} must be ${positive ? 'positive' : 'non-negative'}, got ${value}`,
      index,
    );
  }
  if (!Number.isSafeInteger(value)) {
    throw new ScenarioError(
      'invalid_event',
      `${field} ${value} is too large to be exact (max ${Number.MAX_SAFE_INTEGER})`,
      index,
    );
  }
  return BigInt(value);
}

function parseEvent(raw: unknown, index: number): EngineEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ScenarioError('invalid_event', 'event must be an object', index);
  }
  const event = raw as Record<string, unknown>;
  const type = event.type;
  const shape = typeof type === 'string' ? EVENT_FIELDS[type] : undefined;
  if (shape === undefined)
    throw new ScenarioError('unknown_event', `unknown event type ${JSON.stringify(type)}`, index);
  for (const key of Object.keys(event)) {
    if (!shape.required.includes(key) && !shape.optional.includes(key)) {
      throw new ScenarioError('invalid_event', `unknown field ${key} in a ${String(type)} event`, index);
    }
  }
  for (const key of shape.required) {
    if (!Object.hasOwn(event, key)) throw new ScenarioError('invalid_event', `missing field ${key}`, index);
  }
  switch (type) {
    case 'join': {
      const user = idField(event, 'user', index);
      const referrer = event.referrer === undefined ? undefined : idField(event, 'referrer', index);
      return { type: 'join', user, referrer };
    }
    case 'settle': {
      let plans: string[] | undefined;
      if (event.plans !== undefined) {
        if (!Array.isArray(event.plans) || !event.plans.every((p) => typeof p === 'string')) {
          throw new ScenarioError('invalid_event', 'plans must be a list of plan codes', index);
        }
        plans = event.plans as string[];
      }
      return {
        type: 'settle',
        user: idField(event, 'user', index),
        order: idField(event, 'order', index),
        amountFen: integerField(event, 'amountFen', index, false),
        plans,
      };
    }
    default:
      return {
        type: 'redeem',
        user: idField(event, 'user', index),
        order: idField(event, 'order', index),
        units: integerField(event, 'units', index, true),
      };
  }
}

/** Validates a scenario's shape and parameters. Semantic checks (unknown users and orders) happen in `runScenario`. */
export function parseScenario(raw: unknown): Scenario {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ScenarioError('invalid_scenario', 'a scenario must be a JSON object with "plans" and "events"');
  }
  const doc = raw as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (key !== 'plans' && key !== 'events')
      throw new ScenarioError('invalid_scenario', `unknown top-level field ${key}`);
  }
  const parsed = parseEngineConfig(doc.plans);
  if (!parsed.ok) {
    throw new ScenarioError(
      parsed.problems[0]?.code ?? 'invalid_parameter',
      parsed.problems.map((p) => p.message).join('; '),
    );
  }
  if (!Array.isArray(doc.events)) throw new ScenarioError('invalid_scenario', '"events" must be a list');
  const events = doc.events.map((e, i) => parseEvent(e, i));
  for (const [index, event] of events.entries()) {
    if (event.type === 'settle' && event.plans) {
      for (const code of event.plans) {
        if (!parsed.config.plans.has(code)) {
          throw new ScenarioError('unknown_plan', `plan ${code} is not configured in this scenario`, index);
        }
      }
    }
  }
  return { config: parsed.config, events };
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

export type RewardKind = 'referralCycle' | 'appreciationExit' | 'appreciationRedeem' | 'rejected';

export interface Reward {
  kind: RewardKind;
  user: string;
  order: string;
  amountFen: bigint;
}

export interface ScenarioPosition {
  order: string;
  user: string;
  units: bigint;
  capFen: bigint;
  realizedFen: bigint;
  paidFen: bigint;
  status: 'open' | 'exited' | 'closed';
}

export interface ScenarioResult {
  pool: { cashFen: bigint; supplyUnits: bigint };
  positions: ScenarioPosition[];
  wallets: Map<string, bigint>;
  rewards: Reward[];
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
      if (effect.type === 'transfer' && effect.user !== undefined && effect.reason !== 'poolContribution') {
        rewards.push({ kind: effect.reason, user: effect.user, order: effect.order, amountFen: effect.amountFen });
        wallets.set(effect.user, (wallets.get(effect.user) ?? 0n) + effect.amountFen);
      } else if (effect.type === 'rejected') {
        rewards.push({ kind: 'rejected', user: effect.user, order: effect.order, amountFen: 0n });
      }
    }
    observer.onEvent?.(index, event, effects, engine);
  }
  const pool = engine.pool;
  return {
    pool: { cashFen: pool?.state.cashFen ?? 0n, supplyUnits: pool?.state.supplyUnits ?? 0n },
    positions: (pool?.positions ?? []).map((p) => ({
      order: p.order,
      user: p.user,
      units: p.units,
      capFen: p.capFen,
      realizedFen: p.realizedFen,
      paidFen: p.paidFen,
      status: p.status,
    })),
    wallets,
    rewards,
  };
}

/** The result in the contract's shape (SPEC 4): wallets sorted by user id. */
export function resultToJson(result: ScenarioResult): JsonValue {
  const users = [...result.wallets.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // A Map, not an object: "__proto__" must be a key like any other, and "10" must follow "1" and precede "9".
  const wallets = new Map<string, JsonValue>();
  for (const user of users) wallets.set(user, result.wallets.get(user) ?? 0n);
  return {
    pool: { cashFen: result.pool.cashFen, supplyUnits: result.pool.supplyUnits },
    positions: result.positions.map((p) => ({
      order: p.order,
      user: p.user,
      units: p.units,
      capFen: p.capFen,
      realizedFen: p.realizedFen,
      paidFen: p.paidFen,
      status: p.status,
    })),
    wallets,
    rewards: result.rewards.map((r) => ({ kind: r.kind, user: r.user, order: r.order, amountFen: r.amountFen })),
  };
}
