/**
 * Typed, validated plan parameters. One schema validates an operator's config, drives the admin form,
 * and documents the plan, so the three can never disagree.
 */
export interface Label {
  zh: string;
  en: string;
}

interface ParamBase {
  label: Label;
  help?: Label;
}

export interface IntegerParam extends ParamBase {
  kind: 'bps' | 'fen' | 'integer';
  default: number;
  min: number;
  max: number;
}

export interface IntegerListParam extends ParamBase {
  kind: 'bpsList';
  default: readonly number[];
  min: number;
  max: number;
  minLength: number;
  maxLength: number;
}

export interface ChoiceParam extends ParamBase {
  kind: 'choice';
  default: string;
  choices: readonly { value: string; label: Label }[];
}

/**
 * One integer per member level (SPEC 3.5), so its length is the platform's level count. It has no default: it is
 * required always, or only while another (choice) parameter has a given value; otherwise it is ignored.
 */
export interface PerLevelParam extends ParamBase {
  kind: 'perLevel';
  min: number;
  max: number;
  requiredWhen?: { param: string; equals: string };
}

export interface BooleanParam extends ParamBase {
  kind: 'boolean';
  default: boolean;
}

export type ParamSpec = IntegerParam | IntegerListParam | ChoiceParam | PerLevelParam | BooleanParam;
export type ParamSchema = Readonly<Record<string, ParamSpec>>;

/** The validated value type a schema describes: integers as number (all bounded far below 2^53), lists as arrays. */
export type ParamValues<S extends ParamSchema> = {
  readonly [K in keyof S]: S[K] extends IntegerListParam | PerLevelParam
    ? readonly number[]
    : S[K] extends ChoiceParam
      ? string
      : S[K] extends BooleanParam
        ? boolean
        : number;
};

export interface ParamProblem {
  param: string;
  code:
    | 'unknown_plan'
    | 'unknown_parameter'
    | 'invalid_parameter'
    | 'parameter_out_of_range'
    | 'missing_parameter'
    | 'levels_required'
    | 'compliance_refused';
  message: string;
}

/** What validation needs to know beyond the values: the platform's member levels. */
export interface ParamContext {
  levelCount: number;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function checkList(
  name: string,
  value: unknown,
  min: number,
  max: number,
  minLength: number,
  maxLength: number,
): ParamProblem | undefined {
  if (!Array.isArray(value)) {
    return { param: name, code: 'invalid_parameter', message: `${name} must be a list of integers` };
  }
  if (value.length < minLength || value.length > maxLength) {
    const expected = minLength === maxLength ? `${minLength}` : `${minLength} to ${maxLength}`;
    return {
      param: name,
      code: 'parameter_out_of_range',
      message: `${name} must have ${expected} entries, got ${value.length}`,
    };
  }
  for (const [i, item] of value.entries()) {
    if (!isInteger(item)) {
      return { param: name, code: 'invalid_parameter', message: `${name}[${i}] must be an integer` };
    }
    if (item < min || item > max) {
      return {
        param: name,
        code: 'parameter_out_of_range',
        message: `${name}[${i}] must be between ${min} and ${max}, got ${item}`,
      };
    }
  }
  return undefined;
}

function checkOne(name: string, spec: ParamSpec, value: unknown, context: ParamContext): ParamProblem | undefined {
  if (spec.kind === 'perLevel') {
    return checkList(name, value, spec.min, spec.max, context.levelCount, context.levelCount);
  }
  if (spec.kind === 'boolean') {
    return typeof value === 'boolean'
      ? undefined
      : { param: name, code: 'invalid_parameter', message: `${name} must be true or false` };
  }
  if (spec.kind === 'choice') {
    if (typeof value !== 'string' || !spec.choices.some((c) => c.value === value)) {
      const allowed = spec.choices.map((c) => c.value).join(', ');
      return { param: name, code: 'invalid_parameter', message: `${name} must be one of ${allowed}` };
    }
    return undefined;
  }
  if (spec.kind === 'bpsList') return checkList(name, value, spec.min, spec.max, spec.minLength, spec.maxLength);
  if (!isInteger(value)) return { param: name, code: 'invalid_parameter', message: `${name} must be an integer` };
  if (value < spec.min || value > spec.max) {
    return {
      param: name,
      code: 'parameter_out_of_range',
      message: `${name} must be between ${spec.min} and ${spec.max}, got ${value}`,
    };
  }
  return undefined;
}

/** Validates raw config against a schema and fills defaults; returns every problem found, not just the first. */
export function parseParams<S extends ParamSchema>(
  schema: S,
  raw: unknown,
  context: ParamContext = { levelCount: 0 },
): { ok: true; value: ParamValues<S> } | { ok: false; problems: ParamProblem[] } {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ param: '', code: 'invalid_parameter', message: 'parameters must be an object' }] };
  }
  const problems: ParamProblem[] = [];
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(schema, key)) {
      problems.push({ param: key, code: 'unknown_parameter', message: `unknown parameter ${key}` });
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    if (spec.kind === 'perLevel') {
      const when = spec.requiredWhen;
      const choice =
        when === undefined
          ? undefined
          : (input[when.param] ?? (schema[when.param] as { default?: unknown } | undefined)?.default);
      if (when !== undefined && choice !== when.equals) {
        // Ignored in this configuration (SPEC 3.5: weights are ignored with the ranking basis).
        out[name] = [];
        continue;
      }
      if (context.levelCount === 0) {
        problems.push({
          param: name,
          code: 'levels_required',
          message: `${name} needs member levels, none are defined`,
        });
        continue;
      }
      if (!Object.hasOwn(input, name)) {
        problems.push({ param: name, code: 'missing_parameter', message: `${name} is required (one per level)` });
        continue;
      }
    }
    const value = Object.hasOwn(input, name) ? input[name] : (spec as { default?: unknown }).default;
    const problem = checkOne(name, spec, value, context);
    if (problem) problems.push(problem);
    else out[name] = Array.isArray(value) ? [...(value as number[])] : value;
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: out as ParamValues<S> };
}

