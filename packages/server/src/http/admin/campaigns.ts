import { listProducts } from '../../commerce/catalog';
import {
  CAMPAIGN_STATUSES,
  campaignAuditLog,
  campaignJson,
  campaignVersions,
  coversProduct,
  loadCampaigns,
  productWarnings,
  type CampaignStatus,
} from '../../incentives/campaigns';
import { createCampaign, editCampaign, setCampaignStatus } from '../../incentives/campaign-commands';
import type { CampaignPatch } from '../../incentives/campaign-commands';
import { fail } from '../../platform/errors';
import { staffOf, type RouteModule } from '../context';
import { anyObject, arr, bool, int, nullable, obj, str } from '../schemas';
import { answerId, byParam, staffRoute } from '../staff-route';

const idList = arr(str({ minLength: 1, maxLength: 100 }), { maxItems: 500 });
const scopeSchema = nullable(obj({ products: idList, categories: idList }));
const time = nullable(str({ format: 'date-time' }));
/** A campaign's parameters depend on its plan: the OpenAPI document has each plan's as `PlanParams.{code}`. */
const paramsSchema = { ...anyObject, description: "The plan's parameters: see components.schemas PlanParams.{plan}" };
const campaignId = obj({ id: str({ minLength: 1, maxLength: 64 }) }, ['id']);

interface CreateBody extends CampaignPatch {
  id?: string;
  plan: string;
  name: string;
}

/**
 * Campaigns (营销活动): list, create, edit (parameters or scope: a new version for later settlements), enable with
 * the SPEC 3.4 acknowledgement, pause, end; each campaign's versions, products covered with their margin warnings,
 * and the log of who did what.
 */
export const adminCampaignRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const actor = (username: string) => `staff:${username}`;

  /** A campaign with what the page shows around it: versions, covered products and their warnings, its log. */
  const detail = async (id: string) => {
    const campaigns = await loadCampaigns(db);
    const campaign = campaigns.find((c) => c.id === id);
    if (campaign === undefined) fail('campaign_not_found', id);
    const covered = (await listProducts(db, { onShelfOnly: false })).filter((p) => coversProduct(campaign, p));
    return {
      campaign: campaignJson(campaign),
      versions: await campaignVersions(db, id),
      products: covered.map((p) => ({ id: p.id, title: p.title, onShelf: p.onShelf })),
      warnings: covered.flatMap((p) => productWarnings(campaigns, p)),
      log: await campaignAuditLog(db, { campaign: id, limit: 100 }),
    };
  };

  app.get<{ Querystring: { plan?: string; status?: string } }>(
    '/api/admin/campaigns',
    staffRoute(
      'plans:read',
      'Campaigns in creation order, optionally of one plan or status',
      { querystring: obj({ plan: str({ maxLength: 64 }), status: str({ enum: [...CAMPAIGN_STATUSES] }) }) },
      anyObject,
    ),
    async (request) => {
      const { plan, status } = request.query;
      const items = (await loadCampaigns(db)).filter(
        (c) => (plan === undefined || c.plan === plan) && (status === undefined || c.status === status),
      );
      return { items: items.map(campaignJson) };
    },
  );

  app.get<{ Querystring: { campaign?: string; limit?: number } }>(
    '/api/admin/campaign-log',
    staffRoute(
      'plans:read',
      'Who created, edited, enabled (with the SPEC 3.4 acknowledgement), paused or ended campaigns, newest first',
      { querystring: obj({ campaign: str({ maxLength: 64 }), limit: int({ minimum: 1, maximum: 500 }) }) },
      anyObject,
    ),
    async (request) => {
      return {
        items: await campaignAuditLog(db, { campaign: request.query.campaign, limit: request.query.limit ?? 100 }),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/campaigns/:id',
    staffRoute(
      'plans:read',
      'A campaign with its versions, covered products, margin warnings and log',
      { params: campaignId },
      anyObject,
    ),
    async (request) => {
      return detail(request.params.id);
    },
  );

  app.post<{ Body: CreateBody }>(
    '/api/admin/campaigns',
    staffRoute(
      'plans:write',
      'Create a campaign as a draft: a plan, its parameters, a scope (null: every product), a window',
      {
        body: obj(
          {
            id: str({ minLength: 1, maxLength: 64 }),
            plan: str({ minLength: 1, maxLength: 64 }),
            name: str({ minLength: 1, maxLength: 60 }),
            params: paramsSchema,
            scope: scopeSchema,
            startsAt: time,
            endsAt: time,
          },
          ['plan', 'name'],
        ),
      },
      anyObject,
      { action: 'campaign.create', entity: 'campaign', answerTarget: answerId('campaign') },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      const created = await createCampaign(ctx.sequencer, request.body, actor(staff.username));
      return detail(created.id);
    },
  );

  app.put<{ Params: { id: string }; Body: CampaignPatch }>(
    '/api/admin/campaigns/:id',
    staffRoute(
      'plans:write',
      'Edit a campaign: new parameters or scope make a new version for orders settled from now on',
      {
        params: campaignId,
        body: obj({
          name: str({ minLength: 1, maxLength: 60 }),
          params: paramsSchema,
          scope: scopeSchema,
          startsAt: time,
          endsAt: time,
        }),
      },
      anyObject,
      { action: 'campaign.update', entity: 'campaign', target: byParam() },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      const { newVersion } = await editCampaign(ctx.sequencer, request.params.id, request.body, actor(staff.username));
      return { ...(await detail(request.params.id)), newVersion };
    },
  );

  app.post<{ Params: { id: string }; Body: { status: CampaignStatus; acknowledgeRisk?: boolean } }>(
    '/api/admin/campaigns/:id/status',
    staffRoute(
      'plans:write',
      'Enable (high-risk plans need acknowledgeRisk, logged), pause or end a campaign',
      {
        params: campaignId,
        body: obj({ status: str({ enum: ['active', 'paused', 'ended'] }), acknowledgeRisk: bool }, ['status']),
      },
      anyObject,
      // The SPEC 3.4 acknowledgement is part of the campaign's state (acknowledgedAt/By): it shows in before/after.
      { action: 'campaign.status', entity: 'campaign', target: byParam() },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      await setCampaignStatus(
        ctx.sequencer,
        request.params.id,
        request.body.status,
        request.body.acknowledgeRisk === true,
        actor(staff.username),
      );
      return detail(request.params.id);
    },
  );
};
