import { findPlan } from '@mall/core';
import { configurePlan, loadPlans, planSchemaJson, type PlanRow } from '../../incentives/plans';
import { staffOf, type RouteModule } from '../context';
import { anyObject, bool, id, obj } from '../schemas';
import { byParam, staffRoute } from '../staff-route';

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
    staffRoute('plans:read', 'Plans with parameters and schema', {}, anyObject, undefined, []),
    async () => ({ items: (await loadPlans(db)).map(planJson) }),
  );

  app.put<{
    Params: { code: string };
    Body: { enabled: boolean; params?: Record<string, unknown>; acknowledgeRisk?: boolean };
  }>(
    '/api/admin/plans/:code',
    staffRoute(
      'plans:write',
      'Enable, disable or tune a plan. High-risk plans need acknowledgeRisk; parameters freeze after the first settlement (409 plan_in_use).',
      {
        params: obj({ code: id() }, ['code']),
        body: obj({ enabled: bool, params: anyObject, acknowledgeRisk: bool }, ['enabled']),
      },
      anyObject,
      // The risk acknowledgement is part of the plan's state (acknowledgedAt/By), so it shows in before/after.
      { action: 'plan.configure', entity: 'plan', target: byParam('code') },
      ['plan_not_found', 'compliance_refused', 'invalid_parameter', 'plan_in_use', 'risk_acknowledgement_required'],
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
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
