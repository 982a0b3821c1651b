import { beginTotp, disableTotp, enableTotp } from '../../platform/identity/totp';
import { staffOf, type RouteModule } from '../context';
import { arr, bool, obj, str } from '../schemas';
import { staffRoute } from '../staff-route';

/** A staff member turns two-step sign-in (TOTP) on or off for their own account. */
export const adminTwoStepRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.post(
    '/api/admin/me/totp/setup',
    staffRoute(
      null,
      'Start two-step sign-in: a new secret and its otpauth:// URI (shown as a QR code); it waits for a first code',
      {},
      obj({ secret: str(), uri: str() }),
      { action: 'staff.totp.setup', entity: 'staff' },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      return beginTotp(db, staff.id, staff.username);
    },
  );

  app.post<{ Body: { code: string } }>(
    '/api/admin/me/totp/enable',
    staffRoute(
      null,
      'Finish two-step sign-in with a first 6-digit code; answers 8 single-use recovery codes, shown only now',
      { body: obj({ code: str({ minLength: 6, maxLength: 6 }) }, ['code']) },
      obj({ recoveryCodes: arr(str()) }),
      { action: 'staff.totp.enable', entity: 'staff' },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      return { recoveryCodes: await enableTotp(db, staff.id, request.body.code) };
    },
  );

  app.post<{ Body: { password: string; code: string } }>(
    '/api/admin/me/totp/disable',
    staffRoute(
      null,
      'Turn two-step sign-in off: the password and a current code (or a recovery code)',
      {
        body: obj({ password: str({ minLength: 1, maxLength: 128 }), code: str({ minLength: 6, maxLength: 20 }) }, [
          'password',
          'code',
        ]),
      },
      obj({ ok: bool }),
      { action: 'staff.totp.disable', entity: 'staff' },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      await disableTotp(db, staff.id, request.body.password, request.body.code);
      return { ok: true };
    },
  );
};
