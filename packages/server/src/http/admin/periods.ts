import { closeCurrentPeriod, currentPeriod, listPeriodCloses } from '../../incentives/periods';
import { staffWith, type RouteModule } from '../context';
import { adminRoute, arr, bool, int, obj, str } from '../schemas';

const closeSchema = obj({ key: str(), seq: int(), closedAt: str(), closedBy: str() }, [
  'key',
  'seq',
  'closedAt',
  'closedBy',
]);

/** Incentive periods: the current one, the closes so far, and an operator's "close the period now". */
export const adminPeriodRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/periods',
    adminRoute(
      'The current period (kind from settings, 00:00 Asia/Shanghai) and the periods closed so far, newest first (plans:read)',
      {},
      obj(
        {
          current: obj({ kind: str(), key: str(), startsAt: str(), closed: bool }, [
            'kind',
            'key',
            'startsAt',
            'closed',
          ]),
          closes: arr(closeSchema),
        },
        ['current', 'closes'],
      ),
    ),
    async (request) => {
      await staffWith(ctx, request, 'plans:read');
      return { current: await currentPeriod(db), closes: await listPeriodCloses(db, 100) };
    },
  );

  app.post(
    '/api/admin/periods/close',
    adminRoute(
      'Close the current period now (plans:write): pays dividends and due cashback installments; once per period',
      {},
      obj({ key: str(), seq: int(), paidFen: int() }, ['key', 'seq', 'paidFen']),
    ),
    async (request) => {
      const staff = await staffWith(ctx, request, 'plans:write');
      const result = await closeCurrentPeriod(db, ctx.sequencer, `staff:${staff.username}`);
      return { key: result.key, seq: result.seq ?? 0, paidFen: result.paidFen };
    },
  );
};
