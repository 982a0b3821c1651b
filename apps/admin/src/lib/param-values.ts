import type { JsonValue, Plan } from '@mall/web-common/api-types';

/**
 * A plan's parameters ready for the form: the given values, else the schema's defaults; every list (rates, per-level
 * lists) present as an array the form can edit in place. Per-level lists get one 0 per level when absent.
 */
export function paramValues(
  plan: Pick<Plan, 'schema'>,
  given: Record<string, JsonValue> = {},
  levelCount = 0,
): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const [key, spec] of Object.entries(plan.schema)) {
    const value = given[key] ?? spec.default;
    if (spec.kind === 'perLevel') {
      values[key] = Array.isArray(value) && value.length > 0 ? [...value] : Array.from({ length: levelCount }, () => 0);
    } else if (value !== undefined) values[key] = JSON.parse(JSON.stringify(value)) as JsonValue;
  }
  return values;
}

/** What the server is sent: per-level lists only when levels exist (a plan that needs them is then refused). */
export function paramsBody(plan: Pick<Plan, 'schema'>, values: Record<string, JsonValue>, levelCount = 0) {
  const body: Record<string, JsonValue> = {};
  for (const [key, spec] of Object.entries(plan.schema)) {
    if (spec.kind === 'perLevel' && levelCount === 0) continue;
    const value = values[key];
    if (value !== undefined) body[key] = value;
  }
  return body;
}
