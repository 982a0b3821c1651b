import { cancelFlashSale, createFlashSale, listFlashSales } from '../../commerce/checkout/flash-sales';
import { flashGate } from '../../commerce/orders';
import type { RouteModule } from '../context';
import { fen, id, idParam, int, list, obj, str } from '../schemas';
import { answerId, byParam, staffRoute } from '../staff-route';
import { flashSaleSchema } from '../checkout-schemas';

interface FlashSaleBody {
  skuId: string;
  priceFen: number;
  quantity: number;
  perUserLimit?: number;
  timeoutMinutes?: number;
  startsAt: string;
  endsAt: string;
}

/** Flash sales (秒杀) for staff: schedule one (its units leave the SKU's stock), watch sold/reserved/remaining, end it. */
export const adminFlashSaleRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const saleAnswer = obj({ flashSale: flashSaleSchema }, ['flashSale']);

  app.get(
    '/api/admin/flash-sales',
    staffRoute(
      'catalog:read',
      'Flash sales with sold, reserved and remaining units',
      {},
      list(flashSaleSchema, false),
      undefined,
      [],
    ),
    async () => {
      return { items: await listFlashSales(db) };
    },
  );

  app.post<{ Body: FlashSaleBody }>(
    '/api/admin/flash-sales',
    staffRoute(
      'catalog:write',
      'Schedule a flash sale: quantity is set aside from the SKU stock; unpaid reservations expire after timeoutMinutes (default 5)',
      {
        body: obj(
          {
            skuId: id(),
            priceFen: fen,
            quantity: int({ minimum: 1, maximum: 1_000_000 }),
            perUserLimit: int({ minimum: 0, maximum: 1000 }),
            timeoutMinutes: int({ minimum: 1, maximum: 1440 }),
            startsAt: str({ format: 'date-time' }),
            endsAt: str({ format: 'date-time' }),
          },
          ['skuId', 'priceFen', 'quantity', 'startsAt', 'endsAt'],
        ),
      },
      saleAnswer,
      { action: 'flash-sale.create', entity: 'flashSale', answerTarget: answerId('flashSale') },
      ['sku_not_found', 'out_of_stock', 'invalid_parameter'],
    ),
    async (request) => {
      const b = request.body;
      const flashSale = await createFlashSale(db, {
        skuId: b.skuId,
        priceFen: BigInt(b.priceFen),
        quantity: BigInt(b.quantity),
        perUserLimit: BigInt(b.perUserLimit ?? 1),
        timeoutMinutes: BigInt(b.timeoutMinutes ?? 5),
        startsAt: b.startsAt,
        endsAt: b.endsAt,
      });
      return { flashSale };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/admin/flash-sales/:id/cancel',
    staffRoute(
      'catalog:write',
      'End a flash sale now: units neither sold nor reserved go back to the SKU stock',
      { params: idParam },
      saleAnswer,
      { action: 'flash-sale.cancel', entity: 'flashSale', target: byParam() },
      ['flash_sale_not_found', 'flash_sale_not_running'],
    ),
    async (request) => {
      const flashSale = await cancelFlashSale(db, request.params.id);
      // This process's gate learns at once; other processes' gates within their refresh interval.
      flashGate(db).closed(request.params.id);
      return { flashSale };
    },
  );
};
