import { getUser } from '../../platform/identity/shoppers';
import { invitations } from '../../incentives/referrals';
import { shopperCard } from '../../incentives/shopper-profiles';
import { fail } from '../../platform/errors';
import { shopperId, type RouteModule } from '../context';
import { anyObject, shopTags } from '../schemas';

/** The shopper's invite code, referrer, invitees and referral-cycle progress. */
export const shopInvitationRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/shop/me/invitations',
    {
      config: { errors: [] },
      schema: {
        tags: shopTags,
        summary: 'Invite code, referrer, invitees and referral-cycle progress',
        response: { 200: anyObject },
      },
    },
    async (request) => {
      const user = await getUser(db, await shopperId(ctx, request));
      if (!user) fail('unauthorized');
      const { invitees, cycle } = await invitations(db, user.id);
      const card = await shopperCard(db, user);
      return { inviteCode: user.invite_code, referrer: card.referrer, invitees, cycle };
    },
  );
};
