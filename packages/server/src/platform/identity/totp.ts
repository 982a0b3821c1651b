import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Db } from '../db/database';
import { fail } from '../errors';
import { randomToken } from '../ids';
import { sha256, verifyPassword } from '../passwords';
import { MINUTE_MS, isoPlusMs, nowIso } from '../clock';
import { checkLockout, clearLoginFailures, recordLoginFailure } from './lockout';

/**
 * Two-step staff sign-in with TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock drift either way),
 * through the otpauth library. Optional per staff member: enrolled by the member (a QR code of the otpauth:// URI),
 * then required at every sign-in. A code is accepted once (the last accepted step is kept); eight single-use recovery
 * codes stand in for a lost phone; an admin can reset a member's enrolment.
 */
const PERIOD_S = 30;
const STEP_MS = PERIOD_S * 1000;
const ISSUER = 'Mall';
const CHALLENGE_TTL_MS = 5 * MINUTE_MS;
const CHALLENGE_KIND = 'staff-totp';
const RECOVERY_CODES = 8;

function totpFor(username: string, secretBase32: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label: username,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The 30-second step a valid code belongs to, or undefined. `window: 1` accepts the neighbouring steps. */
export function codeStep(username: string, secretBase32: string, code: string, nowMs: number): bigint | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totpFor(username, secretBase32).validate({ token: code, timestamp: nowMs, window: 1 });
  if (delta === null) return undefined;
  return BigInt(nowMs - (nowMs % STEP_MS)) / BigInt(STEP_MS) + BigInt(delta);
}

/** Starts (or restarts) enrolment: a new secret waits until a code from the authenticator proves it was scanned. */
export async function beginTotp(db: Db, staffId: string, username: string): Promise<{ secret: string; uri: string }> {
  const row = await db.selectFrom('staff').select('totp_secret').where('id', '=', staffId).executeTakeFirst();
  if (row === undefined) fail('staff_not_found');
  if (row.totp_secret !== null) fail('totp_already_enabled');
  const secret = new Secret({ size: 20 }).base32;
  await db.updateTable('staff').set({ totp_pending: secret }).where('id', '=', staffId).execute();
  return { secret, uri: totpFor(username, secret).toString() };
}

function newRecoveryCodes(): string[] {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: RECOVERY_CODES }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => alphabet.charAt(b % alphabet.length)).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Finishes enrolment with a first code; answers the recovery codes, shown once and stored only as hashes. */
export async function enableTotp(db: Db, staffId: string, code: string, nowMs = Date.now()): Promise<string[]> {
  const row = await db
    .selectFrom('staff')
    .select(['username', 'totp_secret', 'totp_pending'])
    .where('id', '=', staffId)
    .executeTakeFirst();
  if (row === undefined) fail('staff_not_found');
  if (row.totp_secret !== null) fail('totp_already_enabled');
  if (row.totp_pending === null) fail('totp_not_started');
  const step = codeStep(row.username, row.totp_pending, code, nowMs);
  if (step === undefined) fail('invalid_totp');
  const codes = newRecoveryCodes();
  const result = await db
    .updateTable('staff')
    .set({
      totp_secret: row.totp_pending,
      totp_pending: null,
      totp_last_step: step,
      recovery_codes: JSON.stringify(codes.map((c) => sha256(c))),
    })
    .where('id', '=', staffId)
    .where('totp_pending', '=', row.totp_pending)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) fail('totp_not_started');
  return codes;
}

/** Turns TOTP off for oneself: the password and a current code (or a recovery code) are both required. */
export async function disableTotp(db: Db, staffId: string, password: string, code: string): Promise<void> {
  const row = await db.selectFrom('staff').select('password_hash').where('id', '=', staffId).executeTakeFirst();
  if (row === undefined || !(await verifyPassword(password, row.password_hash))) fail('invalid_credentials');
  await checkSecondFactor(db, staffId, code);
  await clearTotp(db, staffId);
}

/** An admin resets a staff member's TOTP (a lost phone and no recovery codes): they sign in with a password again. */
export async function clearTotp(db: Db, staffId: string): Promise<void> {
  await db
    .updateTable('staff')
    .set({ totp_secret: null, totp_pending: null, totp_last_step: 0n, recovery_codes: '[]' })
    .where('id', '=', staffId)
    .execute();
}

/**
 * Checks a TOTP code or a recovery code, each good once: the step moves forward with a conditional UPDATE and a used
 * recovery code is removed the same way, so two requests racing with one code cannot both pass.
 */
async function checkSecondFactor(db: Db, staffId: string, code: string, nowMs = Date.now()): Promise<void> {
  const row = await db
    .selectFrom('staff')
    .select(['username', 'totp_secret', 'recovery_codes'])
    .where('id', '=', staffId)
    .executeTakeFirst();
  if (row === undefined || row.totp_secret === null) fail('totp_not_enabled');
  const step = codeStep(row.username, row.totp_secret, code.trim(), nowMs);
  if (step !== undefined) {
    const used = await db
      .updateTable('staff')
      .set({ totp_last_step: step })
      .where('id', '=', staffId)
      .where('totp_last_step', '<', step)
      .executeTakeFirst();
    if (used.numUpdatedRows === 1n) return;
    fail('invalid_totp', 'this code was already used');
  }
  const hashes = JSON.parse(row.recovery_codes) as string[];
  const hash = sha256(code.trim().toUpperCase());
  if (!hashes.includes(hash)) fail('invalid_totp');
  const left = hashes.filter((h) => h !== hash);
  const spent = await db
    .updateTable('staff')
    .set({ recovery_codes: JSON.stringify(left) })
    .where('id', '=', staffId)
    .where('recovery_codes', '=', row.recovery_codes)
    .executeTakeFirst();
  if (spent.numUpdatedRows !== 1n) fail('invalid_totp', 'this recovery code was already used');
}

/** After a right password: a short-lived challenge token that is not a session (it opens no route). */
export async function startChallenge(db: Db, staffId: string): Promise<string> {
  const token = randomToken();
  const now = nowIso();
  await db
    .insertInto('sessions')
    .values({
      token_hash: sha256(token),
      kind: CHALLENGE_KIND,
      subject_id: staffId,
      expires_at: isoPlusMs(now, CHALLENGE_TTL_MS),
      created_at: now,
    })
    .execute();
  return token;
}

/**
 * The second step: the challenge and a code give the staff id; the challenge is spent on success. Wrong codes count
 * towards the account's lockout like wrong passwords.
 */
export async function completeChallenge(db: Db, challenge: string, code: string): Promise<string> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('staff', 'staff.id', 'sessions.subject_id')
    .select(['sessions.subject_id', 'sessions.expires_at', 'staff.username'])
    .where('sessions.token_hash', '=', sha256(challenge))
    .where('sessions.kind', '=', CHALLENGE_KIND)
    .executeTakeFirst();
  if (row === undefined || row.expires_at <= nowIso()) fail('invalid_totp', 'the sign-in step expired: start again');
  const account = `staff:${row.username}`;
  await checkLockout(db, account);
  try {
    await checkSecondFactor(db, row.subject_id, code);
  } catch (error) {
    await recordLoginFailure(db, account);
    throw error;
  }
  await clearLoginFailures(db, account);
  const spent = await db.deleteFrom('sessions').where('token_hash', '=', sha256(challenge)).executeTakeFirst();
  if (spent.numDeletedRows !== 1n) fail('invalid_totp', 'the sign-in step expired: start again');
  return row.subject_id;
}
