import { randomInt } from 'node:crypto';
import type { Db, Tx } from '../db/database';
import { inTx } from '../db/database';
import { fail } from '../errors';
import { sha256 } from '../passwords';
import { MINUTE_MS, isoPlusMs, nowIso } from '../clock';
import { registerUser, validPhone, type UserRow } from './shoppers';

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

export async function signInWithCode(db: Db, phone: string, code: string): Promise<UserRow> {
  return inTx(db, (trx) => loginWithCode(trx, phone, code));
}
