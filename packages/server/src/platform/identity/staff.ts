import type { Db, Tx } from '../db/database';
import { inTx } from '../db/database';
import { fail } from '../errors';
import { newId } from '../ids';
import { DUMMY_HASH, verifyPassword } from '../passwords';
import { nowIso } from '../clock';
import { checkLockout, clearLoginFailures, recordLoginFailure } from './lockout';
import { revokeOtherSessions } from './sessions';
import { checkGrantable, roleGrant } from './roles';
import type { Permission } from './permissions';

export type { Permission } from './permissions';

/** A staff member as the rest of the server sees them: the role is a roles.code. */
export interface StaffRow {
  id: string;
  username: string;
  role: string;
  totpEnabled: boolean;
}

/** A staff member with what their role allows, read on every request (a role edit applies at once). */
export interface SignedInStaff extends StaffRow {
  roleName: { zh: string; en: string };
  permissions: Permission[];
}

export interface StaffListing extends StaffRow {
  disabled: boolean;
  createdAt: string;
}

async function checkRole(trx: Tx, role: string): Promise<void> {
  const row = await trx.selectFrom('roles').select('code').where('code', '=', role).executeTakeFirst();
  if (row === undefined) fail('role_not_found');
}

/** Takes the hash, not the password: scrypt is slow and must not run inside a transaction. */
export async function createStaff(trx: Tx, username: string, passwordHash: string, role: string): Promise<StaffRow> {
  const existing = await trx.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirst();
  if (existing) fail('username_taken');
  await checkRole(trx, role);
  const row = { id: newId('stf'), username, role };
  await trx
    .insertInto('staff')
    .values({ ...row, password_hash: passwordHash, created_at: nowIso() })
    .execute();
  return { ...row, totpEnabled: false };
}

/** An admin creates a member with a role holding no permission the admin lacks. */
export async function addStaff(
  db: Db,
  username: string,
  passwordHash: string,
  role: string,
  actor: readonly Permission[],
): Promise<StaffRow> {
  return inTx(db, async (trx) => {
    checkGrantable(actor, (await roleGrant(trx, role)).permissions);
    return createStaff(trx, username, passwordHash, role);
  });
}

/** The member exists and holds nothing the actor lacks (or the actor could take over a stronger account). */
export async function checkManageable(db: Db | Tx, actor: readonly Permission[], id: string): Promise<void> {
  const row = await db.selectFrom('staff').select('role').where('id', '=', id).executeTakeFirst();
  if (row === undefined) fail('staff_not_found');
  checkGrantable(actor, (await roleGrant(db, row.role)).permissions);
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

/** Checks the password (and the lockout); a disabled account is refused only after a right password. */
export async function loginStaff(db: Db, username: string, password: string): Promise<StaffRow> {
  const account = `staff:${username}`;
  await checkLockout(db, account);
  const row = await db.selectFrom('staff').selectAll().where('username', '=', username).executeTakeFirst();
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok) {
    await recordLoginFailure(db, account);
    fail('invalid_credentials');
  }
  if (row.disabled === 1n) fail('account_disabled');
  // With two-step sign-in the count is cleared only after the code, or a known password would reset the lockout
  // between rounds of code guessing.
  if (row.totp_secret === null) await clearLoginFailures(db, account);
  return { id: row.id, username: row.username, role: row.role, totpEnabled: row.totp_secret !== null };
}

/** The staff member behind a session, with their role's permissions; undefined when unknown or disabled. */
export async function getStaff(db: Db | Tx, id: string): Promise<SignedInStaff | undefined> {
  const row = await db
    .selectFrom('staff')
    .select(['id', 'username', 'role', 'disabled', 'totp_secret'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || row.disabled === 1n) return undefined;
  const grant = await roleGrant(db, row.role);
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    totpEnabled: row.totp_secret !== null,
    roleName: grant.name,
    permissions: grant.permissions,
  };
}

export async function listStaff(db: Db | Tx): Promise<StaffListing[]> {
  const rows = await db
    .selectFrom('staff')
    .select(['id', 'username', 'role', 'disabled', 'totp_secret', 'created_at'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    role: r.role,
    totpEnabled: r.totp_secret !== null,
    disabled: r.disabled === 1n,
    createdAt: r.created_at,
  }));
}

export async function staffListing(db: Db | Tx, id: string): Promise<StaffListing> {
  const found = (await listStaff(db)).find((s) => s.id === id);
  if (found === undefined) fail('staff_not_found');
  return found;
}

/**
 * An admin changes another staff member's role or disables them. A disabled member's sessions end in the same
 * transaction, so their next request is refused. Nobody changes their own role or disables themselves: that is how a
 * console loses its last administrator.
 */
export async function updateStaff(
  db: Db,
  actor: { id: string; permissions: readonly Permission[] },
  id: string,
  patch: { role?: string | undefined; disabled?: boolean | undefined },
): Promise<StaffListing> {
  if (actor.id === id) fail('cannot_change_self');
  return inTx(db, async (trx) => {
    await checkManageable(trx, actor.permissions, id);
    if (patch.role !== undefined) {
      await checkRole(trx, patch.role);
      checkGrantable(actor.permissions, (await roleGrant(trx, patch.role)).permissions);
      await trx.updateTable('staff').set({ role: patch.role }).where('id', '=', id).execute();
    }
    if (patch.disabled !== undefined) {
      await trx
        .updateTable('staff')
        .set({ disabled: patch.disabled ? 1n : 0n })
        .where('id', '=', id)
        .execute();
      if (patch.disabled) await revokeOtherSessions(trx, 'staff', id);
    }
    return staffListing(trx, id);
  });
}

/** An admin sets a new password for a staff member (who forgot theirs): every session of that member ends. */
export async function resetStaffPassword(
  db: Db,
  actor: readonly Permission[],
  id: string,
  passwordHash: string,
): Promise<StaffListing> {
  return inTx(db, async (trx) => {
    await checkManageable(trx, actor, id);
    const row = await trx.selectFrom('staff').select('username').where('id', '=', id).executeTakeFirst();
    if (row === undefined) fail('staff_not_found');
    await setStaffPassword(trx, row.username, passwordHash);
    return staffListing(trx, id);
  });
}
