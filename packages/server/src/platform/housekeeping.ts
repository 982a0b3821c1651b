import type { Db } from './db/database';
import { DAY_MS, isoPlusMs, nowIso } from './clock';
import { deleteEndedWindows } from './rate-limit-store';

/** Idempotency answers are kept a week: well past the 24 hours a client may retry (notes/payments.md). */
export const IDEMPOTENCY_KEEP_MS = 7 * DAY_MS;
/** Sign-in failures older than a day no longer count towards a lockout. */
const FAILURES_KEEP_MS = DAY_MS;

/**
 * Deletes what has expired: sessions, one-time codes past their day, old idempotency answers, stale sign-in failures.
 * Each is one indexed DELETE, safe to run from several processes at once.
 */
export async function housekeeping(db: Db): Promise<Record<string, number>> {
  const now = nowIso();
  const sessions = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  const codes = await db
    .deleteFrom('login_codes')
    .where('expires_at', '<=', isoPlusMs(now, -DAY_MS))
    .executeTakeFirst();
  const keys = await db
    .deleteFrom('idempotency')
    .where('created_at', '<=', isoPlusMs(now, -IDEMPOTENCY_KEEP_MS))
    .executeTakeFirst();
  const failures = await db
    .deleteFrom('login_failures')
    .where('updated_at', '<=', isoPlusMs(now, -FAILURES_KEEP_MS))
    .where('locked_until', '<=', now)
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    loginCodes: Number(codes.numDeletedRows),
    idempotencyKeys: Number(keys.numDeletedRows),
    loginFailures: Number(failures.numDeletedRows),
    rateLimitWindows: await deleteEndedWindows(db, Date.parse(now)),
  };
}
