import { loadSettings, settingsJson } from '../../platform/settings';
import { PROJECTION_HORIZON, rulesView } from '../../incentives/rules';
import { poolView, priceHistory } from '../../incentives/pool';
import { projectPool } from '@mall/core';
import type { RouteModule } from '../context';
import { anyObject, arr, obj, publicShop, settingsSchema, str } from '../schemas';

/** What anyone may read about the rules: settings shoppers see, the live incentive rules, the pool's price path. */
export const shopRulesRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const open = { public: true, errors: [] };
  const forCampaign = { public: true, errors: ['campaign_not_found'] as const };

  app.get(
    '/api/shop/settings',
    { config: open, schema: { ...publicShop, summary: 'Shopper-visible settings', response: { 200: settingsSchema } } },
    async () => ({ ...settingsJson(await loadSettings(db)), environment: ctx.environment }),
  );

  const campaignQuery = obj({ campaign: str({ minLength: 1, maxLength: 64 }) });

  app.get<{ Querystring: { campaign?: string } }>(
    '/api/shop/rules',
    {
      config: forCampaign,
      schema: {
        ...publicShop,
        summary:
          "The rules page (SPEC 3.4): each live campaign's rules section from core, with its parameters now, a worked example from today's state and, for a pool, the engine's exit projection; ?campaign= for one",
        querystring: campaignQuery,
        response: { 200: anyObject },
      },
    },
    async (request) => rulesView(db, ctx.sequencer, request.query.campaign),
  );

  app.get<{ Querystring: { campaign?: string } }>(
    '/api/shop/pool/price-history',
    {
      config: forCampaign,
      schema: {
        ...publicShop,
        summary: "A pool campaign's price after each change (?campaign=, default the first active pool)",
        querystring: campaignQuery,
        response: { 200: obj({ campaign: str(), items: arr(anyObject) }, ['items']) },
      },
    },
    async (request) => {
      const pool = await poolView(db, request.query.campaign);
      return { campaign: pool.campaign, items: await priceHistory(db, pool.campaign, 200) };
    },
  );

  app.get<{ Querystring: { campaign?: string } }>(
    '/api/shop/pool/projection',
    {
      config: open,
      schema: {
        ...publicShop,
        summary:
          "Honest projection of a pool campaign from today's state, run by the engine on a fork: orders of today's average size until a position bought now exits, the same for the oldest open position, the promise against the cash",
        querystring: campaignQuery,
        response: { 200: anyObject },
      },
    },
    async (request) => {
      const pool = await poolView(db, request.query.campaign);
      // A bounded horizon keeps the request short; null means the exit did not come within it.
      const id = pool.campaign;
      const projection =
        id === null
          ? undefined
          : await ctx.sequencer.snapshot((engine) => projectPool(engine, id, { horizon: PROJECTION_HORIZON }));
      return (
        projection ?? { campaign: pool.campaign, horizon: PROJECTION_HORIZON, newPosition: null, oldestOpen: null }
      );
    },
  );
};
