import {
  closeGroupBuyActivity,
  createGroupBuyActivity,
  listGroupBuyActivities,
} from '../../commerce/group-buy/activities';
import { getGroupView, listGroups } from '../../commerce/group-buy/group-views';
import { expireGroupNow } from '../../money/group-buy/group-jobs';
import type { GroupStatus } from '@mall/core';
import type { RouteModule } from '../context';
import { arr, id, idParam, int, list, nullable, obj, positiveFen, str } from '../schemas';
import { staffRoute } from '../staff-route';
import { groupBuyActivitySchema, groupSchema } from '../group-buy-schemas';

interface ActivityBody {
  skuId: string;
  priceFen: number;
  groupSize: number;
  hours: number;
  lotteryWinners?: number;
  consolationTemplateId?: string | null;
  startsAt: string;
  endsAt: string;
}

/** Group buys for staff: schedule and close activities, watch groups open, succeeded and failed, and their draws. */
export const adminGroupBuyRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const activityAnswer = obj({ activity: groupBuyActivitySchema }, ['activity']);

  app.get(
    '/api/admin/group-buys',
    staffRoute(
      'catalog:read',
      'Group-buy activities with their groups open, succeeded and failed',
      {},
      list(groupBuyActivitySchema, false),
      undefined,
      [],
    ),
    async () => ({ items: await listGroupBuyActivities(db) }),
  );

  app.post<{ Body: ActivityBody }>(
    '/api/admin/group-buys',
    staffRoute(
      'catalog:write',
      'Schedule a group buy: groups of groupSize at priceFen that must fill within hours; lotteryWinners > 0 makes it a lottery group',
      {
        body: obj(
          {
            skuId: id(),
            priceFen: positiveFen,
            groupSize: int({ minimum: 2, maximum: 100 }),
            hours: int({ minimum: 1, maximum: 720 }),
            lotteryWinners: int({ minimum: 0, maximum: 99 }),
            consolationTemplateId: nullable(id()),
            startsAt: str({ format: 'date-time' }),
            endsAt: str({ format: 'date-time' }),
          },
          ['skuId', 'priceFen', 'groupSize', 'hours', 'startsAt', 'endsAt'],
        ),
      },
      activityAnswer,
      { action: 'group-buy.create', entity: null },
      ['sku_not_found', 'coupon_template_not_found', 'invalid_parameter'],
    ),
    async (request) => {
      const b = request.body;
      const activity = await createGroupBuyActivity(db, {
        skuId: b.skuId,
        priceFen: BigInt(b.priceFen),
        groupSize: b.groupSize,
        hours: b.hours,
        lotteryWinners: b.lotteryWinners ?? 0,
        consolationTemplateId: b.consolationTemplateId ?? null,
        startsAt: b.startsAt,
        endsAt: b.endsAt,
      });
      return { activity };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/admin/group-buys/:id/close',
    staffRoute(
      'catalog:write',
      'Close a group-buy activity: no new group opens; open groups run to their deadline',
      { params: idParam },
      activityAnswer,
      { action: 'group-buy.close', entity: null },
      ['group_buy_not_found', 'group_buy_not_running'],
    ),
    async (request) => ({ activity: await closeGroupBuyActivity(db, request.params.id) }),
  );

  app.get<{ Querystring: { activityId?: string; status?: GroupStatus } }>(
    '/api/admin/groups',
    staffRoute(
      'catalog:read',
      'Groups (newest first, at most 100), by activity and status, with members, draws and seeds of closed groups',
      { querystring: obj({ activityId: id(), status: str({ enum: ['open', 'succeeded', 'failed'] }) }) },
      obj({ items: arr(groupSchema) }, ['items']),
      undefined,
      [],
    ),
    async (request) => ({
      items: await listGroups(db, {
        ...(request.query.activityId === undefined ? {} : { activityId: request.query.activityId }),
        ...(request.query.status === undefined ? {} : { status: request.query.status }),
      }),
    }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/admin/groups/:id/expire',
    staffRoute(
      'orders:write',
      'End an open group now as its deadline would: it fails and every paid member is refunded through the channel that paid',
      { params: idParam },
      obj({ group: groupSchema }, ['group']),
      { action: 'group.expire', entity: null },
      ['group_not_found', 'group_not_open'],
    ),
    async (request) => {
      await expireGroupNow(db, ctx.gateways, request.params.id);
      return { group: await getGroupView(db, request.params.id) };
    },
  );
};
