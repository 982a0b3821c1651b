import { dividendBoards, myQueues } from '../../incentives/boards';
import { shopperId, type RouteModule } from '../context';
import { arr, bool, int, obj, shopTags, str } from '../schemas';

const campaignQuery = obj({ campaign: str({ minLength: 1, maxLength: 64 }) });

/** The 分红榜 leaderboard of dividend pools and the shopper's places in queueRebate queues. */
export const shopBoardRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get<{ Querystring: { campaign?: string } }>(
    '/api/shop/dividend-board',
    {
      schema: {
        tags: shopTags,
        summary: "Each dividend pool's cash and this period's ranking with masked phone numbers (?campaign= for one)",
        querystring: campaignQuery,
        response: {
          200: obj(
            {
              items: arr(
                obj(
                  {
                    campaign: str(),
                    name: str(),
                    basis: str(),
                    cashFen: int(),
                    period: int(),
                    mySpendFen: int(),
                    ranking: arr(
                      obj({ rank: int(), phoneMasked: str(), periodSpendFen: int(), me: bool }, [
                        'rank',
                        'phoneMasked',
                        'periodSpendFen',
                        'me',
                      ]),
                    ),
                  },
                  ['campaign', 'name', 'basis', 'cashFen', 'period', 'mySpendFen', 'ranking'],
                ),
              ),
            },
            ['items'],
          ),
        },
      },
    },
    async (request) => dividendBoards(db, ctx.sequencer, request.query.campaign, await shopperId(ctx, request)),
  );

  app.get<{ Querystring: { campaign?: string } }>(
    '/api/shop/me/queue',
    {
      schema: {
        tags: shopTags,
        summary:
          'My places in each queueRebate queue: place, the amount still owed ahead of me, what I received (no dates are promised)',
        querystring: campaignQuery,
        response: {
          200: obj(
            {
              items: arr(
                obj(
                  {
                    campaign: str(),
                    name: str(),
                    length: int(),
                    owedFen: int(),
                    receivedFen: int(),
                    entries: arr(
                      obj(
                        {
                          orderId: str(),
                          place: int(),
                          aheadFen: int(),
                          entitlementFen: int(),
                          receivedFen: int(),
                          remainingFen: int(),
                        },
                        ['orderId', 'place', 'aheadFen', 'entitlementFen', 'receivedFen', 'remainingFen'],
                      ),
                    ),
                  },
                  ['campaign', 'name', 'length', 'owedFen', 'receivedFen', 'entries'],
                ),
              ),
            },
            ['items'],
          ),
        },
      },
    },
    async (request) => myQueues(db, ctx.sequencer, await shopperId(ctx, request), request.query.campaign),
  );
};
