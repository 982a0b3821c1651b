import type { Db, Tx } from '../db/database';
import { randomToken } from '../ids';
import { sha256 } from '../passwords';
import { prepared } from '../db/prepared';
import { DAY_MS, isoPlusMs, nowIso } from '../clock';

const SESSION_TTL_MS = 7 * DAY_MS;

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
