import { sql } from 'kysely';
import type { Db } from '../db/database';
import { inTx } from '../db/database';
import { fail } from '../errors';
import { MINUTE_MS, isoPlusMs, nowIso } from '../clock';

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
