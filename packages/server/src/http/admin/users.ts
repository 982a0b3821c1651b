import { listShoppers, shopperDetail } from '../../incentives/shopper-profiles';
import { inviteeTree } from '../../incentives/referrals';
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
      return { ...(await listShoppers(db, { q: request.query.q, page, pageSize })), page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/users/:id',
    staffRoute(
      'users:read',
      'One shopper with wallet, positions and cycle',
      { params: idParam },
      anyObject,
      undefined,
      ['user_not_found'],
    ),
    async (request) => shopperDetail(db, request.params.id),
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
