import { loadSettings, settingsJson } from '../../platform/settings';
import { rulesView } from '../../incentives/rules';
import { priceHistory } from '../../incentives/pool';
import type { RouteModule } from '../context';
import { anyObject, list, pricePointSchema, publicShop, settingsSchema } from '../schemas';

/** What anyone may read about the rules: settings shoppers see, the live incentive rules, the pool's price path. */
export const shopRulesRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const open = { public: true, errors: [] };

  app.get(
    '/api/shop/settings',
    { config: open, schema: { ...publicShop, summary: 'Shopper-visible settings', response: { 200: settingsSchema } } },
    async () => ({ ...settingsJson(await loadSettings(db)), environment: ctx.environment }),
  );

  app.get(
    '/api/shop/rules',
    {
      config: open,
      schema: {
        ...publicShop,
        summary: 'The incentive rules, generated from the live parameters',
        response: { 200: anyObject },
      },
    },
    async () => rulesView(db),
  );

  app.get(
    '/api/shop/pool/price-history',
    {
      config: open,
      schema: {
        ...publicShop,
        summary: 'Pool price after each settlement batch',
        response: { 200: list(pricePointSchema, false) },
      },
    },
    async () => ({
      items: await priceHistory(db, 200),
    }),
  );
};
