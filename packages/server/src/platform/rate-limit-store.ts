import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Db } from './db/database';

/**
 * A store for @fastify/rate-limit that counts in the `rate_limits` table, so the per-IP limit of the sign-in routes
 * holds across every process on one PostgreSQL (with an in-memory store, N processes would allow N times the limit).
 * One statement per counted request: an upsert that starts a new window when the old one has ended. Used on
 * PostgreSQL only; SQLite runs one process, where the in-memory store is exact and costs nothing.
 *
 * The durable per-account lockout (platform/identity/lockout.ts) stays the real guard against password guessing;
 * this limit only slows one address down.
 */
interface RouteInfo {
  method?: string | string[];
  url?: string;
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

export async function countHit(
  db: Db,
  key: string,
  windowMs: number,
  nowMs: number,
): Promise<{ current: number; ttl: number }> {
  const ends = BigInt(nowMs + windowMs);
  const now = BigInt(nowMs);
  const row = await sql<{ hits: bigint; window_ends_ms: bigint }>`
    insert into rate_limits (key, hits, window_ends_ms) values (${key}, 1, ${ends})
    on conflict (key) do update set
      hits = case when rate_limits.window_ends_ms <= ${now} then 1 else rate_limits.hits + 1 end,
      window_ends_ms = case when rate_limits.window_ends_ms <= ${now} then ${ends} else rate_limits.window_ends_ms end
    returning hits, window_ends_ms`.execute(db);
  const answer = row.rows[0];
  if (answer === undefined) throw new Error('rate limit upsert returned no row');
  return { current: Number(answer.hits), ttl: Number(answer.window_ends_ms - now) };
}

/** Deletes windows that ended more than an hour ago (housekeeping). */
export async function deleteEndedWindows(db: Db, nowMs: number): Promise<number> {
  const result = await db
    .deleteFrom('rate_limits')
    .where('window_ends_ms', '<', BigInt(nowMs - 3_600_000))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

class DatabaseStore implements FastifyRateLimitStore {
  constructor(
    private readonly db: Db,
    private readonly prefix: string,
    private readonly clock: () => number,
  ) {}

  incr(key: string, callback: Callback, timeWindow: number): void {
    countHit(this.db, `${this.prefix}${key}`, timeWindow, this.clock()).then(
      (result) => callback(null, result),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** Each rate-limited route counts on its own, as with the in-memory store. */
  child(options: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
    // At run time the plugin hands the merged limit options, with the route under routeInfo (its types say otherwise).
    const route = (options as unknown as { routeInfo?: RouteInfo }).routeInfo ?? {};
    const method = Array.isArray(route.method) ? route.method.join(',') : (route.method ?? '');
    return new DatabaseStore(this.db, `${method} ${route.url ?? ''} `, this.clock);
  }
}

/** The store class @fastify/rate-limit instantiates (it passes its own options, which this store does not need). */
export function databaseRateLimitStore(db: Db, clock: () => number = Date.now): FastifyRateLimitStoreCtor {
  return class extends DatabaseStore {
    constructor() {
      super(db, '', clock);
    }
  };
}
