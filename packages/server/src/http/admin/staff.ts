import { PERMISSIONS, type Permission } from '../../platform/identity/permissions';
import { createRole, deleteRole, listRoles, updateRole } from '../../platform/identity/roles';
import {
  addStaff,
  checkManageable,
  listStaff,
  resetStaffPassword,
  staffListing,
  updateStaff,
} from '../../platform/identity/staff';
import { clearTotp } from '../../platform/identity/totp';
import { hashPassword } from '../../platform/passwords';
import { staffOf, type RouteModule } from '../context';
import { permissionsInUse } from '../route-registry';
import { anyObject, arr, bool, idParam, list, obj, str } from '../schemas';
import { answerId, byParam, staffRoute } from '../staff-route';

const staffSchema = obj({
  id: str(),
  username: str(),
  role: str(),
  disabled: bool,
  totpEnabled: bool,
  createdAt: str(),
});
const roleSchema = obj({
  code: str(),
  name: anyObject,
  permissions: arr(str()),
  builtin: bool,
  staffCount: { type: 'integer' },
});
const codeParam = obj({ code: str({ minLength: 1, maxLength: 32 }) }, ['code']);
const roleBody = (withCode: boolean) =>
  obj(
    {
      ...(withCode ? { code: str({ pattern: '^[a-z][a-z0-9_-]{1,31}$' }) } : {}),
      nameZh: str({ minLength: 1, maxLength: 30 }),
      nameEn: str({ maxLength: 30 }),
      permissions: arr(str({ maxLength: 50 }), { maxItems: 100 }),
    },
    withCode ? ['code', 'nameZh', 'permissions'] : ['nameZh', 'permissions'],
  );
const password = str({ minLength: 8, maxLength: 128 });

/** 权限中心: staff accounts, roles built from the permissions the routes declare, and that permission list. */
export const adminStaffRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/permissions',
    staffRoute(
      'staff:read',
      'The permissions the admin routes declare, with zh/en labels and the routes that need each',
      {},
      list(obj({ code: str(), group: str(), label: anyObject, routes: arr(str()) }), false),
    ),
    async () => ({
      items: permissionsInUse(app.adminRoutes, Object.keys(PERMISSIONS) as Permission[]).map((code) => ({
        code,
        group: PERMISSIONS[code].group,
        label: { zh: PERMISSIONS[code].zh, en: PERMISSIONS[code].en },
        routes: app.adminRoutes.filter((r) => r.permission === code).map((r) => `${r.method} ${r.url}`),
      })),
    }),
  );

  app.get('/api/admin/roles', staffRoute('staff:read', 'Roles', {}, list(roleSchema, false)), async () => ({
    items: await listRoles(db),
  }));

  app.post<{ Body: { code: string; nameZh: string; nameEn?: string; permissions: string[] } }>(
    '/api/admin/roles',
    staffRoute('staff:write', 'Create a custom role', { body: roleBody(true) }, obj({ role: roleSchema }), {
      action: 'role.create',
      entity: 'role',
      answerTarget: (answer) => (answer as { role?: { code?: string } }).role?.code,
    }),
    async (request) => ({
      role: await createRole(db, request.body.code, request.body, (await staffOf(ctx, request)).permissions),
    }),
  );

  app.put<{ Params: { code: string }; Body: { nameZh: string; nameEn?: string; permissions: string[] } }>(
    '/api/admin/roles/:code',
    staffRoute(
      'staff:write',
      "Change a custom role's name and permissions (built-in roles: 409 role_built_in); applies at once",
      { params: codeParam, body: roleBody(false) },
      obj({ role: roleSchema }),
      { action: 'role.update', entity: 'role', target: byParam('code') },
    ),
    async (request) => ({
      role: await updateRole(db, request.params.code, request.body, (await staffOf(ctx, request)).permissions),
    }),
  );

  app.delete<{ Params: { code: string } }>(
    '/api/admin/roles/:code',
    staffRoute('staff:write', 'Delete a custom role nobody holds', { params: codeParam }, obj({ ok: bool }), {
      action: 'role.delete',
      entity: 'role',
      target: byParam('code'),
    }),
    async (request) => {
      await deleteRole(db, request.params.code);
      return { ok: true };
    },
  );

  app.get('/api/admin/staff', staffRoute('staff:read', 'Staff accounts', {}, list(staffSchema, false)), async () => ({
    items: await listStaff(db),
  }));

  app.post<{ Body: { username: string; password: string; role: string } }>(
    '/api/admin/staff',
    staffRoute(
      'staff:write',
      'Create a staff account with a first password and a role',
      {
        body: obj(
          {
            username: str({ pattern: '^[A-Za-z0-9_.-]{2,50}$' }),
            password,
            role: str({ minLength: 1, maxLength: 32 }),
          },
          ['username', 'password', 'role'],
        ),
      },
      obj({ staff: staffSchema }),
      { action: 'staff.create', entity: 'staff', answerTarget: answerId('staff') },
    ),
    async (request) => {
      const hash = await hashPassword(request.body.password);
      const actor = await staffOf(ctx, request);
      const created = await addStaff(db, request.body.username, hash, request.body.role, actor.permissions);
      return { staff: await staffListing(db, created.id) };
    },
  );

  app.put<{ Params: { id: string }; Body: { role?: string; disabled?: boolean } }>(
    '/api/admin/staff/:id',
    staffRoute(
      'staff:write',
      "Change a staff member's role or disable them (their sessions end at once); not oneself (409 cannot_change_self)",
      { params: idParam, body: obj({ role: str({ minLength: 1, maxLength: 32 }), disabled: bool }) },
      obj({ staff: staffSchema }),
      { action: 'staff.update', entity: 'staff', target: byParam() },
    ),
    async (request) => {
      const actor = await staffOf(ctx, request);
      return { staff: await updateStaff(db, actor, request.params.id, request.body) };
    },
  );

  app.post<{ Params: { id: string }; Body: { newPassword: string } }>(
    '/api/admin/staff/:id/password',
    staffRoute(
      'staff:write',
      "Reset a staff member's password; every session of theirs ends",
      { params: idParam, body: obj({ newPassword: password }, ['newPassword']) },
      obj({ staff: staffSchema }),
      { action: 'staff.password.reset', entity: 'staff', target: byParam() },
    ),
    async (request) => {
      const actor = await staffOf(ctx, request);
      const hash = await hashPassword(request.body.newPassword);
      return { staff: await resetStaffPassword(db, actor.permissions, request.params.id, hash) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/admin/staff/:id/totp/reset',
    staffRoute(
      'staff:write',
      "Turn off a staff member's two-step sign-in (a lost phone); they sign in with their password again",
      { params: idParam },
      obj({ staff: staffSchema }),
      { action: 'staff.totp.reset', entity: 'staff', target: byParam() },
    ),
    async (request) => {
      await checkManageable(db, (await staffOf(ctx, request)).permissions, request.params.id);
      await clearTotp(db, request.params.id);
      return { staff: await staffListing(db, request.params.id) };
    },
  );
};
