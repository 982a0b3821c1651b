import { getSeries, listSeries } from '../../commerce/checkout/blind-boxes';
import {
  DRAW_PAGE,
  ageAnswer,
  answerAge,
  orderDraws,
  seriesDraws,
  verifyDraw,
} from '../../commerce/checkout/blind-box-draws';
import { shopperId, type RouteModule } from '../context';
import { arr, bool, id, idParam, obj, publicShop, shopTags, str } from '../schemas';
import { blindBoxDrawSchema, blindBoxSeriesSchema, drawCheckSchema, publicDrawSchema } from '../blind-box-schemas';

const ageSchema = obj({ answer: str({ enum: ['none', 'atLeast8', 'under8'] }) }, ['answer']);

/**
 * Blind boxes for shoppers and for anyone who wants to check them: series with odds, values and guarantee rules
 * (shown before paying), the shopper's age answer (SAMR 2023), an order's draws, and the public verification.
 */
export const shopBlindBoxRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const strip = <T extends { orderId: string }>(draw: T): Omit<T, 'orderId'> => {
    const { orderId: _orderId, ...rest } = draw;
    return rest;
  };

  app.get(
    '/api/shop/blind-boxes',
    {
      config: { public: true, errors: [] },
      schema: {
        ...publicShop,
        summary:
          'Open and closed blind box series: odds (weights), item values, guarantee rule, daily cap, seed hash (and the seed once closed)',
        response: { 200: obj({ items: arr(blindBoxSeriesSchema) }, ['items']) },
      },
    },
    async () => ({ items: await listSeries(db, true) }),
  );

  app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
    '/api/shop/blind-boxes/:id',
    {
      config: { public: true, errors: ['blind_box_not_found'] },
      schema: {
        ...publicShop,
        summary: `One series with its draws (no shopper named), oldest first, ${DRAW_PAGE} a page: the next page starts after the last draw id given as \`after\``,
        params: idParam,
        querystring: obj({ after: id() }),
        response: { 200: obj({ series: blindBoxSeriesSchema, draws: arr(publicDrawSchema) }, ['series', 'draws']) },
      },
    },
    async (request) => {
      const series = await getSeries(db, request.params.id, true);
      const draws = await seriesDraws(db, series.id, { after: request.query.after });
      return { series, draws: draws.map(strip) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/blind-box-draws/:id/verify',
    {
      config: { public: true, errors: ['blind_box_draw_not_found'] },
      schema: {
        ...publicShop,
        summary: 'A draw recomputed on the server from the revealed seed (null checks while the series is open)',
        params: idParam,
        response: { 200: drawCheckSchema },
      },
    },
    async (request) => {
      const check = await verifyDraw(db, request.params.id);
      return { ...check, draw: strip(check.draw) };
    },
  );

  app.get(
    '/api/shop/blind-box-age',
    {
      config: { errors: [] },
      schema: {
        tags: shopTags,
        summary: "The shopper's answer to the age question (none until the first box)",
        response: { 200: ageSchema },
      },
    },
    async (request) => ({ answer: await ageAnswer(db, await shopperId(ctx, request)) }),
  );

  app.post<{ Body: { atLeast8: boolean } }>(
    '/api/shop/blind-box-age',
    {
      config: { errors: ['blind_box_age_answered'] },
      schema: {
        tags: shopTags,
        summary: 'Answer once whether you are 8 or older (SAMR 2023: blind boxes are not sold to anyone under 8)',
        body: obj({ atLeast8: bool }, ['atLeast8']),
        response: { 200: ageSchema },
      },
    },
    async (request) => ({ answer: await answerAge(db, await shopperId(ctx, request), request.body.atLeast8) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/shop/orders/:id/blind-box-draws',
    {
      config: { errors: ['order_not_found'] },
      schema: {
        tags: shopTags,
        summary: "The draws of one of the shopper's orders: empty until it is paid, then the item each box drew",
        params: idParam,
        response: { 200: obj({ draws: arr(blindBoxDrawSchema) }, ['draws']) },
      },
    },
    async (request) => ({ draws: await orderDraws(db, request.params.id, await shopperId(ctx, request)) }),
  );
};