/**
 * The defaults of a schema, as a plain object (for forms and docs). Per-level lists have no default: pass them
 * in `given` (with the context's level count) when the schema has one.
 */
export function defaultParams<S extends ParamSchema>(
  schema: S,
  given: Record<string, unknown> = {},
  context?: ParamContext,
): ParamValues<S> {
  const result = parseParams(schema, given, context);
  if (!result.ok) throw new Error(`schema defaults are invalid: ${result.problems[0]?.message}`);
  return result.value;
}

/**
 * The JSON Schema (OpenAPI 3.1 dialect) of a plan's parameters: what the admin form and the OpenAPI document
 * show. Labels travel as `title` (zh) and `x-label` (both languages).
 */
export function paramsJsonSchema(schema: ParamSchema, context: ParamContext = { levelCount: 0 }): JsonSchemaObject {
  const properties: Record<string, JsonSchemaObject> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    const common = { title: spec.label.zh, 'x-label': { ...spec.label }, 'x-kind': spec.kind };
    if (spec.kind === 'boolean') {
      properties[name] = { ...common, type: 'boolean', default: spec.default };
    } else if (spec.kind === 'choice') {
      properties[name] = { ...common, type: 'string', enum: spec.choices.map((c) => c.value), default: spec.default };
    } else if (spec.kind === 'bpsList') {
      properties[name] = {
        ...common,
        type: 'array',
        items: { type: 'integer', minimum: spec.min, maximum: spec.max },
        minItems: spec.minLength,
        maxItems: spec.maxLength,
        default: [...spec.default],
      };
    } else if (spec.kind === 'perLevel') {
      properties[name] = {
        ...common,
        type: 'array',
        items: { type: 'integer', minimum: spec.min, maximum: spec.max },
        minItems: context.levelCount,
        maxItems: context.levelCount,
      };
      if (spec.requiredWhen === undefined) required.push(name);
    } else {
      properties[name] = { ...common, type: 'integer', minimum: spec.min, maximum: spec.max, default: spec.default };
    }
  }
  return { type: 'object', additionalProperties: false, properties, ...(required.length > 0 ? { required } : {}) };
}

export type JsonSchemaObject = { readonly [key: string]: JsonSchemaValue };
type JsonSchemaValue = string | number | boolean | readonly JsonSchemaValue[] | JsonSchemaObject;
