import { findPlan } from '@mall/core';
import { configurePlan, loadPlans, planSchemaJson, type PlanRow } from '../../incentives/plans';
import { staffWith, type RouteModule } from '../context';
import { adminRoute, anyObject, bool, id, obj } from '../schemas';

function planJson(p: PlanRow) {
  const d = findPlan(p.code);
  return {
    code: p.code,
    title: d?.title,
    summary: d?.summary,
    highRisk: d?.highRisk ?? false,
    enabled: p.enabled,
    acknowledgedAt: p.acknowledgedAt,
    acknowledgedBy: p.acknowledgedBy,
    inUse: p.inUse,
    params: p.params,
    schema: d === undefined ? {} : planSchemaJson(d.params),
  };
}

/** The incentive plans: parameters with their schema (the admin form), enable/disable/tune. */
export const adminPlanRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/plans',
    adminRoute('Plans with parameters and schema (plans:read)', {}, anyObject, []),
    async (request) => {
      await staffWith(ctx, request, 'plans:read');
      return { items: (await loadPlans(db)).map(planJson) };
    },
  );

  app.put<{
    Params: { code: string };
    Body: { enabled: boolean; params?: Record<string, unknown>; acknowledgeRisk?: boolean };
  }>(
    '/api/admin/plans/:code',
    adminRoute(
      'Enable, disable or tune a plan (plans:write). High-risk plans need acknowledgeRisk; parameters freeze after the first settlement (409 plan_in_use).',
      {
        params: obj({ code: id() }, ['code']),
        body: obj({ enabled: bool, params: anyObject, acknowledgeRisk: bool }, ['enabled']),
      },
      anyObject,
      ['plan_not_found', 'compliance_refused', 'invalid_parameter', 'plan_in_use', 'risk_acknowledgement_required'],
    ),
    async (request) => {
      const staff = await staffWith(ctx, request, 'plans:write');
      const { plan, paramsChanged, warnings } = await configurePlan(
        db,
        request.params.code,
        request.body,
        `staff:${staff.username}`,
        (work) => ctx.sequencer.run((trx) => work(trx)),
      );
      if (paramsChanged) ctx.sequencer.invalidate();
      return { plan: planJson(plan), warnings };
    },
  );
};
