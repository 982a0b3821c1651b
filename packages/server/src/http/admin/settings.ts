import { PERIOD_KINDS, changeSettings, loadSettings, settingsJson, type SettingsPatch } from '../../platform/settings';
import { staffWith, type RouteModule } from '../context';
import { adminRoute, int, obj, settingsSchema, str } from '../schemas';

/** The mall's settings: any staff member reads them, settings:write changes them. */
export const adminSettingsRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get('/api/admin/settings', adminRoute('Settings (any staff)', {}, settingsSchema), async (request) => {
    await staffWith(ctx, request, null);
    return { ...settingsJson(await loadSettings(db)), environment: ctx.environment };
  });

  app.put<{ Body: SettingsPatch }>(
    '/api/admin/settings',
    adminRoute(
      'Change settings (settings:write)',
      {
        body: obj({
          afterSalesDays: int({ minimum: 0, maximum: 365 }),
          withdrawMinFen: int({ minimum: 1, maximum: 100_000_000 }),
          withdrawFeeBps: int({ minimum: 0, maximum: 5000 }),
          unpaidTimeoutMinutes: int({ minimum: 0, maximum: 10080 }),
          maxUnpaidOrders: int({ minimum: 1, maximum: 100 }),
          periodKind: str({ enum: [...PERIOD_KINDS] }),
        }),
      },
      settingsSchema,
    ),
    async (request) => {
      await staffWith(ctx, request, 'settings:write');
      return { ...settingsJson(await changeSettings(db, request.body ?? {})), environment: ctx.environment };
    },
  );
};
