import { closeSeries, createSeries, getSeries, listSeries, openSeries } from '../../commerce/checkout/blind-boxes';
import { seriesDraws } from '../../commerce/checkout/blind-box-draws';
import type { RouteModule } from '../context';
import { arr, fen, id, idParam, int, list, obj, str } from '../schemas';
import { answerId, byParam, staffRoute } from '../staff-route';
import { blindBoxDrawSchema, blindBoxSeriesSchema } from '../blind-box-schemas';

interface SeriesBody {
  name: string;
  skuId: string;
  dailyCapFen?: number;
  guarantee?: string;
  items: { name: string; valueFen: number; weight: number }[];
}

/** Blind box series (盲盒) for staff: create with items and weights, open, close (reveals the seed), watch draws. */
export const adminBlindBoxRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const seriesAnswer = obj({ series: blindBoxSeriesSchema }, ['series']);

  app.get(
    '/api/admin/blind-boxes',
    staffRoute(
      'catalog:read',
      'Blind box series with their items, weights and draws so far',
      {},
      list(blindBoxSeriesSchema, false),
      undefined,
      [],
    ),
    async () => ({ items: await listSeries(db) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/blind-boxes/:id',
    staffRoute(
      'catalog:read',
      'One series with each item drawn so far (observed against published weights) and its latest 1000 draws',
      { params: idParam },
      obj({ series: blindBoxSeriesSchema, draws: arr(blindBoxDrawSchema) }, ['series', 'draws']),
      undefined,
      ['blind_box_not_found'],
    ),
    async (request) => ({
      series: await getSeries(db, request.params.id),
      draws: await seriesDraws(db, request.params.id, 'latest'),
    }),
  );

  app.post<{ Body: SeriesBody }>(
    '/api/admin/blind-boxes',
    staffRoute(
      'catalog:write',
      'Create a draft series on a box SKU: items with weights and values; the server seed is made now and only its sha256 is shown until the series closes',
      {
        body: obj(
          {
            name: str({ minLength: 1, maxLength: 100 }),
            skuId: id(),
            dailyCapFen: fen,
            guarantee: str({ maxLength: 500 }),
            items: arr(
              obj(
                {
                  name: str({ minLength: 1, maxLength: 100 }),
                  valueFen: fen,
                  weight: int({ minimum: 0, maximum: 1_000_000_000 }),
                },
                ['name', 'valueFen', 'weight'],
              ),
              { minItems: 2, maxItems: 50 },
            ),
          },
          ['name', 'skuId', 'items'],
        ),
      },
      seriesAnswer,
      { action: 'blind-box.create', entity: null, answerTarget: answerId('series') },
      ['sku_not_found', 'invalid_parameter'],
    ),
    async (request) => {
      const b = request.body;
      const series = await createSeries(db, {
        name: b.name,
        skuId: b.skuId,
        dailyCapFen: BigInt(b.dailyCapFen ?? 0),
        guarantee: b.guarantee ?? '',
        items: b.items.map((i) => ({ name: i.name, valueFen: BigInt(i.valueFen), weight: BigInt(i.weight) })),
      });
      return { series };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/admin/blind-boxes/:id/open',
    staffRoute(
      'catalog:write',
      'Open a draft series for sale: its items, weights and seed hash are fixed from now on',
      { params: idParam },
      seriesAnswer,
      { action: 'blind-box.open', entity: null, target: byParam() },
      ['blind_box_not_found', 'blind_box_not_draft'],
    ),
    async (request) => ({ series: await openSeries(db, request.params.id) }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/admin/blind-boxes/:id/close',
    staffRoute(
      'catalog:write',
      'Close an open series: sales stop and the server seed is revealed so every draw can be verified (refused while box orders are unpaid)',
      { params: idParam },
      seriesAnswer,
      { action: 'blind-box.close', entity: null, target: byParam() },
      ['blind_box_not_found', 'blind_box_not_open', 'blind_box_orders_unpaid'],
    ),
    async (request) => ({ series: await closeSeries(db, request.params.id) }),
  );
};
