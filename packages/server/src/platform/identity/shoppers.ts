import { randomInt } from 'node:crypto';
import type { Db, Tx } from '../db/database';
import { fail } from '../errors';
import { newId, randomToken } from '../ids';
import { sha256, verifyPassword } from '../passwords';
import { DAY_MS, MINUTE_MS, isoPlusMs, nowIso } from '../clock';

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

// Sessions are never edited once written (there is no logout or role change that would revoke one early), so a
// short-lived in-process cache of the lookup is safe; expiry is still checked on every use.
const sessionCaches = new WeakMap<Db, Map<string, { session: Session & { expiresAt: string }; cachedAt: number }>>();
const SESSION_CACHE_MS = 60_000;

export async function findSession(db: Db, token: string): Promise<(Session & { expiresAt: string }) | undefined> {
  const key = sha256(token);
  let sessionCache = sessionCaches.get(db);
  if (sessionCache === undefined) {
    sessionCache = new Map();
    sessionCaches.set(db, sessionCache);
  }
  const cached = sessionCache.get(key);
  const nowMs = Date.now();
  if (cached !== undefined && nowMs - cached.cachedAt < SESSION_CACHE_MS) {
    return cached.session.expiresAt > new Date(nowMs).toISOString() ? cached.session : undefined;
  }
  const found = await lookupSession(db, key);
  if (found !== undefined) {
    if (sessionCache.size >= 50_000) sessionCache.clear();
    sessionCache.set(key, { session: found, cachedAt: nowMs });
  }
  return found;
}

async function lookupSession(db: Db, tokenHash: string): Promise<(Session & { expiresAt: string }) | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select(['kind', 'subject_id', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (row === undefined || row.expires_at <= nowIso()) return undefined;
  if (row.kind !== 'shop' && row.kind !== 'staff') return undefined;
  return { kind: row.kind, subjectId: row.subject_id, expiresAt: row.expires_at };
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
  const row = await db.selectFrom('users').selectAll().where('phone', '=', phone).executeTakeFirst();
  // Verify against a dummy hash when the user is unknown so timing does not tell which phones exist.
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok) fail('invalid_credentials');
  return row;
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

export async function issueLoginCode(db: Db, sms: SmsSender, phone: string): Promise<void> {
  if (!validPhone(phone)) fail('invalid_request', 'phone must be a mobile number');
  const code = String(randomInt(100000, 1000000));
  const values = {
    code_hash: sha256(`${phone}:${code}`),
    expires_at: isoPlusMs(nowIso(), 5 * MINUTE_MS),
    used: 0n,
    attempts: 0n,
  };
  await db
    .insertInto('login_codes')
    .values({ phone, ...values })
    .onConflict((oc) => oc.column('phone').doUpdateSet(values))
    .execute();
  await sms.send(phone, `【商城】验证码 ${code}，5 分钟内有效。`);
}

/**
 * Consumes a one-time code with one conditional UPDATE (unused, unexpired, matching): concurrent attempts can
 * redeem it at most once. A first sign-in by code registers the shopper without a password.
 */
export async function loginWithCode(trx: Tx, phone: string, code: string): Promise<UserRow> {
  const consumed = await trx
    .updateTable('login_codes')
    .set({ used: 1n })
    .where('phone', '=', phone)
    .where('code_hash', '=', sha256(`${phone}:${code}`))
    .where('used', '=', 0n)
    .where('expires_at', '>', nowIso())
    .where('attempts', '<', 5n)
    .executeTakeFirst();
  if (consumed.numUpdatedRows !== 1n) {
    await trx
      .updateTable('login_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1n) }))
      .where('phone', '=', phone)
      .execute();
    fail('invalid_code');
  }
  const row = await trx
    .selectFrom('users')
    .select(['id', 'phone', 'invite_code', 'referrer_id', 'created_at'])
    .where('phone', '=', phone)
    .executeTakeFirst();
  return row ?? registerUser(trx, { phone, passwordHash: null });
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

export async function setStaffPassword(trx: Tx, username: string, passwordHash: string): Promise<void> {
  await trx.updateTable('staff').set({ password_hash: passwordHash }).where('username', '=', username).execute();
}

export async function loginStaff(db: Db, username: string, password: string): Promise<StaffRow> {
  const row = await db.selectFrom('staff').selectAll().where('username', '=', username).executeTakeFirst();
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok || !isRole(row.role)) fail('invalid_credentials');
  return { id: row.id, username: row.username, role: row.role };
}

export async function getStaff(db: Db, id: string): Promise<StaffRow | undefined> {
  const row = await db.selectFrom('staff').select(['id', 'username', 'role']).where('id', '=', id).executeTakeFirst();
  if (!row || !isRole(row.role)) return undefined;
  return { id: row.id, username: row.username, role: row.role };
}
