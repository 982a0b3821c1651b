import {
  createCouponTemplate,
  grantCoupons,
  listCouponTemplates,
  updateCouponTemplate,
} from '../../commerce/checkout/coupon-templates';
import { listSpendThresholds, saveSpendThreshold } from '../../commerce/checkout/spend-thresholds';
import type { RouteModule } from '../context';
import { arr, bool, id, idParam, int, list, obj, str } from '../schemas';
import { answerId, byParam, staffRoute } from '../staff-route';
import {
  couponTemplateBody,
  couponTemplateInput,
  couponTemplateSchema,
  spendThresholdBody,
  spendThresholdInput,
  spendThresholdSchema,
  type CouponTemplateBody,
  type SpendThresholdBody,
} from './promotion-bodies';

interface CouponPatchBody {
  name?: string;
  totalQuantity?: number;
  perUserLimit?: number;
  claimable?: boolean;
  newShopperGift?: boolean;
  status?: 'active' | 'stopped';
}

const big = (n: number | undefined) => (n === undefined ? undefined : BigInt(n));

/** Coupon templates (create, edit what may change, grant, watch issued/used) and 满减 activities, for staff. */
export const adminPromotionRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const templateAnswer = obj({ template: couponTemplateSchema }, ['template']);

  app.get(
    '/api/admin/coupon-templates',
    staffRoute(
      'catalog:read',
      'Coupon templates with issued and used counts',
      {},
      list(couponTemplateSchema, false),
      undefined,
      [],
    ),
    async () => {
      return { items: await listCouponTemplates(db) };
    },
  );

  app.post<{ Body: CouponTemplateBody }>(
    '/api/admin/coupon-templates',
    staffRoute(
      'catalog:write',
      'Create a coupon template; its terms never change afterwards',
      { body: couponTemplateBody },
      templateAnswer,
      { action: 'coupon-template.create', entity: 'couponTemplate', answerTarget: answerId('template') },
      ['invalid_parameter'],
    ),
    async (request) => {
      return { template: await createCouponTemplate(db, couponTemplateInput(request.body)) };
    },
  );

  app.put<{ Params: { id: string }; Body: CouponPatchBody }>(
    '/api/admin/coupon-templates/:id',
    staffRoute(
      'catalog:write',
      'Rename, change the quantity or per-shopper limit, show or hide, stop or restart a template',
      {
        params: idParam,
        body: obj({
          name: str({ minLength: 1, maxLength: 50 }),
          totalQuantity: int({ minimum: 0, maximum: 100_000_000 }),
          perUserLimit: int({ minimum: 0, maximum: 1000 }),
          claimable: bool,
          newShopperGift: bool,
          status: str({ enum: ['active', 'stopped'] }),
        }),
      },
      templateAnswer,
      { action: 'coupon-template.update', entity: 'couponTemplate', target: byParam() },
      ['coupon_template_not_found', 'invalid_parameter'],
    ),
    async (request) => {
      const b = request.body;
      const template = await updateCouponTemplate(db, request.params.id, {
        ...b,
        totalQuantity: big(b.totalQuantity),
        perUserLimit: big(b.perUserLimit),
      });
      return { template };
    },
  );

  app.post<{ Params: { id: string }; Body: { userIds: string[] } }>(
    '/api/admin/coupon-templates/:id/grant',
    staffRoute(
      'catalog:write',
      'Grant one coupon of a template to each shopper; refusals (sold out, limit) are listed',
      { params: idParam, body: obj({ userIds: arr(id(), { minItems: 1, maxItems: 500 }) }, ['userIds']) },
      obj({ granted: int(), refused: arr(obj({ userId: str(), code: str() })) }, ['granted', 'refused']),
      { action: 'coupon-template.grant', entity: 'couponTemplate', target: byParam() },
      ['coupon_template_not_found'],
    ),
    async (request) => {
      return grantCoupons(db, request.params.id, request.body.userIds);
    },
  );

  const activityAnswer = obj({ activity: spendThresholdSchema }, ['activity']);

  app.get(
    '/api/admin/spend-thresholds',
    staffRoute(
      'catalog:read',
      '满减 activities with the orders and discount they gave',
      {},
      list(spendThresholdSchema, false),
      undefined,
      [],
    ),
    async () => {
      return { items: await listSpendThresholds(db) };
    },
  );

  app.post<{ Body: SpendThresholdBody }>(
    '/api/admin/spend-thresholds',
    staffRoute(
      'catalog:write',
      'Create a 满减 activity',
      { body: spendThresholdBody },
      activityAnswer,
      { action: 'spend-threshold.create', entity: 'spendThreshold', answerTarget: answerId('activity') },
      ['invalid_parameter'],
    ),
    async (request) => {
      return { activity: await saveSpendThreshold(db, undefined, spendThresholdInput(request.body)) };
    },
  );

  app.put<{ Params: { id: string }; Body: SpendThresholdBody }>(
    '/api/admin/spend-thresholds/:id',
    staffRoute(
      'catalog:write',
      'Edit or stop a 满减 activity; placed orders keep their discount',
      { params: idParam, body: spendThresholdBody },
      activityAnswer,
      { action: 'spend-threshold.update', entity: 'spendThreshold', target: byParam() },
      ['activity_not_found', 'invalid_parameter'],
    ),
    async (request) => {
      return { activity: await saveSpendThreshold(db, request.params.id, spendThresholdInput(request.body)) };
    },
  );
};
