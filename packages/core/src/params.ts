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

export type ParamSpec = IntegerParam | IntegerListParam | ChoiceParam;
export type ParamSchema = Readonly<Record<string, ParamSpec>>;

/** The validated value type a schema describes: integers as number (all bounded far below 2^53), lists as arrays. */
export type ParamValues<S extends ParamSchema> = {
  readonly [K in keyof S]: S[K] extends IntegerListParam
    ? readonly number[]
    : S[K] extends ChoiceParam
      ? string
      : number;
};

export interface ParamProblem {
  param: string;
  code: 'unknown_plan' | 'unknown_parameter' | 'invalid_parameter' | 'parameter_out_of_range';
  message: string;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function checkOne(name: string, spec: ParamSpec, value: unknown): ParamProblem | undefined {
  if (spec.kind === 'choice') {
    if (typeof value !== 'string' || !spec.choices.some((c) => c.value === value)) {
      const allowed = spec.choices.map((c) => c.value).join(', ');
      return { param: name, code: 'invalid_parameter', message: `${name} must be one of ${allowed}` };
    }
    return undefined;
  }
  if (spec.kind === 'bpsList') {
    if (!Array.isArray(value)) {
      return { param: name, code: 'invalid_parameter', message: `${name} must be a list of integers` };
    }
    if (value.length < spec.minLength || value.length > spec.maxLength) {
      return {
        param: name,
        code: 'parameter_out_of_range',
        message: `${name} must have ${spec.minLength} to ${spec.maxLength} entries, got ${value.length}`,
      };
    }
    for (const [i, item] of value.entries()) {
      if (!isInteger(item)) {
        return { param: name, code: 'invalid_parameter', message: `${name}[${i}] must be an integer` };
      }
      if (item < spec.min || item > spec.max) {
        return {
          param: name,
          code: 'parameter_out_of_range',
          message: `${name}[${i}] must be between ${spec.min} and ${spec.max}, got ${item}`,
        };
      }
    }
    return undefined;
  }
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
    const value = Object.hasOwn(input, name) ? input[name] : spec.default;
    const problem = checkOne(name, spec, value);
    if (problem) problems.push(problem);
    else out[name] = Array.isArray(value) ? [...(value as number[])] : value;
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: out as ParamValues<S> };
}

/** The defaults of a schema, as a plain object (for forms and docs). */
export function defaultParams<S extends ParamSchema>(schema: S): ParamValues<S> {
  const result = parseParams(schema, {});
  if (!result.ok) throw new Error(`schema defaults are invalid: ${result.problems[0]?.message}`);
  return result.value;
}
