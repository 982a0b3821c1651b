import { createSession, revokeOtherSessions, revokeSession } from '../../platform/identity/sessions';
import { changeStaffPassword, getStaff, loginStaff } from '../../platform/identity/staff';
import { completeChallenge, startChallenge } from '../../platform/identity/totp';
import { hashPassword } from '../../platform/passwords';
import { fail } from '../../platform/errors';
import { bearer, staffJson, staffOf, type RouteModule } from '../context';
import { arr, bool, obj, str } from '../schemas';
import { staffRoute } from '../staff-route';

/**
 * Staff sign-in (with the TOTP second step for members who turned it on), who am I, sign-out here or everywhere,
 * password change.
 */
export const adminAuthRoutes: RouteModule = async (app, ctx, options) => {
  const db = ctx.store.db;
  const limited = { rateLimit: { max: options.authRateLimitPerMinute, timeWindow: 60_000 } };

  async function session(staffId: string) {
    const staff = await getStaff(db, staffId);
    if (staff === undefined) fail('unauthorized');
    return { token: await createSession(db, 'staff', staff.id), staff: staffJson(staff) };
  }

  app.post<{ Body: { username: string; password: string } }>(
    '/api/admin/login',
    {
      config: { public: true, ...limited, errors: ['invalid_credentials', 'account_locked', 'account_disabled'] },
      schema: {
        tags: ['admin'],
        security: [],
        summary:
          'Staff sign-in: {token, staff}, or {totpRequired: true, challenge} for a member with two-step sign-in (then POST /api/admin/login/totp)',
        body: obj({ username: str({ minLength: 1, maxLength: 50 }), password: str({ minLength: 1, maxLength: 128 }) }, [
          'username',
          'password',
        ]),
        response: { 200: signedIn },
      },
    },
    async (request) => {
      const staff = await loginStaff(db, request.body.username, request.body.password);
      if (staff.totpEnabled) return { totpRequired: true, challenge: await startChallenge(db, staff.id) };
      return session(staff.id);
    },
  );

  app.post<{ Body: { challenge: string; code: string } }>(
    '/api/admin/login/totp',
    {
      config: { public: true, ...limited },
      schema: {
        tags: ['admin'],
        security: [],
        summary:
          "Staff sign-in, second step: the login's challenge and a 6-digit authenticator code or a recovery code",
        body: obj({ challenge: str({ minLength: 1, maxLength: 100 }), code: str({ minLength: 6, maxLength: 20 }) }, [
          'challenge',
          'code',
        ]),
        response: { 200: signedIn },
      },
    },
    async (request) => session(await completeChallenge(db, request.body.challenge, request.body.code)),
  );

  app.get(
    '/api/admin/me',
    staffRoute(
      null,
      'The signed-in staff member, and whether the mall runs in demo mode (the console shows it from its first paint)',
      {},
      obj({ staff: staffSchema, environment: str({ enum: ['demo', 'production'] }) }, ['staff', 'environment']),
      undefined,
      [],
    ),
    async (request) => ({
      staff: staffJson(await staffOf(ctx, request)),
      environment: ctx.environment,
    }),
  );

  app.post(
    '/api/admin/logout',
    staffRoute(
      null,
      'Staff sign-out: this token stops working at once',
      {},
      okAnswer,
      { action: 'staff.logout', entity: null },
      [],
    ),
    async (request) => {
      await revokeSession(db, bearer(request) ?? '');
      return { ok: true };
    },
  );

  app.post(
    '/api/admin/me/logout-everywhere',
    staffRoute(null, 'Sign out everywhere: every session of this staff member ends, this one too', {}, okAnswer, {
      action: 'staff.logout-everywhere',
      entity: null,
    }),
    async (request) => {
      const staff = await staffOf(ctx, request);
      await revokeOtherSessions(db, 'staff', staff.id);
      return { ok: true };
    },
  );

  app.post<{ Body: { oldPassword: string; newPassword: string } }>(
    '/api/admin/me/password',
    staffRoute(
      null,
      "Change the signed-in staff member's password; every other session of theirs ends",
      {
        body: obj(
          { oldPassword: str({ minLength: 1, maxLength: 128 }), newPassword: str({ minLength: 8, maxLength: 128 }) },
          ['oldPassword', 'newPassword'],
        ),
      },
      okAnswer,
      { action: 'staff.password.change', entity: 'staff' },
      ['invalid_credentials'],
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      const hash = await hashPassword(request.body.newPassword);
      await changeStaffPassword(db, staff, request.body.oldPassword, hash, bearer(request) ?? '');
      return { ok: true };
    },
  );
};

const okAnswer = obj({ ok: bool }, ['ok']);
const staffSchema = obj(
  {
    id: str(),
    username: str(),
    role: str(),
    roleName: obj({ zh: str(), en: str() }),
    permissions: arr(str()),
    totpEnabled: bool,
  },
  ['id', 'username', 'role', 'permissions'],
);
const signedIn = obj({ token: str(), staff: staffSchema, totpRequired: bool, challenge: str() });
