import { listShoppers, shopperDetail } from '../../incentives/shopper-profiles';
import { inviteeTree } from '../../incentives/referrals';
import { levelsOfUsers } from '../../incentives/member-levels';
import { listAgencies } from '../../incentives/agents';
import { paging, staffWith, type RouteModule } from '../context';
import { adminRoute, anyObject, idParam, obj, pageQuery, str } from '../schemas';

/** Shoppers for staff: the list, one shopper in full, and the referral tree one level at a time. */
export const adminUserRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get<{ Querystring: { q?: string; page?: number; pageSize?: number } }>(
    '/api/admin/users',
    adminRoute('Shoppers (users:read)', { querystring: obj({ q: str({ maxLength: 50 }), ...pageQuery }) }, anyObject),
    async (request) => {
      await staffWith(ctx, request, 'users:read');
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
    adminRoute('One shopper with wallet, positions and cycle (users:read)', { params: idParam }, anyObject),
    async (request) => {
      await staffWith(ctx, request, 'users:read');
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
    adminRoute('Direct invitees, for the lazy referral tree (users:read)', { params: idParam }, anyObject),
    async (request) => {
      await staffWith(ctx, request, 'users:read');
      return { items: await inviteeTree(db, request.params.id) };
    },
  );
};
