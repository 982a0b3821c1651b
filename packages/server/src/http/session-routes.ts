import type { FastifyInstance } from 'fastify';
import { fail } from '../errors';
import { hashPassword } from '../passwords';
import { inTx } from '../db/database';
import { changeUserPassword, revokeSession, setStaffPassword, verifyStaffPassword } from '../identity';
import type { AppContext } from './context';
import { bearer, shopperId, staffWith } from './context';
import { bool, obj, str } from './schemas';

const okAnswer = { 200: obj({ ok: bool }, ['ok']) };
const password = str({ minLength: 8, maxLength: 128 });

/**
 * Ending sessions: logout for shoppers and staff, and password changes that end every other session of the
 * account. A revoked token stops working at once in every server process (sessions are read on every request).
 */
export async function sessionRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const db = ctx.store.db;
  // Sign-in before the body schema, as everywhere: a stranger learns 401 and nothing else.
  app.addHook('preValidation', async (request) => {
    if ((request.routeOptions.url ?? '').startsWith('/api/admin/')) await staffWith(ctx, request, null);
    else await shopperId(ctx, request);
  });

  app.post(
    '/api/shop/logout',
    { schema: { tags: ['shop'], summary: 'Sign out: this token stops working', response: okAnswer } },
    async (request) => {
      await shopperId(ctx, request);
      await revokeSession(db, bearer(request) ?? '');
      return { ok: true };
    },
  );

  app.post<{ Body: { oldPassword?: string; newPassword: string } }>(
    '/api/shop/me/password',
    {
      schema: {
        tags: ['shop'],
        summary: 'Set or change the password; every other session of this shopper ends',
        body: obj({ oldPassword: str({ maxLength: 128 }), newPassword: password }, ['newPassword']),
        response: okAnswer,
      },
    },
    async (request) => {
      const userId = await shopperId(ctx, request);
      const hash = await hashPassword(request.body.newPassword);
      await changeUserPassword(db, userId, request.body.oldPassword, hash, bearer(request) ?? '');
      return { ok: true };
    },
  );

  app.post(
    '/api/admin/logout',
    { schema: { tags: ['admin'], summary: 'Staff sign-out: this token stops working', response: okAnswer } },
    async (request) => {
      await staffWith(ctx, request, null);
      await revokeSession(db, bearer(request) ?? '');
      return { ok: true };
    },
  );

  app.post<{ Body: { oldPassword: string; newPassword: string } }>(
    '/api/admin/me/password',
    {
      schema: {
        tags: ['admin'],
        summary: "Change the signed-in staff member's password; every other session of theirs ends",
        body: obj({ oldPassword: str({ minLength: 1, maxLength: 128 }), newPassword: password }, [
          'oldPassword',
          'newPassword',
        ]),
        response: okAnswer,
      },
    },
    async (request) => {
      const staff = await staffWith(ctx, request, null);
      if (!(await verifyStaffPassword(db, staff.id, request.body.oldPassword))) fail('invalid_credentials');
      const hash = await hashPassword(request.body.newPassword);
      await inTx(db, (trx) => setStaffPassword(trx, staff.username, hash, bearer(request)));
      return { ok: true };
    },
  );
}
