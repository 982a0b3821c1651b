import type { Db, Tx } from '../db/database';
import { randomToken } from '../ids';
import { sha256 } from '../passwords';
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
