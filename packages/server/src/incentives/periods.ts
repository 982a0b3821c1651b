import type { Db } from '../platform/db/database';
import { fail } from '../platform/errors';
import { nowIso } from '../platform/clock';
import { loadSettings, type PeriodKind } from '../platform/settings';
import type { Sequencer } from './incentive-log';

/**
 * Incentive periods (dividends, cashback installments). A period is a day, a week (Monday to Sunday) or a month of
 * Asia/Shanghai time, which has no daylight saving, so it is UTC+8 all year and the arithmetic needs no time zone
 * library. Closing a period appends one `periodClose` event; the `period_closes` row keyed by the period is claimed
 * in the same transaction under the sequencer's lock, so a period closes exactly once even when several processes
 * (the timer in each, an operator's button) try at the same moment.
 */
const SHANGHAI_MS = 8 * 3_600_000;
const DAY = 86_400_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** Start (UTC ms) of the period holding `ms`. */
export function periodStartMs(kind: PeriodKind, ms: number): number {
  const local = new Date(ms + SHANGHAI_MS);
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  let start = midnight;
  if (kind === 'week') start = midnight - ((local.getUTCDay() + 6) % 7) * DAY;
  if (kind === 'month') start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1);
  return start - SHANGHAI_MS;
}

/** A period's key: its kind and its first day in Shanghai time (`day:2026-11-29`, `week:2026-11-23`, `month:2026-11`). */
export function periodKey(kind: PeriodKind, ms: number): string {
  const start = new Date(periodStartMs(kind, ms) + SHANGHAI_MS);
  const month = `${start.getUTCFullYear()}-${pad(start.getUTCMonth() + 1)}`;
  return kind === 'month' ? `month:${month}` : `${kind}:${month}-${pad(start.getUTCDate())}`;
}

export interface PeriodCloseResult {
  key: string;
  closed: boolean;
  seq: number | null;
  paidFen: bigint;
}

/** Closes the period `key` unless it is closed already; `closed` says whether this call did it. */
export async function closePeriod(sequencer: Sequencer, key: string, actor: string): Promise<PeriodCloseResult> {
  return sequencer.run(async (trx, batch, engine) => {
    const at = nowIso();
    const seq = engine.seq;
    const claim = await trx
      .insertInto('period_closes')
      .values({ period_key: key, seq: BigInt(seq), closed_at: at, closed_by: actor })
      .onConflict((oc) => oc.column('period_key').doNothing())
      .executeTakeFirst();
    if ((claim.numInsertedOrUpdatedRows ?? 0n) !== 1n) return { key, closed: false, seq: null, paidFen: 0n };
    batch.apply({ type: 'periodClose' }, at);
    const paidFen = batch.transfers.reduce((sum, t) => sum + t.amountFen, 0n);
    await batch.write(trx, at);
    return { key, closed: true, seq, paidFen };
  });
}

/** An operator's "close the period now": the current period, refused when it is closed already. */
export async function closeCurrentPeriod(db: Db, sequencer: Sequencer, actor: string): Promise<PeriodCloseResult> {
  const { periodKind } = await loadSettings(db);
  const result = await closePeriod(sequencer, periodKey(periodKind, Date.now()), actor);
  if (!result.closed) fail('period_already_closed', result.key);
  return result;
}

/**
 * The timer: once a period boundary has passed while this database was being served (the first tick records when
 * that started, so a new install does not close a period it never saw), the period before the current one closes.
 */
export async function closeDuePeriod(db: Db, sequencer: Sequencer): Promise<PeriodCloseResult | undefined> {
  const now = Date.now();
  await db
    .insertInto('kv')
    .values({ key: 'period_origin', value: new Date(now).toISOString() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const origin = await db.selectFrom('kv').select('value').where('key', '=', 'period_origin').executeTakeFirstOrThrow();
  const { periodKind } = await loadSettings(db);
  const currentStart = periodStartMs(periodKind, now);
  if (currentStart <= Date.parse(origin.value)) return undefined;
  const previous = periodKey(periodKind, currentStart - 1);
  const done = await db.selectFrom('period_closes').select('seq').where('period_key', '=', previous).executeTakeFirst();
  if (done !== undefined) return undefined;
  return closePeriod(sequencer, previous, 'system:period');
}

export async function listPeriodCloses(db: Db, limit: number) {
  const rows = await db.selectFrom('period_closes').selectAll().orderBy('seq', 'desc').limit(limit).execute();
  return rows.map((r) => ({ key: r.period_key, seq: Number(r.seq), closedAt: r.closed_at, closedBy: r.closed_by }));
}

export async function currentPeriod(db: Db) {
  const { periodKind } = await loadSettings(db);
  const now = Date.now();
  const start = periodStartMs(periodKind, now);
  const key = periodKey(periodKind, now);
  const closed = await db.selectFrom('period_closes').select('seq').where('period_key', '=', key).executeTakeFirst();
  return { kind: periodKind, key, startsAt: new Date(start).toISOString(), closed: closed !== undefined };
}
