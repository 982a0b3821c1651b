import { PERIOD_KINDS, changeSettings, loadSettings, settingsJson, type SettingsPatch } from '../../platform/settings';
import type { RouteModule } from '../context';
import { int, obj, settingsSchema, str } from '../schemas';
import { staffRoute } from '../staff-route';

/** The mall's settings: any staff member reads them, settings:write changes them. */
export const adminSettingsRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get('/api/admin/settings', staffRoute(null, 'Settings', {}, settingsSchema, undefined, []), async () => ({
    ...settingsJson(await loadSettings(db)),
    environment: ctx.environment,
  }));

  app.put<{ Body: SettingsPatch }>(
    '/api/admin/settings',
    staffRoute(
      'settings:write',
      'Change settings',
      {
        body: obj({
          afterSalesDays: int({ minimum: 0, maximum: 365 }),
          withdrawMinFen: int({ minimum: 1, maximum: 100_000_000 }),
          withdrawFeeBps: int({ minimum: 0, maximum: 5000 }),
          unpaidTimeoutMinutes: int({ minimum: 0, maximum: 10080 }),
          maxUnpaidOrders: int({ minimum: 1, maximum: 100 }),
          autoReceiveDays: int({ minimum: 0, maximum: 90 }),
          periodKind: str({ enum: [...PERIOD_KINDS] }),
        }),
      },
      settingsSchema,
      { action: 'settings.update', entity: 'settings' },
      ['invalid_parameter'],
    ),
    async (request) => ({
      ...settingsJson(await changeSettings(db, request.body ?? {})),
      environment: ctx.environment,
    }),
  );
};
