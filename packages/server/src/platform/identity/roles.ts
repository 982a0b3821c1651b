import type { Db, Tx } from '../db/database';
import { inTx } from '../db/database';
import { fail } from '../errors';
import { nowIso } from '../clock';
import { ALL_PERMISSIONS, PERMISSIONS, isPermission, type Permission } from './permissions';

/**
 * Roles are stored: the built-in admin, operator and finance (seeded by migration 0004, read-only) and custom roles
 * an admin builds from permissions. A staff member has one role.
 */
export interface Role {
  code: string;
  name: { zh: string; en: string };
  permissions: Permission[];
  builtin: boolean;
  /** How many staff members hold the role (a role in use cannot be deleted). */
  staffCount: number;
}

export interface RoleInput {
  nameZh: string;
  nameEn?: string | undefined;
  permissions: string[];
}

type RoleRow = { code: string; name_zh: string; name_en: string; permissions: string; builtin: bigint };

/** A role's stored list, with "*" expanded to every permission known now. */
export function expandPermissions(stored: string): Permission[] {
  const list = JSON.parse(stored) as string[];
  if (list.includes(ALL_PERMISSIONS)) return Object.keys(PERMISSIONS) as Permission[];
  return list.filter(isPermission);
}

function roleOf(row: RoleRow, staffCount: bigint | number): Role {
  return {
    code: row.code,
    name: { zh: row.name_zh, en: row.name_en },
    permissions: expandPermissions(row.permissions),
    builtin: row.builtin === 1n,
    staffCount: Number(staffCount),
  };
}

export async function listRoles(db: Db | Tx): Promise<Role[]> {
  const rows = await db.selectFrom('roles').selectAll().orderBy('builtin', 'desc').orderBy('created_at').execute();
  const counts = await db
    .selectFrom('staff')
    .select(['role', (eb) => eb.fn.countAll<bigint>().as('n')])
    .groupBy('role')
    .execute();
  const byRole = new Map(counts.map((c) => [c.role, c.n]));
  return rows.map((r) => roleOf(r, byRole.get(r.code) ?? 0n));
}

export async function getRole(db: Db | Tx, code: string): Promise<Role | undefined> {
  const row = await db.selectFrom('roles').selectAll().where('code', '=', code).executeTakeFirst();
  if (row === undefined) return undefined;
  const count = await db
    .selectFrom('staff')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .where('role', '=', code)
    .executeTakeFirstOrThrow();
  return roleOf(row, count.n);
}

/** A role's name and permissions; an unknown role has none. */
export async function roleGrant(
  db: Db | Tx,
  code: string,
): Promise<{ name: { zh: string; en: string }; permissions: Permission[] }> {
  const row = await db
    .selectFrom('roles')
    .select(['name_zh', 'name_en', 'permissions'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (row === undefined) return { name: { zh: code, en: code }, permissions: [] };
  return { name: { zh: row.name_zh, en: row.name_en }, permissions: expandPermissions(row.permissions) };
}

/**
 * Nobody grants what they do not hold: a staff manager without finance:write can neither build a role with it nor give
 * a member a role that has it, nor take over (reset, disable, re-role) a member who holds more than they do.
 */
export function checkGrantable(actor: readonly Permission[], wanted: readonly Permission[]): void {
  const missing = wanted.filter((p) => !actor.includes(p));
  if (missing.length > 0) fail('forbidden', `you do not hold ${missing.join(', ')}`);
}

function checkedPermissions(list: string[]): Permission[] {
  const unknown = list.filter((p) => !isPermission(p));
  if (unknown.length > 0) fail('invalid_parameter', `unknown permission ${unknown.join(', ')}`);
  return [...new Set(list as Permission[])].sort();
}

export async function createRole(db: Db, code: string, input: RoleInput, actor: readonly Permission[]): Promise<Role> {
  const permissions = checkedPermissions(input.permissions);
  checkGrantable(actor, permissions);
  return inTx(db, async (trx) => {
    const existing = await trx.selectFrom('roles').select('code').where('code', '=', code).executeTakeFirst();
    if (existing !== undefined) fail('role_taken');
    const now = nowIso();
    await trx
      .insertInto('roles')
      .values({
        code,
        name_zh: input.nameZh,
        name_en: input.nameEn ?? input.nameZh,
        permissions: JSON.stringify(permissions),
        builtin: 0n,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return (await getRole(trx, code)) as Role;
  });
}

async function customRole(trx: Tx, code: string): Promise<void> {
  const row = await trx.selectFrom('roles').select('builtin').where('code', '=', code).executeTakeFirst();
  if (row === undefined) fail('role_not_found');
  if (row.builtin === 1n) fail('role_builtin');
}

/** A custom role's new name and permissions take effect on its staff's next request. */
export async function updateRole(db: Db, code: string, input: RoleInput, actor: readonly Permission[]): Promise<Role> {
  const permissions = checkedPermissions(input.permissions);
  checkGrantable(actor, permissions);
  return inTx(db, async (trx) => {
    await customRole(trx, code);
    checkGrantable(actor, (await roleGrant(trx, code)).permissions);
    await trx
      .updateTable('roles')
      .set({
        name_zh: input.nameZh,
        name_en: input.nameEn ?? input.nameZh,
        permissions: JSON.stringify(permissions),
        updated_at: nowIso(),
      })
      .where('code', '=', code)
      .execute();
    return (await getRole(trx, code)) as Role;
  });
}

export async function deleteRole(db: Db, code: string): Promise<void> {
  await inTx(db, async (trx) => {
    await customRole(trx, code);
    const holder = await trx.selectFrom('staff').select('id').where('role', '=', code).executeTakeFirst();
    if (holder !== undefined) fail('role_in_use');
    await trx.deleteFrom('roles').where('code', '=', code).execute();
  });
}
