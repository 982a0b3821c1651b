/**
 * Event checks of the independent SPEC model (SPEC 4 "Bad input"), done one event at a time against the state the
 * earlier events built, so the error names the event where the problem is.
 */
import {
  isObject,
  jsonInteger,
  ModelInputError,
  nonEmptyString,
  onlyKeys,
  regionPath,
  type JsonObject,
  type ModelConfig,
} from './model-input.test-helper';

export type ModelLine = { product: string; amountFen: bigint };
export type ModelEvent =
  | { type: 'join'; user: string; referrer: string | undefined }
  | {
      type: 'settle';
      user: string;
      order: string;
      amountFen: bigint;
      lines: ModelLine[] | undefined;
      region: string[] | undefined;
    }
  | { type: 'redeem'; user: string; order: string; units: bigint }
  | { type: 'setLevel'; user: string; level: string }
  | { type: 'appoint' | 'dismiss'; user: string; region: string[] }
  | { type: 'periodClose' };

/** What event checks need to know of the state. */
export interface EventContext {
  readonly config: ModelConfig;
  readonly users: ReadonlyMap<string, unknown>;
  readonly orders: ReadonlyMap<string, unknown>;
  isAppointed(user: string, region: readonly string[]): boolean;
}

// SPEC 4 lists each event's fields; the mode library adds `region` and `lines` on settle and four events.
const FIELDS: Record<string, { required: string[]; optional: string[] }> = {
  join: { required: ['user'], optional: ['referrer'] },
  settle: { required: ['user', 'order', 'amountFen'], optional: ['region', 'lines'] },
  redeem: { required: ['user', 'order', 'units'], optional: [] },
  setLevel: { required: ['user', 'level'], optional: [] },
  appoint: { required: ['user', 'region'], optional: [] },
  dismiss: { required: ['user', 'region'], optional: [] },
  periodClose: { required: [], optional: [] },
};

/** "a negative or non-integer amount or unit count" is bad input; 0 is neither. */
function count(event: JsonObject, field: string, index: number): bigint {
  const n = jsonInteger(event[field], field, index);
  if (n < 0n) throw new ModelInputError(`${field} must not be negative`, index);
  return n;
}

function knownUser(ctx: EventContext, event: JsonObject, index: number): string {
  const user = nonEmptyString(event.user, 'user', index);
  if (!ctx.users.has(user)) throw new ModelInputError(`unknown user ${user}`, index);
  return user;
}

/** SPEC 4: lines `[{product, amountFen}]` "must add up to amountFen". */
function readLines(raw: unknown, amountFen: bigint, index: number): ModelLine[] {
  if (!Array.isArray(raw)) throw new ModelInputError('lines must be a list', index);
  const lines = raw.map((line): ModelLine => {
    if (!isObject(line)) throw new ModelInputError('a line must be an object', index);
    onlyKeys(line, ['product', 'amountFen'], 'a line', index);
    const product = nonEmptyString(line.product, 'a line product', index);
    return { product, amountFen: count(line, 'amountFen', index) };
  });
  const sum = lines.reduce((s, l) => s + l.amountFen, 0n);
  if (sum !== amountFen) throw new ModelInputError(`lines add up to ${sum}, not amountFen ${amountFen}`, index);
  return lines;
}

export function readEvent(raw: unknown, index: number, ctx: EventContext): ModelEvent {
  if (!isObject(raw)) throw new ModelInputError('an event must be an object', index);
  const type = raw.type;
  const fields = typeof type === 'string' && Object.hasOwn(FIELDS, type) ? FIELDS[type] : undefined;
  if (fields === undefined) throw new ModelInputError(`unknown event type ${JSON.stringify(type)}`, index);
  onlyKeys(raw, ['type', ...fields.required, ...fields.optional], `a ${String(type)} event`, index);
  for (const field of fields.required) {
    if (!Object.hasOwn(raw, field)) throw new ModelInputError(`missing field ${field}`, index);
  }
  switch (type) {
    case 'join': {
      // "a user or order id used twice"; "unknown ... referrer"; a referrer must have joined before, so no loop.
      const user = nonEmptyString(raw.user, 'user', index);
      if (ctx.users.has(user)) throw new ModelInputError(`user ${user} joins twice`, index);
      if (raw.referrer === undefined) return { type, user, referrer: undefined };
      const referrer = nonEmptyString(raw.referrer, 'referrer', index);
      if (!ctx.users.has(referrer)) throw new ModelInputError(`unknown referrer ${referrer}`, index);
      return { type, user, referrer };
    }
    case 'settle': {
      const user = knownUser(ctx, raw, index);
      // "user ids and order ids are separate namespaces"; "an order of 0 fen uses up its id".
      const order = nonEmptyString(raw.order, 'order', index);
      if (ctx.orders.has(order)) throw new ModelInputError(`order ${order} settles twice`, index);
      const amountFen = count(raw, 'amountFen', index);
      const lines = raw.lines === undefined ? undefined : readLines(raw.lines, amountFen, index);
      const region = raw.region === undefined ? undefined : regionPath(raw.region, index);
      return { type, user, order, amountFen, lines, region };
    }
    case 'redeem': {
      const user = knownUser(ctx, raw, index);
      // "redeeming an order before it settles is an unknown order".
      const order = nonEmptyString(raw.order, 'order', index);
      if (!ctx.orders.has(order)) throw new ModelInputError(`unknown order ${order}`, index);
      return { type, user, order, units: count(raw, 'units', index) };
    }
    case 'setLevel': {
      // "an unknown level" is bad input; "setLevel ... valid (and checked) even when their plan is off".
      const user = knownUser(ctx, raw, index);
      const level = nonEmptyString(raw.level, 'level', index);
      if (!ctx.config.levels.some((l) => l.code === level)) throw new ModelInputError(`unknown level ${level}`, index);
      return { type, user, level };
    }
    case 'appoint':
    case 'dismiss': {
      // "appointing an agent twice to one region or dismissing one who is not appointed" is bad input.
      const user = knownUser(ctx, raw, index);
      const region = regionPath(raw.region, index);
      const appointed = ctx.isAppointed(user, region);
      if (type === 'appoint' && appointed) throw new ModelInputError(`${user} is already agent of ${region}`, index);
      if (type === 'dismiss' && !appointed) throw new ModelInputError(`${user} is not agent of ${region}`, index);
      return { type, user, region };
    }
    default:
      return { type: 'periodClose' };
  }
}
