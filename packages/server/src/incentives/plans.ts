import {
  PLANS,
  compliancePolicy,
  defaultParams,
  paramsJsonSchema,
  type JsonSchemaObject,
  type ParamSchema,
} from '@mall/core';

/**
 * The plans the mall offers are core's registry: every form (campaigns, simulator), the OpenAPI schema of plan
 * parameters and the rules page iterate it, so a plan registered in core appears here without a server change.
 * Plans have no state of their own on the server any more: campaigns are their instances.
 */
export function planSchemaJson(schema: ParamSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

export function planCatalog(levelCount = 0) {
  return PLANS.map((p) => {
    const policy = compliancePolicy(p.code);
    return {
      code: p.code,
      title: p.title,
      summary: p.summary,
      highRisk: p.highRisk,
      referralLevels: p.referralLevels,
      refused: policy?.refused ?? null,
      rewardKinds: Object.entries(p.rewardKinds).map(([kind, label]) => ({ kind, label })),
      records: Object.entries(p.records).map(([kind, label]) => ({ kind, label })),
      events: p.events,
      schema: planSchemaJson(p.params),
      defaults: defaultParamsOrEmpty(p.params, levelCount),
      jsonSchema: paramsJsonSchema(p.params, { levelCount }),
    };
  });
}

/**
 * The OpenAPI components of plan parameters, `PlanParams.{code}` for every registered plan: what a campaign's
 * `params` hold for its plan. Documentation only: core validates parameters (422 `invalid_parameter`).
 */
export function planParamsComponents(levelCount = 0): Record<string, JsonSchemaObject> {
  return Object.fromEntries(PLANS.map((p) => [`PlanParams.${p.code}`, paramsJsonSchema(p.params, { levelCount })]));
}

/** Defaults of a schema; a per-level parameter has none, so it is left out until levels exist. */
function defaultParamsOrEmpty(schema: ParamSchema, levelCount: number): Record<string, unknown> {
  try {
    return { ...defaultParams(schema, {}, { levelCount }) } as Record<string, unknown>;
  } catch {
    return {};
  }
}
