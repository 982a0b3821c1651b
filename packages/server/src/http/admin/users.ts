import { listShoppers, shopperDetail } from '../../incentives/shopper-profiles';
import { inviteeTree } from '../../incentives/referrals';
import { levelsOfUsers } from '../../incentives/member-levels';
import { listAgencies } from '../../incentives/agents';
import { paging, type RouteModule } from '../context';
import { anyObject, bool, idParam, int, list, nullable, obj, pageQuery, str } from '../schemas';
import { staffRoute } from '../staff-route';

const shopperRow = obj(
  {
    id: str(),
    phone: str(),
    inviteCode: str(),
    referrerId: nullable(str()),
    merchant: bool,
    createdAt: str(),
    balanceFen: int(),
    /** The member level's code; null before the shopper's first settled order. */
    level: nullable(str()),
  },
  ['id', 'phone', 'inviteCode', 'referrerId', 'merchant', 'createdAt', 'balanceFen'],
);
const inviteeRow = obj({ id: str(), phone: str(), merchant: bool, inviteeCount: int() }, [
  'id',
  'phone',
  'merchant',
  'inviteeCount',
]);

/** Shoppers for staff: the list, one shopper in full, and the referral tree one level at a time. */
export const adminUserRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get<{ Querystring: { q?: string; page?: number; pageSize?: number } }>(
    '/api/admin/users',
    staffRoute(
      'users:read',
      'Shoppers',
      { querystring: obj({ q: str({ maxLength: 50 }), ...pageQuery }) },
      list(shopperRow),
      undefined,
      [],
    ),
    async (request) => {
      const { page, pageSize } = paging(request.query);
      const found = await listShoppers(db, { q: request.query.q, page, pageSize });
      const levels = await levelsOfUsers(
        ctx.sequencer,
        found.items.map((u) => u.id),
      );
      const items = found.items.map((u) => ({ ...u, level: levels.get(u.id) ?? null }));
      return { ...found, items, page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/users/:id',
    staffRoute(
      'users:read',
      'One shopper with wallet, positions, cycle, level and agencies',
      { params: idParam },
      anyObject,
      undefined,
      ['user_not_found'],
    ),
    async (request) => {
      const detail = await shopperDetail(db, request.params.id);
      const levels = await levelsOfUsers(ctx.sequencer, [detail.user.id]);
      return {
        ...detail,
        user: { ...detail.user, level: levels.get(detail.user.id) ?? null },
        agencies: await listAgencies(db, detail.user.id),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/users/:id/invitees',
    staffRoute(
      'users:read',
      'Direct invitees, for the lazy referral tree',
      { params: idParam },
      list(inviteeRow, false),
      undefined,
      ['user_not_found'],
    ),
    async (request) => ({ items: await inviteeTree(db, request.params.id) }),
  );
};
