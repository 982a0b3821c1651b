import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { inTx } from '../db/database';
import { fail } from '../errors';
import { hmacSha256 } from '../passwords';
import { MINUTE_MS, isoPlusMs, nowIso } from '../clock';
import { registerUser, validPhone, type UserRow } from './shoppers';

/** SMS port: production plugs in a gateway; the dev sender writes the code to the log (demo mode only). */
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

export async function signInWithCode(db: Db, secret: string, phone: string, code: string): Promise<UserRow> {
  return loginWithCode(db, secret, phone, code);
}
