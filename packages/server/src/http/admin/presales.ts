import { cancelPresale, createPresale, listPresales, presaleCounts } from '../../commerce/checkout/presales';
import { forfeitUnpaidBalances } from '../../money/presale-deposits';
import { staffOf, type RouteModule } from '../context';
import { id, idParam, int, list, obj, positiveFen, str } from '../schemas';
import { staffRoute } from '../staff-route';
import { adminPresaleSchema, presaleSchema } from '../presale-schemas';

interface PresaleBody {
  skuId: string;
  priceFen: number;
  depositFen: number;
  countsAsFen: number;
  depositStartsAt: string;
  depositEndsAt: string;
  balanceStartsAt: string;
  balanceEndsAt: string;
}

const EMPTY = {
  depositsPaid: 0n,
  balancesPaid: 0n,
  forfeited: 0n,
  refunded: 0n,
  depositFen: 0n,
  balanceFen: 0n,
  forfeitedFen: 0n,
};

/** Presales (预售) for staff: schedule one on a SKU, watch deposits paid, balances paid and forfeited, stop one. */
export const adminPresaleRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const answer = obj({ presale: presaleSchema }, ['presale']);
  const date = str({ format: 'date-time' });

  app.get(
    '/api/admin/presales',
    staffRoute(
      'catalog:read',
      'Presales with their rules and counts: deposits paid, balances paid, forfeited, refunded (orders and fen)',
      {},
      list(adminPresaleSchema, false),
      undefined,
      [],
    ),
    async () => {
      const counts = await presaleCounts(db);
      return { items: (await listPresales(db)).map((p) => ({ ...p, counts: counts.get(p.id) ?? EMPTY })) };
    },
  );

  app.post<{ Body: PresaleBody }>(
    '/api/admin/presales',
    staffRoute(
      'catalog:write',
      'Schedule a presale on a SKU: presale price, deposit and what it counts for (per unit), deposit and balance windows',
      {
        body: obj(
          {
            skuId: id(),
            priceFen: positiveFen,
            depositFen: positiveFen,
            countsAsFen: positiveFen,
            depositStartsAt: date,
            depositEndsAt: date,
            balanceStartsAt: date,
            balanceEndsAt: date,
          },
          [
            'skuId',
            'priceFen',
            'depositFen',
            'countsAsFen',
            'depositStartsAt',
            'depositEndsAt',
            'balanceStartsAt',
            'balanceEndsAt',
          ],
        ),
      },
      answer,
      { action: 'presale.create', entity: null },
      ['sku_not_found', 'presale_overlaps', 'invalid_parameter'],
    ),
    async (request) => {
      const b = request.body;
      const presale = await createPresale(db, {
        ...b,
        priceFen: BigInt(b.priceFen),
        depositFen: BigInt(b.depositFen),
        countsAsFen: BigInt(b.countsAsFen),
      });
      return { presale };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/admin/presales/:id/cancel',
    staffRoute(
      'catalog:write',
      'Stop a presale taking deposits; deposits already paid keep the rules they were paid under',
      { params: idParam },
      answer,
      { action: 'presale.cancel', entity: null },
      ['presale_not_found', 'presale_not_open'],
    ),
    async (request) => ({ presale: await cancelPresale(db, request.params.id) }),
  );

  app.post(
    '/api/admin/presales/forfeit-due',
    staffRoute(
      'orders:write',
      'Forfeit now every deposit whose balance window ended unpaid (escrow to revenue, order cancelled); a timer also does this',
      {},
      obj({ forfeited: int() }, ['forfeited']),
      { action: 'presale.forfeit-due', entity: null },
      [],
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      return { forfeited: await forfeitUnpaidBalances(db, `staff:${staff.username}`) };
    },
  );
};
