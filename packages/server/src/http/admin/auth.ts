import { createSession } from '../../platform/identity/sessions';
import { loginStaff } from '../../platform/identity/staff';
import { staffJson, staffWith, type RouteModule } from '../context';
import { adminRoute, anyObject, obj, str } from '../schemas';

/** Staff sign-in and who am I. */
export const adminAuthRoutes: RouteModule = async (app, ctx, options) => {
  const db = ctx.store.db;

  app.post<{ Body: { username: string; password: string } }>(
    '/api/admin/login',
    {
      config: { public: true, rateLimit: { max: options.authRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['admin'],
        security: [],
        summary: 'Staff sign-in',
        body: obj({ username: str({ minLength: 1, maxLength: 50 }), password: str({ minLength: 1, maxLength: 128 }) }, [
          'username',
          'password',
        ]),
        response: { 200: obj({ token: str(), staff: anyObject }) },
      },
    },
    async (request) => {
      const staff = await loginStaff(db, request.body.username, request.body.password);
      return { token: await createSession(db, 'staff', staff.id), staff: staffJson(staff) };
    },
  );

  app.get(
    '/api/admin/me',
    adminRoute('The signed-in staff member', {}, obj({ staff: anyObject })),
    async (request) => ({
      staff: staffJson(await staffWith(ctx, request, null)),
    }),
  );
};
