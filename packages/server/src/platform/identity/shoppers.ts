import { userWallet } from '@mall/core';
import { randomInt } from 'node:crypto';
import type { Db, Tx } from '../db/database';
import { inTx } from '../db/database';
import { fail } from '../errors';
import { newId } from '../ids';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../passwords';
import { nowIso } from '../clock';
import { checkLockout, clearLoginFailures, recordLoginFailure } from './lockout';
import { revokeOtherSessions } from './sessions';

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function inviteCode(): string {
  let out = '';
  for (let i = 0; i < 8; i += 1) out += INVITE_ALPHABET.charAt(randomInt(INVITE_ALPHABET.length));
  return out;
}

export interface UserRow {
  id: string;
  phone: string;
  invite_code: string;
  referrer_id: string | null;
  created_at: string;
}

/** A mobile number: 6 to 15 digits, optionally after a plus (mainland numbers are 1 and ten digits). */
export const PHONE_PATTERN = '^\\+?[0-9]{6,15}$';
const PHONE = new RegExp(PHONE_PATTERN);

export function validPhone(phone: string): boolean {
  return PHONE.test(phone);
}

/**
 * Registration binds the referrer once, here, from an invite code of an existing user. A new user cannot be anyone's
 * ancestor yet and there is no route that changes a referrer, so the invitation graph stays a forest: no loops, no
 * self-invites.
 */
export async function registerUser(
  trx: Tx,
  input: { phone: string; passwordHash: string | null; inviteCode?: string | undefined },
): Promise<UserRow> {
  if (!validPhone(input.phone)) fail('invalid_request', 'phone must be a mobile number');
  const existing = await trx.selectFrom('users').select('id').where('phone', '=', input.phone).executeTakeFirst();
  if (existing) fail('phone_taken');
  let referrerId: string | null = null;
  if (input.inviteCode !== undefined && input.inviteCode !== '') {
    const referrer = await trx
      .selectFrom('users')
      .select('id')
      .where('invite_code', '=', input.inviteCode.toUpperCase())
      .executeTakeFirst();
    if (!referrer) fail('invalid_invite_code');
    referrerId = referrer.id;
  }
  const row: UserRow = {
    id: newId('usr'),
    phone: input.phone,
    invite_code: inviteCode(),
    referrer_id: referrerId,
    created_at: nowIso(),
  };
  await trx
    .insertInto('users')
    .values({ ...row, password_hash: input.passwordHash })
    .execute();
  await trx
    .insertInto('accounts')
    .values({ address: userWallet(row.id), balance_fen: 0n })
    .execute();
  return row;
}

export async function loginUser(db: Db, phone: string, password: string): Promise<UserRow> {
  const account = `shop:${phone}`;
  await checkLockout(db, account);
  const row = await db.selectFrom('users').selectAll().where('phone', '=', phone).executeTakeFirst();
  // Verify against a dummy hash when the user is unknown so timing does not tell which phones exist.
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok) {
    await recordLoginFailure(db, account);
    fail('invalid_credentials');
  }
  await clearLoginFailures(db, account);
  return row;
}

/** Sets a shopper's password (the first one for a shopper who signed up by code) and ends their other sessions. */
export async function changeUserPassword(
  db: Db,
  userId: string,
  oldPassword: string | undefined,
  newHash: string,
  keepToken: string,
): Promise<void> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
  if (!row) fail('unauthorized');
  if (row.password_hash !== null && !(await verifyPassword(oldPassword ?? '', row.password_hash))) {
    fail('invalid_credentials');
  }
  await inTx(db, async (trx) => {
    await trx.updateTable('users').set({ password_hash: newHash }).where('id', '=', userId).execute();
    await revokeOtherSessions(trx, 'shop', userId, keepToken);
  });
}

export async function getUser(db: Db | Tx, id: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'phone', 'invite_code', 'referrer_id', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** Registration with a password: the slow hash runs before the transaction, never inside it. */
export async function registerShopper(
  db: Db,
  input: { phone: string; password: string; inviteCode?: string | undefined },
): Promise<UserRow> {
  const passwordHash = await hashPassword(input.password);
  return inTx(db, (trx) => registerUser(trx, { phone: input.phone, passwordHash, inviteCode: input.inviteCode }));
}

export async function countShoppers(db: Db | Tx): Promise<bigint> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}
