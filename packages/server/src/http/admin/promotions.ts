import {
  createCouponTemplate,
  grantCoupons,
  listCouponTemplates,
  updateCouponTemplate,
} from '../../commerce/checkout/coupon-templates';
import { listSpendThresholds, saveSpendThreshold } from '../../commerce/checkout/spend-thresholds';
import { staffWith, type RouteModule } from '../context';
import { adminRoute, arr, bool, id, idParam, int, list, obj, str } from '../schemas';
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
    adminRoute(
      'Coupon templates with issued and used counts (catalog:read)',
      {},
      list(couponTemplateSchema, false),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:read');
      return { items: await listCouponTemplates(db) };
    },
  );

  app.post<{ Body: CouponTemplateBody }>(
    '/api/admin/coupon-templates',
    adminRoute(
      'Create a coupon template (catalog:write); its terms never change afterwards',
      { body: couponTemplateBody },
      templateAnswer,
      ['invalid_parameter'],
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
      return { template: await createCouponTemplate(db, couponTemplateInput(request.body)) };
    },
  );

  app.put<{ Params: { id: string }; Body: CouponPatchBody }>(
    '/api/admin/coupon-templates/:id',
    adminRoute(
      'Rename, change the quantity or per-shopper limit, show or hide, stop or restart a template (catalog:write)',
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
      ['coupon_template_not_found', 'invalid_parameter'],
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
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
    adminRoute(
      'Grant one coupon of a template to each shopper (catalog:write); refusals (sold out, limit) are listed',
      { params: idParam, body: obj({ userIds: arr(id(), { minItems: 1, maxItems: 500 }) }, ['userIds']) },
      obj({ granted: int(), refused: arr(obj({ userId: str(), code: str() })) }, ['granted', 'refused']),
      ['coupon_template_not_found'],
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
      return grantCoupons(db, request.params.id, request.body.userIds);
    },
  );

  const activityAnswer = obj({ activity: spendThresholdSchema }, ['activity']);

  app.get(
    '/api/admin/spend-thresholds',
    adminRoute(
      '满减 activities with the orders and discount they gave (catalog:read)',
      {},
      list(spendThresholdSchema, false),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:read');
      return { items: await listSpendThresholds(db) };
    },
  );

  app.post<{ Body: SpendThresholdBody }>(
    '/api/admin/spend-thresholds',
    adminRoute('Create a 满减 activity (catalog:write)', { body: spendThresholdBody }, activityAnswer, [
      'invalid_parameter',
    ]),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
      return { activity: await saveSpendThreshold(db, undefined, spendThresholdInput(request.body)) };
    },
  );

  app.put<{ Params: { id: string }; Body: SpendThresholdBody }>(
    '/api/admin/spend-thresholds/:id',
    adminRoute(
      'Edit or stop a 满减 activity (catalog:write); placed orders keep their discount',
      { params: idParam, body: spendThresholdBody },
      activityAnswer,
      ['activity_not_found', 'invalid_parameter'],
    ),
    async (request) => {
      await staffWith(ctx, request, 'catalog:write');
      return { activity: await saveSpendThreshold(db, request.params.id, spendThresholdInput(request.body)) };
    },
  );
};
