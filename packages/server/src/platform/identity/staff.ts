import type { Db, Tx } from '../db/database';
import { inTx } from '../db/database';
import { fail } from '../errors';
import { newId } from '../ids';
import { DUMMY_HASH, verifyPassword } from '../passwords';
import { nowIso } from '../clock';
import { checkLockout, clearLoginFailures, recordLoginFailure } from './lockout';
import { revokeOtherSessions } from './sessions';

/** Staff roles and what each may do; every admin route names one permission (or none: any staff). */
export type Role = 'admin' | 'operator' | 'finance';
export type Permission =
  | 'dashboard:read'
  | 'catalog:read'
  | 'catalog:write'
  | 'orders:read'
  | 'orders:write'
  | 'users:read'
  | 'plans:read'
  | 'plans:write'
  | 'finance:read'
  | 'finance:write'
  | 'settings:write';

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    'dashboard:read',
    'catalog:read',
    'catalog:write',
    'orders:read',
    'orders:write',
    'users:read',
    'plans:read',
    'plans:write',
    'finance:read',
    'finance:write',
    'settings:write',
  ],
  operator: [
    'dashboard:read',
    'catalog:read',
    'catalog:write',
    'orders:read',
    'orders:write',
    'users:read',
    'plans:read',
  ],
  finance: ['dashboard:read', 'finance:read', 'finance:write', 'users:read'],
};

export function isRole(value: string): value is Role {
  return value === 'admin' || value === 'operator' || value === 'finance';
}

export interface StaffRow {
  id: string;
  username: string;
  role: Role;
}

/** Takes the hash, not the password: scrypt is slow and must not run inside a transaction. */
export async function createStaff(trx: Tx, username: string, passwordHash: string, role: Role): Promise<StaffRow> {
  const existing = await trx.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirst();
  if (existing) fail('username_taken');
  const row = { id: newId('stf'), username, role };
  await trx
    .insertInto('staff')
    .values({ ...row, password_hash: passwordHash, created_at: nowIso() })
    .execute();
  return row;
}

/** A new staff password ends every session of that staff member (except `keepToken`, the one that changed it). */
export async function setStaffPassword(
  trx: Tx,
  username: string,
  passwordHash: string,
  keepToken?: string,
): Promise<void> {
  const row = await trx.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirst();
  if (!row) return;
  await trx.updateTable('staff').set({ password_hash: passwordHash }).where('id', '=', row.id).execute();
  await revokeOtherSessions(trx, 'staff', row.id, keepToken);
}

/** A staff member changes their own password: the old one is checked first, then every other session ends. */
export async function changeStaffPassword(
  db: Db,
  staff: StaffRow,
  oldPassword: string,
  newHash: string,
  keepToken: string,
): Promise<void> {
  const row = await db.selectFrom('staff').select('password_hash').where('id', '=', staff.id).executeTakeFirst();
  if (row === undefined || !(await verifyPassword(oldPassword, row.password_hash))) fail('invalid_credentials');
  await inTx(db, (trx) => setStaffPassword(trx, staff.username, newHash, keepToken));
}

export async function loginStaff(db: Db, username: string, password: string): Promise<StaffRow> {
  const account = `staff:${username}`;
  await checkLockout(db, account);
  const row = await db.selectFrom('staff').selectAll().where('username', '=', username).executeTakeFirst();
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok || !isRole(row.role)) {
    await recordLoginFailure(db, account);
    fail('invalid_credentials');
  }
  await clearLoginFailures(db, account);
  return { id: row.id, username: row.username, role: row.role };
}

export async function getStaff(db: Db, id: string): Promise<StaffRow | undefined> {
  const row = await db.selectFrom('staff').select(['id', 'username', 'role']).where('id', '=', id).executeTakeFirst();
  if (!row || !isRole(row.role)) return undefined;
  return { id: row.id, username: row.username, role: row.role };
}
