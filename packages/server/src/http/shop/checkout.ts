import { getAddress } from '../../commerce/addresses';
import { priceCheckout, type CheckoutItem } from '../../commerce/checkout/pricing';
import { couponChoiceSchema, couponSummary, quoteSchema, quoteView } from '../quote-view';
import { getFlashSale, listFlashSales } from '../../commerce/checkout/flash-sales';
import { runningSpendThresholdViews } from '../../commerce/checkout/spend-thresholds';
import { nowIso } from '../../platform/clock';
import { shopperId, type RouteModule } from '../context';
import { arr, id, idParam, nullable, obj, publicShop, shopTags, str } from '../schemas';
import { checkoutItemsSchema, flashSaleSchema, scopeSchema, tierSchema } from '../checkout-schemas';

interface QuoteBody {
  items: CheckoutItem[];
  addressId?: string;
  region?: string[];
  couponId?: string | null;
}

/** The checkout's quote, and what the storefront shows of running promotions. */
export const shopCheckoutRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.post<{ Body: QuoteBody }>(
    '/api/shop/checkout/quote',
    {
      config: {
        errors: [
          'sku_not_found',
          'product_off_shelf',
          'presale_only',
          'address_not_found',
          'region_not_delivered',
          'coupon_not_applicable',
          'flash_sale_not_found',
          'flash_sale_not_running',
        ],
      },
      schema: {
        tags: shopTags,
        summary:
          'Price a checkout: lines, 满减, coupon (couponId absent: the best; null: none), freight to the address or region, and every coupon the shopper holds priced as a choice. Changes nothing.',
        body: obj(
          {
            items: checkoutItemsSchema,
            addressId: id(),
            region: arr(str({ minLength: 1, maxLength: 50 }), { minItems: 1, maxItems: 3 }),
            couponId: nullable(id()),
          },
          ['items'],
        ),
        response: { 200: obj({ quote: quoteSchema, coupons: arr(couponChoiceSchema) }, ['quote', 'coupons']) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const body = request.body;
      const region =
        body.addressId !== undefined ? (await getAddress(db, userId, body.addressId)).region : (body.region ?? null);
      const now = nowIso();
      const pricing = await priceCheckout(
        db,
        userId,
        { items: body.items, region, couponId: body.couponId },
        now,
        false,
      );
      const choices = pricing.choices;
      const couponOf = new Map((choices?.coupons ?? []).map((c) => [c.id, c]));
      return {
        quote: quoteView(pricing.lines, pricing.priced, region !== null),
        coupons: (choices?.choices ?? []).flatMap((c) => {
          const coupon = couponOf.get(c.couponId);
          if (coupon === undefined) return [];
          return [
            {
              coupon: couponSummary(coupon, coupon.name),
              usable: c.usable,
              reason: c.reason,
              missingFen: c.missingFen,
              couponDiscountFen: c.couponDiscountFen,
              discountFen: c.discountFen,
              totalFen: c.totalFen,
              best: c.best,
            },
          ];
        }),
      };
    },
  );

  app.get(
    '/api/shop/promotions',
    {
      config: { public: true, errors: [] },
      schema: {
        ...publicShop,
        summary: 'Running 满减 activities and the flash sales running now or later (home sections, product badges)',
        response: {
          200: obj({
            spendThresholds: arr(
              obj({
                id: str(),
                name: str(),
                tiers: arr(tierSchema),
                scope: scopeSchema,
                startsAt: str(),
                endsAt: str(),
              }),
            ),
            flashSales: arr(flashSaleSchema),
            serverTime: str(),
          }),
        },
      },
    },
    async () => {
      const now = nowIso();
      return {
        spendThresholds: await runningSpendThresholdViews(db, now),
        flashSales: await listFlashSales(db, { shopper: true }),
        serverTime: now,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/flash-sales/:id',
    {
      config: { public: true, errors: ['flash_sale_not_found'] },
      schema: {
        ...publicShop,
        summary: 'One flash sale: price, remaining units, window, and the server time for the countdown',
        params: idParam,
        response: { 200: obj({ flashSale: flashSaleSchema, serverTime: str() }) },
      },
    },
    async (request) => ({ flashSale: await getFlashSale(db, request.params.id, true), serverTime: nowIso() }),
  );
};
