import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from './db/database';
import { fail } from './errors';
import { newId, randomToken } from './ids';
import { hmacSha256, sha256, verifyPassword } from './passwords';
import { prepared } from './db/prepared';
import { inTx } from './db/database';
import { DAY_MS, MINUTE_MS, isoPlusMs, nowIso } from './clock';

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

const SESSION_TTL_MS = 7 * DAY_MS;
const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function inviteCode(): string {
  let out = '';
  for (let i = 0; i < 8; i += 1) out += INVITE_ALPHABET.charAt(randomInt(INVITE_ALPHABET.length));
  return out;
}

export interface Session {
  kind: 'shop' | 'staff';
  subjectId: string;
}

export async function createSession(trx: Db | Tx, kind: Session['kind'], subjectId: string): Promise<string> {
  const token = randomToken();
  const now = nowIso();
  await trx
    .insertInto('sessions')
    .values({
      token_hash: sha256(token),
      kind,
      subject_id: subjectId,
      expires_at: isoPlusMs(now, SESSION_TTL_MS),
      created_at: now,
    })
    .execute();
  return token;
}

const findSessionQuery = prepared((db, tokenHash: string) =>
  db.selectFrom('sessions').select(['kind', 'subject_id', 'expires_at']).where('token_hash', '=', tokenHash),
);

/**
 * Looks the session up on every request (one primary-key read): no process-local cache, because a session revoked
 * by logout or a password change, perhaps in another server process, must stop working at once.
 */
export async function findSession(db: Db, token: string): Promise<(Session & { expiresAt: string }) | undefined> {
  const row = (await findSessionQuery(db, sha256(token))).rows[0];
  if (row === undefined || row.expires_at <= nowIso()) return undefined;
  if (row.kind !== 'shop' && row.kind !== 'staff') return undefined;
  return { kind: row.kind, subjectId: row.subject_id, expiresAt: row.expires_at };
}

/** Logout: the token stops working for every process at once. */
export async function revokeSession(db: Db | Tx, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
}

/** After a password change: every session of that account ends, except the one that made the change. */
export async function revokeOtherSessions(
  db: Db | Tx,
  kind: Session['kind'],
  subjectId: string,
  keepToken?: string,
): Promise<void> {
  let query = db.deleteFrom('sessions').where('kind', '=', kind).where('subject_id', '=', subjectId);
  if (keepToken !== undefined) query = query.where('token_hash', '<>', sha256(keepToken));
  await query.execute();
}

export interface UserRow {
  id: string;
  phone: string;
  invite_code: string;
  referrer_id: string | null;
  created_at: string;
}

