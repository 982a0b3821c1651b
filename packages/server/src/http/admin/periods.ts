import { closeCurrentPeriod, currentPeriod, listPeriodCloses } from '../../incentives/periods';
import { staffOf, type RouteModule } from '../context';
import { arr, bool, int, obj, str } from '../schemas';
import { staffRoute } from '../staff-route';

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
    staffRoute(
      'plans:read',
      'The current period (kind from settings, 00:00 Asia/Shanghai) and the periods closed so far, newest first',
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
    async () => {
      return { current: await currentPeriod(db), closes: await listPeriodCloses(db, 100) };
    },
  );

  app.post(
    '/api/admin/periods/close',
    staffRoute(
      'plans:write',
      'Close the current period now: pays dividends and due cashback installments; once per period',
      {},
      obj({ key: str(), seq: int(), paidFen: int() }, ['key', 'seq', 'paidFen']),
      { action: 'period.close', entity: null },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      const result = await closeCurrentPeriod(db, ctx.sequencer, `staff:${staff.username}`);
      return { key: result.key, seq: result.seq ?? 0, paidFen: result.paidFen };
    },
  );
};
