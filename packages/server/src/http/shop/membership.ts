import { shopperLevel } from '../../incentives/member-levels';
import { agentOrders } from '../../incentives/agents';
import { shopperId, type RouteModule } from '../context';
import { arr, int, nullable, obj, shopTags, str } from '../schemas';

const level = obj({ code: str(), name: str(), rank: int(), minSpendFen: int() }, [
  'code',
  'name',
  'rank',
  'minSpendFen',
]);

/**
 * The shopper's membership: member level (会员等级) with settled spend and the spend still missing to the next level;
 * for a regional agent, the orders of their regions that paid them.
 */
export const shopMembershipRoutes: RouteModule = async (app, ctx) => {
  app.get(
    '/api/shop/me/level',
    {
      schema: {
        tags: shopTags,
        summary: 'My member level, settled spend, the next level and the spend still missing to it',
        response: {
          200: obj(
            {
              level: nullable(level),
              next: nullable(level),
              spendFen: int(),
              spendToNextFen: nullable(int()),
              levels: arr(level),
            },
            ['level', 'next', 'spendFen', 'spendToNextFen', 'levels'],
          ),
        },
      },
    },
    async (request) => shopperLevel(ctx.store.db, ctx.sequencer, await shopperId(ctx, request)),
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/api/shop/me/agent-orders',
    {
      schema: {
        tags: shopTags,
        summary: 'For a regional agent: my regions and the orders shipped there that paid me, newest first',
        querystring: obj({ limit: int({ minimum: 1, maximum: 200 }) }),
        response: {
          200: obj(
            {
              regions: arr(obj({ region: arr(str()), appointedAt: str() }, ['region', 'appointedAt'])),
              items: arr(
                obj(
                  {
                    orderId: str(),
                    amountFen: int(),
                    region: arr(str()),
                    settledAt: nullable(str()),
                    rewardFen: int(),
                  },
                  ['orderId', 'amountFen', 'region', 'settledAt', 'rewardFen'],
                ),
              ),
            },
            ['regions', 'items'],
          ),
        },
      },
    },
    async (request) => agentOrders(ctx.store.db, await shopperId(ctx, request), request.query.limit ?? 50),
  );
};
