import { listShoppers, shopperDetail } from '../../incentives/shopper-profiles';
import { inviteeTree } from '../../incentives/referrals';
import { paging, staffWith, type RouteModule } from '../context';
import { adminRoute, anyObject, bool, idParam, int, list, nullable, obj, pageQuery, str } from '../schemas';

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
    adminRoute(
      'Shoppers (users:read)',
      { querystring: obj({ q: str({ maxLength: 50 }), ...pageQuery }) },
      list(shopperRow),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'users:read');
      const { page, pageSize } = paging(request.query);
      return { ...(await listShoppers(db, { q: request.query.q, page, pageSize })), page, pageSize };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/users/:id',
    adminRoute('One shopper with wallet, positions and cycle (users:read)', { params: idParam }, anyObject, [
      'user_not_found',
    ]),
    async (request) => {
      await staffWith(ctx, request, 'users:read');
      return shopperDetail(db, request.params.id);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/users/:id/invitees',
    adminRoute(
      'Direct invitees, for the lazy referral tree (users:read)',
      { params: idParam },
      list(inviteeRow, false),
      ['user_not_found'],
    ),
    async (request) => {
      await staffWith(ctx, request, 'users:read');
      return { items: await inviteeTree(db, request.params.id) };
    },
  );
};
