import { getUser } from '../../platform/identity/shoppers';
import { invitations } from '../../incentives/referrals';
import { shopperCard } from '../../incentives/shopper-profiles';
import { fail } from '../../platform/errors';
import { shopperId, type RouteModule } from '../context';
import { anyObject, obj, shopTags, str } from '../schemas';

/** The shopper's invite code, referrer, invitees and referral-cycle progress. */
export const shopInvitationRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get<{ Querystring: { campaign?: string } }>(
    '/api/shop/me/invitations',
    {
      config: { errors: ['campaign_not_found'] },
      schema: {
        tags: shopTags,
        summary:
          'Invite code, referrer, invitees and the progress in each referral-cycle campaign (?campaign= for one)',
        querystring: obj({ campaign: str({ minLength: 1, maxLength: 64 }) }),
        response: { 200: anyObject },
      },
    },
    async (request) => {
      const user = await getUser(db, await shopperId(ctx, request));
      if (!user) fail('unauthorized');
      const { invitees, cycles } = await invitations(db, user.id, request.query.campaign);
      const card = await shopperCard(db, user);
      return { inviteCode: user.invite_code, referrer: card.referrer, invitees, cycles };
    },
  );
};
