import { walletView } from '../../money/wallet';
import { pendingRewards } from '../../incentives/pending';
import { listWithdrawals, requestWithdrawalOnce } from '../../money/withdrawals';
import { positionsView, redeem, redeemPreview } from '../../incentives/positions';
import { loadSettings } from '../../platform/settings';
import { fail } from '../../platform/errors';
import { header, paging, shopperId, type RouteModule } from '../context';
import {
  arr,
  id,
  idempotencyKeyHeader,
  int,
  list,
  nullable,
  obj,
  pageQuery,
  positionsSchema,
  positiveFen,
  redeemAnswer,
  shopTags,
  str,
  walletSchema,
  withdrawalSchema,
} from '../schemas';

const redeemRoute = (summary: string, withKey: boolean) => ({
  config: {
    errors: withKey
      ? ([
          'position_not_found',
          'redeem_rejected',
          'campaign_not_found',
          'campaign_required',
          'idempotency_key_reused',
        ] as const)
      : (['position_not_found', 'redeem_rejected', 'campaign_not_found', 'campaign_required'] as const),
  },
  schema: {
    tags: shopTags,
    summary,
    params: obj({ orderId: id() }, ['orderId']),
    ...(withKey ? { headers: idempotencyKeyHeader(true) } : {}),
    body: obj(
      { units: int({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), campaign: str({ minLength: 1, maxLength: 64 }) },
      ['units'],
    ),
    response: { 200: redeemAnswer },
  },
});
const none = { errors: [] };

/** The shopper's money: wallet statement, pool positions and redemptions, withdrawals. */
export const shopWalletRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/shop/me/wallet',
    {
      config: none,
      schema: { tags: shopTags, summary: 'Wallet balance and statement', response: { 200: walletSchema } },
    },
    async (request) => {
      const user = await shopperId(ctx, request);
      const wallet = await walletView(db, user);
      return { ...wallet, pendingFen: (await pendingRewards(db, ctx.sequencer, user)).pendingFen };
    },
  );

  app.get(
    '/api/shop/me/pending',
    {
      config: none,
      schema: {
        tags: shopTags,
        summary:
          'What is owed but not paid yet: rewards of orders in the after-sales window (quoted as settlement will pay them) and cashback installments to come, with when each pays',
        response: {
          200: obj(
            {
              pendingFen: int(),
              items: arr(
                obj(
                  {
                    orderId: str(),
                    reason: str(),
                    label: nullable(obj({ zh: str(), en: str() })),
                    amountFen: int(),
                    kind: str({ enum: ['settlement', 'installment'] }),
                    paysAt: str(),
                  },
                  ['orderId', 'reason', 'label', 'amountFen', 'kind', 'paysAt'],
                ),
              ),
            },
            ['pendingFen', 'items'],
          ),
        },
      },
    },
    async (request) => pendingRewards(db, ctx.sequencer, await shopperId(ctx, request)),
  );

  app.get<{ Querystring: { campaign?: string } }>(
    '/api/shop/me/positions',
    {
      config: { errors: ['campaign_not_found'] },
      schema: {
        tags: shopTags,
        summary: 'Positions in the appreciation pools (every pool campaign, or ?campaign= for one)',
        querystring: obj({ campaign: str({ minLength: 1, maxLength: 64 }) }),
        response: { 200: positionsSchema },
      },
    },
    async (request) => positionsView(db, await shopperId(ctx, request), request.query.campaign),
  );

  app.post<{ Params: { orderId: string }; Body: { units: number; campaign?: string } }>(
    '/api/shop/me/positions/:orderId/redeem/preview',
    redeemRoute("What redeeming these units would pay now (core's quote, the rule the engine applies)", false),
    async (request) => {
      const userId = await shopperId(ctx, request);
      const { orderId } = request.params;
      return redeemPreview(ctx.sequencer, db, userId, orderId, BigInt(request.body.units), request.body.campaign);
    },
  );

  app.post<{ Params: { orderId: string }; Body: { units: number; campaign?: string } }>(
    '/api/shop/me/positions/:orderId/redeem',
    redeemRoute('Redeem units of an open position (422 redeem_rejected when the rules refuse)', true),
    async (request) => {
      const userId = await shopperId(ctx, request);
      const key = header(request.headers['idempotency-key']);
      if (key === undefined || key === '') fail('idempotency_key_required');
      const { orderId } = request.params;
      return redeem(ctx.sequencer, userId, orderId, BigInt(request.body.units), key, request.body.campaign);
    },
  );

  app.get<{ Querystring: { page?: number; pageSize?: number } }>(
    '/api/shop/me/withdrawals',
    {
      config: none,
      schema: {
        tags: shopTags,
        summary: "The shopper's withdrawals",
        querystring: obj({ ...pageQuery }),
        response: { 200: list(withdrawalSchema) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const { page, pageSize } = paging(request.query);
      return { ...(await listWithdrawals(db, { userId, page, pageSize })), page, pageSize };
    },
  );

  app.post<{ Body: { amountFen: number; channel: string; account?: string; name?: string } }>(
    '/api/shop/me/withdrawals',
    {
      config: { errors: ['below_minimum', 'insufficient_balance', 'idempotency_key_reused'] },
      schema: {
        tags: shopTags,
        summary:
          'Request a withdrawal: the amount leaves the wallet now; finance approves or rejects. Alipay payouts need the account (and the real name for a login id). Optional Idempotency-Key.',
        headers: idempotencyKeyHeader(false),
        body: obj(
          {
            amountFen: positiveFen,
            channel: str({ enum: ['wechat', 'alipay', 'bank'] }),
            account: str({ minLength: 1, maxLength: 100 }),
            name: str({ minLength: 1, maxLength: 50 }),
          },
          ['amountFen', 'channel'],
        ),
        response: { 200: obj({ withdrawal: withdrawalSchema }) },
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const settings = await loadSettings(db);
      const key = header(request.headers['idempotency-key']);
      return requestWithdrawalOnce(db, userId, request.body, key, settings);
    },
  );
};
