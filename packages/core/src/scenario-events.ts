import type { OrderLine } from './campaigns';
import type { EngineEvent } from './engine';

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

export type ScenarioForm = 'plans' | 'campaigns';

interface Shape {
  required: readonly string[];
  optional: readonly string[];
  /** Fields only the campaigns form accepts. */
  campaignsOnly?: readonly string[];
}

const EVENT_FIELDS: Record<string, Shape> = {
  join: { required: ['type', 'user'], optional: ['referrer'] },
  settle: {
    required: ['type', 'user', 'order', 'amountFen'],
    optional: ['lines', 'region'],
    campaignsOnly: ['campaigns'],
  },
  redeem: { required: ['type', 'user', 'order', 'units'], optional: [], campaignsOnly: ['campaign'] },
  setLevel: { required: ['type', 'user', 'level'], optional: [] },
  appoint: { required: ['type', 'user', 'region'], optional: [] },
  dismiss: { required: ['type', 'user', 'region'], optional: [] },
  periodClose: { required: ['type'], optional: [] },
  campaign: { required: ['type', 'id'], optional: [], campaignsOnly: ['plan', 'params', 'products', 'categories'] },
};

// The fields each event type accepts in each form, made once: a scenario checks 200,000 events against them.
function fieldSets(form: ScenarioForm): ReadonlyMap<string, ReadonlySet<string>> {
  const sets = new Map<string, ReadonlySet<string>>();
  for (const [type, shape] of Object.entries(EVENT_FIELDS)) {
    const extra = form === 'campaigns' ? (shape.campaignsOnly ?? []) : [];
    sets.set(type, new Set([...shape.required, ...shape.optional, ...extra]));
  }
  return sets;
}
const PLANS_FIELDS = fieldSets('plans');
const CAMPAIGNS_FIELDS = fieldSets('campaigns');

function idField(event: Record<string, unknown>, field: string, index: number): string {
  const value = event[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new ScenarioError('invalid_event', `${field} must be a non-empty string`, index);
  }
  return value;
}

/** A JSON integer (not 1.5, not "5", not true), non-negative, exact. */
export function integerValue(value: unknown, field: string, index: number): bigint {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ScenarioError('invalid_event', `${field} must be an integer, got ${JSON.stringify(value)}`, index);
  }
  if (value < 0) throw new ScenarioError('invalid_event', `${field} must be non-negative, got ${value}`, index);
  if (!Number.isSafeInteger(value)) {
    throw new ScenarioError(
      'invalid_event',
      `${field} ${value} is too large to be exact (max ${Number.MAX_SAFE_INTEGER})`,
      index,
    );
  }
  return BigInt(value);
}

function stringList(event: Record<string, unknown>, field: string, index: number): string[] {
  const value = event[field];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new ScenarioError('invalid_event', `${field} must be a list of non-empty strings`, index);
  }
  return value as string[];
}

function regionField(event: Record<string, unknown>, index: number): string[] {
  const value = event.region;
  if (
    !Array.isArray(value) ||
    value.length < 1 ||
    value.length > 3 ||
    !value.every((part) => typeof part === 'string' && part.length > 0)
  ) {
    throw new ScenarioError('invalid_event', 'region must be a list of 1 to 3 non-empty strings', index);
  }
  return value as string[];
}

function linesField(event: Record<string, unknown>, amountFen: bigint, index: number, form: ScenarioForm): OrderLine[] {
  const value = event.lines;
  if (!Array.isArray(value)) throw new ScenarioError('invalid_event', 'lines must be a list', index);
  let sum = 0n;
  const lines = value.map((raw, i): OrderLine => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ScenarioError('invalid_event', `lines[${i}] must be an object {product, amountFen}`, index);
    }
    const line = raw as Record<string, unknown>;
    for (const key of Object.keys(line)) {
      const known = key === 'product' || key === 'amountFen' || (form === 'campaigns' && key === 'category');
      if (!known) throw new ScenarioError('invalid_event', `unknown field ${key} in lines[${i}]`, index);
    }
    const product = line.product;
    if (typeof product !== 'string' || product.length === 0) {
      throw new ScenarioError('invalid_event', `lines[${i}].product must be a non-empty string`, index);
    }
    if (!Object.hasOwn(line, 'amountFen')) {
      throw new ScenarioError('invalid_event', `lines[${i}] is missing amountFen`, index);
    }
    const lineAmount = integerValue(line.amountFen, `lines[${i}].amountFen`, index);
    sum += lineAmount;
    if (line.category !== undefined && (typeof line.category !== 'string' || line.category.length === 0)) {
      throw new ScenarioError('invalid_event', `lines[${i}].category must be a non-empty string`, index);
    }
    return { product, amountFen: lineAmount, category: line.category as string | undefined };
  });
  if (sum !== amountFen) {
    throw new ScenarioError('invalid_event', `lines add up to ${sum}, not to amountFen ${amountFen}`, index);
  }
  return lines;
}

/** Checks one event's shape (SPEC 4); what needs state (unknown users, orders, levels) is the engine's to refuse. */
export function parseEvent(raw: unknown, index: number, form: ScenarioForm): EngineEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ScenarioError('invalid_event', 'event must be an object', index);
  }
  const event = raw as Record<string, unknown>;
  const type = event.type;
  const shape = typeof type === 'string' && Object.hasOwn(EVENT_FIELDS, type) ? EVENT_FIELDS[type] : undefined;
  if (shape === undefined || (type === 'campaign' && form === 'plans')) {
    throw new ScenarioError('unknown_event', `unknown event type ${JSON.stringify(type)}`, index);
  }
  const allowed = (form === 'campaigns' ? CAMPAIGNS_FIELDS : PLANS_FIELDS).get(type as string) as ReadonlySet<string>;
  for (const key of Object.keys(event)) {
    if (!allowed.has(key)) {
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
      const user = idField(event, 'user', index);
      const order = idField(event, 'order', index);
      const amountFen = integerValue(event.amountFen, 'amountFen', index);
      const lines = event.lines === undefined ? undefined : linesField(event, amountFen, index, form);
      const region = event.region === undefined ? undefined : regionField(event, index);
      const campaigns = event.campaigns === undefined ? undefined : stringList(event, 'campaigns', index);
      return { type: 'settle', user, order, amountFen, lines, region, campaigns };
    }
    case 'redeem': {
      const user = idField(event, 'user', index);
      const order = idField(event, 'order', index);
      const units = integerValue(event.units, 'units', index);
      const campaign = event.campaign === undefined ? undefined : idField(event, 'campaign', index);
      return { type: 'redeem', user, order, units, campaign };
    }
    case 'setLevel':
      return { type: 'setLevel', user: idField(event, 'user', index), level: idField(event, 'level', index) };
    case 'appoint':
    case 'dismiss':
      return { type, user: idField(event, 'user', index), region: regionField(event, index) };
    case 'periodClose':
      return { type: 'periodClose' };
    default:
      return {
        type: 'campaign',
        id: idField(event, 'id', index),
        plan: event.plan === undefined ? undefined : idField(event, 'plan', index),
        params: event.params,
        products: event.products === undefined ? undefined : stringList(event, 'products', index),
        categories: event.categories === undefined ? undefined : stringList(event, 'categories', index),
      };
  }
}
