import { createSession, revokeSession } from '../../platform/identity/sessions';
import { changeStaffPassword, loginStaff } from '../../platform/identity/staff';
import { hashPassword } from '../../platform/passwords';
import { bearer, staffJson, staffWith, type RouteModule } from '../context';
import { adminRoute, arr, bool, obj, str } from '../schemas';

/** Staff sign-in and who am I. */
export const adminAuthRoutes: RouteModule = async (app, ctx, options) => {
  const db = ctx.store.db;

  app.post<{ Body: { username: string; password: string } }>(
    '/api/admin/login',
    {
      config: {
        public: true,
        rateLimit: { max: options.authRateLimitPerMinute, timeWindow: 60_000 },
        errors: ['invalid_credentials', 'account_locked'],
      },
      schema: {
        tags: ['admin'],
        security: [],
        summary: 'Staff sign-in',
        body: obj({ username: str({ minLength: 1, maxLength: 50 }), password: str({ minLength: 1, maxLength: 128 }) }, [
          'username',
          'password',
        ]),
        response: { 200: obj({ token: str(), staff: staffSchema }, ['token', 'staff']) },
      },
    },
    async (request) => {
      const staff = await loginStaff(db, request.body.username, request.body.password);
      return { token: await createSession(db, 'staff', staff.id), staff: staffJson(staff) };
    },
  );

  app.get(
    '/api/admin/me',
    adminRoute('The signed-in staff member', {}, obj({ staff: staffSchema }), []),
    async (request) => ({
      staff: staffJson(await staffWith(ctx, request, null)),
    }),
  );

  app.post(
    '/api/admin/logout',
    adminRoute('Staff sign-out: this token stops working at once', {}, okAnswer, []),
    async (request) => {
      await staffWith(ctx, request, null);
      await revokeSession(db, bearer(request) ?? '');
      return { ok: true };
    },
  );

  app.post<{ Body: { oldPassword: string; newPassword: string } }>(
    '/api/admin/me/password',
    adminRoute(
      "Change the signed-in staff member's password; every other session of theirs ends",
      {
        body: obj(
          { oldPassword: str({ minLength: 1, maxLength: 128 }), newPassword: str({ minLength: 8, maxLength: 128 }) },
          ['oldPassword', 'newPassword'],
        ),
      },
      okAnswer,
      ['invalid_credentials'],
    ),
    async (request) => {
      const staff = await staffWith(ctx, request, null);
      const hash = await hashPassword(request.body.newPassword);
      await changeStaffPassword(db, staff, request.body.oldPassword, hash, bearer(request) ?? '');
      return { ok: true };
    },
  );
};

const okAnswer = obj({ ok: bool }, ['ok']);
const staffSchema = obj({ id: str(), username: str(), role: str(), permissions: arr(str()) }, [
  'id',
  'username',
  'role',
  'permissions',
]);
