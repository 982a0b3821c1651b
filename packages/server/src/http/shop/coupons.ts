import { claimCoupon, listShopperCoupons } from '../../commerce/checkout/coupons';
import { couponCentre } from '../../commerce/checkout/coupon-templates';
import { shopperId, type RouteModule } from '../context';
import { bool, idParam, int, list, obj, shopTags, str } from '../schemas';
import { couponTermsProps, shopperCouponSchema } from '../checkout-schemas';

const centreItem = obj(
  {
    id: str(),
    name: str(),
    ...couponTermsProps,
    totalQuantity: int(),
    issued: int(),
    perUserLimit: int(),
    held: int(),
    canClaim: bool,
  },
  ['id', 'name', 'kind', 'canClaim'],
);

/** The claim centre (领券中心) and the shopper's own coupons. */
export const shopCouponRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/shop/coupons/centre',
    {
      config: { errors: [] },
      schema: {
        tags: shopTags,
        summary: 'Coupons the shopper may claim now, with how many they already hold',
        response: { 200: list(centreItem, false) },
      },
    },
    async (request) => {
      const items = await couponCentre(db, await shopperId(ctx, request));
      return {
        items: items.map((t) => ({
          id: t.id,
          name: t.name,
          kind: t.kind,
          valueFen: t.valueFen,
          offBps: t.offBps,
          capFen: t.capFen,
          thresholdFen: t.thresholdFen,
          scope: t.scope,
          validity: t.validity,
          totalQuantity: t.totalQuantity,
          issued: t.issued,
          perUserLimit: t.perUserLimit,
          held: t.held,
          canClaim: t.canClaim,
        })),
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/shop/coupons/centre/:id/claim',
    {
      config: { errors: ['coupon_template_not_found', 'coupon_sold_out', 'coupon_limit_reached'] },
      schema: {
        tags: shopTags,
        summary: 'Claim one coupon of a template (counts against its total and the per-shopper limit)',
        params: idParam,
        response: { 200: obj({ coupon: shopperCouponSchema }, ['coupon']) },
      },
    },
    async (request) => ({ coupon: await claimCoupon(db, await shopperId(ctx, request), request.params.id) }),
  );

  app.get(
    '/api/shop/me/coupons',
    {
      config: { errors: [] },
      schema: {
        tags: shopTags,
        summary: "The shopper's coupons: unused, used and expired, soonest expiry first",
        response: { 200: list(shopperCouponSchema, false) },
      },
    },
    async (request) => ({ items: await listShopperCoupons(db, await shopperId(ctx, request)) }),
  );
};