export function validPhone(phone: string): boolean {
  return /^1\d{10}$/.test(phone) || /^\+?\d{6,15}$/.test(phone);
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
    .values({ address: `user:${row.id}:wallet`, balance_fen: 0n })
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

const DUMMY_HASH = 'scrypt$16384$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

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

/** SMS port: production plugs in a gateway; the dev sender writes the code to the log. */
export interface SmsSender {
  send(phone: string, text: string): Promise<void>;
}

/** One-time codes (notes/payments.md lists the shipped races: a code redeemable repeatedly). */
export const CODE_TTL_MS = 5 * MINUTE_MS;
export const CODE_MAX_ATTEMPTS = 5n;
export const CODE_RESEND_MS = MINUTE_MS;
export const CODE_MAX_PER_DAY = 10n;

/** The Asia/Shanghai calendar day of an instant (UTC+8, no daylight saving). */
export function shanghaiDay(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}

function codeHash(secret: string, phone: string, code: string): string {
  return hmacSha256(secret, `${phone}:${code}`);
}

/**
 * Issues a code: at most one per phone per minute and ten per Shanghai day, enforced by one conditional upsert (two
 * concurrent sends cannot both pass). The code is stored only as an HMAC under a per-installation secret, so a leaked
 * table cannot be brute-forced offline. Sent after the commit.
 */
export async function issueLoginCode(db: Db, sms: SmsSender | undefined, secret: string, phone: string): Promise<void> {
  if (sms === undefined) fail('sms_unavailable');
  if (!validPhone(phone)) fail('invalid_request', 'phone must be a mobile number');
  const code = String(randomInt(100000, 1000000));
  const now = nowIso();
  const day = shanghaiDay(now);
  const resendCutoff = isoPlusMs(now, -CODE_RESEND_MS);
  const fresh = {
    code_hash: codeHash(secret, phone, code),
    expires_at: isoPlusMs(now, CODE_TTL_MS),
    used: 0n,
    attempts: 0n,
    sent_at: now,
    send_day: day,
  };
  const written = await inTx(db, async (trx) => {
    const result = await trx
      .insertInto('login_codes')
      .values({ phone, ...fresh, sends_today: 1n })
      .onConflict((oc) =>
        oc
          .column('phone')
          .doUpdateSet({
            ...fresh,
            sends_today: sql<bigint>`case when login_codes.send_day = ${day} then login_codes.sends_today + 1 else 1 end`,
          })
          .where('login_codes.sent_at', '<=', resendCutoff)
          .where((eb) =>
            eb.or([eb('login_codes.send_day', '<>', day), eb('login_codes.sends_today', '<', CODE_MAX_PER_DAY)]),
          ),
      )
      .executeTakeFirst();
    if ((result.numInsertedOrUpdatedRows ?? 0n) === 1n) return true;
    const row = await trx
      .selectFrom('login_codes')
      .select(['sent_at', 'send_day', 'sends_today'])
      .where('phone', '=', phone)
      .executeTakeFirst();
    return row !== undefined && row.send_day === day && row.sends_today >= CODE_MAX_PER_DAY ? 'daily' : 'resend';
  });
  if (written === 'daily') fail('code_daily_limit');
  if (written === 'resend') fail('code_resend_too_soon');
  await sms.send(phone, `【商城】验证码 ${code}，5 分钟内有效。`);
}

/**
 * Consumes a one-time code with one conditional UPDATE (unused, unexpired, fewer than five wrong tries, matching):
 * concurrent attempts can redeem it at most once. A wrong try is counted in a transaction of its own, so the refusal
 * does not roll the count back; the fifth wrong try kills the code. A first sign-in by code registers the shopper
 * without a password.
 */
export async function loginWithCode(db: Db, secret: string, phone: string, code: string): Promise<UserRow> {
  const user = await inTx(db, async (trx) => {
    const consumed = await trx
      .updateTable('login_codes')
      .set({ used: 1n })
      .where('phone', '=', phone)
      .where('code_hash', '=', codeHash(secret, phone, code))
      .where('used', '=', 0n)
      .where('expires_at', '>', nowIso())
      .where('attempts', '<', CODE_MAX_ATTEMPTS)
      .executeTakeFirst();
    if (consumed.numUpdatedRows !== 1n) return undefined;
    const row = await trx
      .selectFrom('users')
      .select(['id', 'phone', 'invite_code', 'referrer_id', 'created_at'])
      .where('phone', '=', phone)
      .executeTakeFirst();
    return row ?? registerUser(trx, { phone, passwordHash: null });
  });
  if (user !== undefined) return user;
  await inTx(db, (trx) =>
    trx
      .updateTable('login_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1n) }))
      .where('phone', '=', phone)
      .where('used', '=', 0n)
      .execute(),
  );
  fail('invalid_code');
}

/**
 * Per-account lockout on top of the per-IP limit: after five failures in a row an account (a shopper's phone or a
 * staff username, known or not, so the answer tells nothing) is locked for a minute, doubling with each further
 * failure up to an hour. Counted in its own transaction: a refused sign-in must not roll its own count back.
 */
export const LOCKOUT_AFTER = 5n;
const LOCKOUT_BASE_MS = MINUTE_MS;
const LOCKOUT_MAX_MS = 60 * MINUTE_MS;

export function lockoutMs(failures: bigint): number {
  if (failures < LOCKOUT_AFTER) return 0;
  const doublings = failures - LOCKOUT_AFTER;
  return doublings >= 6n ? LOCKOUT_MAX_MS : Math.min(LOCKOUT_MAX_MS, LOCKOUT_BASE_MS * 2 ** Number(doublings));
}

export async function checkLockout(db: Db, account: string): Promise<void> {
  const row = await db
    .selectFrom('login_failures')
    .select('locked_until')
    .where('account', '=', account)
    .executeTakeFirst();
  if (row !== undefined && row.locked_until > nowIso()) fail('account_locked', `until ${row.locked_until}`);
}

export async function recordLoginFailure(db: Db, account: string): Promise<void> {
  const now = nowIso();
  await inTx(db, async (trx) => {
    const row = await trx
      .insertInto('login_failures')
      .values({ account, failures: 1n, locked_until: '', updated_at: now })
      .onConflict((oc) =>
        oc.column('account').doUpdateSet({
          failures: sql<bigint>`login_failures.failures + 1`,
          updated_at: now,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    const ms = lockoutMs(BigInt(row.failures));
    if (ms > 0) {
      await trx
        .updateTable('login_failures')
        .set({ locked_until: isoPlusMs(now, ms) })
        .where('account', '=', account)
        .execute();
    }
  });
}

export async function clearLoginFailures(db: Db, account: string): Promise<void> {
  await db.deleteFrom('login_failures').where('account', '=', account).execute();
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

export async function verifyStaffPassword(db: Db, id: string, password: string): Promise<boolean> {
  const row = await db.selectFrom('staff').select('password_hash').where('id', '=', id).executeTakeFirst();
  return row !== undefined && verifyPassword(password, row.password_hash);
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
