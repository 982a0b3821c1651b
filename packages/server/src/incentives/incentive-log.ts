import {
  Engine,
  poolFromRecord,
  recordKey,
  type Effect,
  type EngineEvent,
  type Level,
  type RecordEffect,
} from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { bulkWriter } from '../platform/db/bulk';
import type { IncentiveEventsTable } from '../platform/db/schema';
import { decodeStored, encodeStored } from '../platform/json';
import { postCreditsBulk, type TransferInput } from '../money/ledger';
import { nowIso } from '../platform/clock';
import { loadEngineLevels, sameLadder } from './level-ladder';

/**
 * The incentive event log and the one engine that folds it. Every engine event is appended with a sequence number
 * in the same transaction as the effects it produced, under a lock row, so the log is one total order even with
 * several server processes on one PostgreSQL. Each process keeps an engine in memory and, holding the lock, first
 * catches up with events other processes appended; after any failed transaction it rebuilds from the log, because
 * the engine may hold state the database rolled back. Campaigns are events too (`campaign`: created or a new
 * version), so replaying the log applies every parameter version exactly where it happened.
 */
export type EventRow = IncentiveEventsTable;

/** Fields of an engine event stored in their own columns (queried); every other field goes to the JSON payload. */
const COLUMNS = {
  user: { column: 'user_id', type: 'string' },
  referrer: { column: 'referrer_id', type: 'string' },
  order: { column: 'order_id', type: 'string' },
  amountFen: { column: 'amount_fen', type: 'bigint' },
  units: { column: 'units', type: 'bigint' },
} as const;
type ColumnField = keyof typeof COLUMNS;

function isColumnField(key: string): key is ColumnField {
  return Object.hasOwn(COLUMNS, key);
}

/**
 * Any engine event as a log row, so a new event type (issue 9's setLevel, appoint, dismiss, periodClose) needs no
 * log code: known fields of the right type go to their columns, the rest (lines, region, campaign ids, a campaign's
 * plan, parameters and scope) to the payload with bigint kept exact.
 */
export function toEventRow(seq: number, event: EngineEvent, at: string): EventRow {
  const row: EventRow = {
    seq: BigInt(seq),
    type: event.type,
    user_id: null,
    referrer_id: null,
    order_id: null,
    amount_fen: null,
    units: null,
    payload: null,
    at,
  };
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type' || value === undefined) continue;
    if (isColumnField(key) && typeof value === COLUMNS[key].type) {
      (row as unknown as Record<string, unknown>)[COLUMNS[key].column] = value;
    } else payload[key] = value;
  }
  if (Object.keys(payload).length > 0) row.payload = encodeStored(payload);
  return row;
}

export function toEngineEvent(row: EventRow): EngineEvent {
  const event: Record<string, unknown> = { type: row.type };
  if (row.payload !== null) Object.assign(event, decodeStored(row.payload) as Record<string, unknown>);
  for (const [field, { column }] of Object.entries(COLUMNS)) {
    const value = (row as unknown as Record<string, unknown>)[column];
    if (value !== null && value !== undefined) event[field] = value;
  }
  // The engine validates every event it applies; a row it refuses fails the replay loudly.
  return event as unknown as EngineEvent;
}

/** Streams the log from `fromSeq` in pages, so a long history never sits in memory twice. */
export async function forEachEvent(db: Db | Tx, fromSeq: bigint, fn: (row: EventRow) => void): Promise<void> {
  let next = fromSeq;
  for (;;) {
    const page = await db
      .selectFrom('incentive_events')
      .selectAll()
      .where('seq', '>=', next)
      .orderBy('seq')
      .limit(5000)
      .execute();
    for (const row of page) fn(row);
    if (page.length < 5000) return;
    next = (page[page.length - 1]?.seq ?? next) + 1n;
  }
}

/**
 * The engine the server starts from: the member level ladder (level-ladder.ts) and no campaigns (they come from the
 * log's `campaign` events).
 */
export function emptyEngine(levels: readonly Level[] = []): Engine {
  return new Engine({ levels, campaigns: [] });
}

export async function buildEngine(db: Db | Tx): Promise<Engine> {
  const engine = emptyEngine(await loadEngineLevels(db));
  await catchUp(db, engine);
  return engine;
}

async function catchUp(db: Db | Tx, engine: Engine): Promise<void> {
  await forEachEvent(db, BigInt(engine.seq), (row) => {
    if (row.seq !== BigInt(engine.seq)) throw new Error(`event log gap: expected seq ${engine.seq}, found ${row.seq}`);
    engine.apply(toEngineEvent(row));
  });
}

/**
 * Migration 0006 marks a database whose log predates campaigns: its settle events and transfer ids have another
 * shape, and replaying them would not reproduce its ledger. Such a database is refused rather than mis-replayed.
 */
export async function assertCurrentEventLog(db: Db): Promise<void> {
  const legacy = await db.selectFrom('kv').select('value').where('key', '=', 'incentive_log_legacy').executeTakeFirst();
  if (legacy !== undefined) {
    throw new Error(
      `this database's incentive event log (${legacy.value} events) predates campaigns (issue 8) and cannot be replayed: ` +
        're-seed the demo (delete the SQLite file, or start on an empty database); no conversion exists',
    );
  }
}

/** Collects what one transaction's engine events produced, then writes it in a few bulk statements. */
export class EffectBatch {
  readonly events: EventRow[] = [];
  readonly transfers: TransferInput[] = [];
  private readonly records = new Map<string, RecordEffect>();
  /** The last pool state of each pool campaign touched, with the seq of the event that left it. */
  private readonly pools = new Map<string, { seq: bigint; cashFen: bigint; supplyUnits: bigint }>();
  readonly rejected: Extract<Effect, { type: 'rejected' }>[] = [];

  constructor(private readonly engine: Engine) {}

  /** Applies one event to the engine and records it; EngineInputError propagates with nothing recorded. */
  apply(event: EngineEvent, at: string): Effect[] {
    const seq = this.engine.seq;
    const effects = this.engine.apply(event);
    this.events.push(toEventRow(seq, event, at));
    for (const effect of effects) {
      switch (effect.type) {
        case 'transfer':
          this.transfers.push({
            id: effect.id,
            from: effect.from,
            to: effect.to,
            amountFen: effect.amountFen,
            reason: effect.reason,
            orderId: effect.order,
            userId: effect.user ?? null,
            plan: effect.plan,
            campaign: effect.campaign,
            version: effect.version,
          });
          break;
        case 'record': {
          this.records.set(recordKey(effect), effect);
          const pool = poolFromRecord(effect);
          if (pool !== undefined) {
            this.pools.set(pool.campaign, { seq: BigInt(seq), cashFen: pool.cashFen, supplyUnits: pool.supplyUnits });
          }
          break;
        }
        case 'rejected':
          this.rejected.push(effect);
          break;
      }
    }
    return effects;
  }

  /** Writes what was collected and empties the batch, so one transaction may write several times. */
  async write(trx: Tx, at: string, extraTransfers: readonly TransferInput[] = []): Promise<void> {
    const events = this.events.splice(0);
    const transfers = [...extraTransfers, ...this.transfers.splice(0)];
    const records = [...this.records.values()];
    const pools = [...this.pools.entries()];
    this.records.clear();
    this.pools.clear();
    await writeEvents(trx, events);
    if (transfers.length > 0) await postCreditsBulk(trx, transfers, at);
    await writeRecords(
      trx,
      records.map((r) => ({
        campaign: r.campaign,
        kind: r.kind,
        key: r.key,
        plan: r.plan,
        user_id: r.user ?? null,
        data: encodeStored(r.data),
        updated_at: at,
      })),
    );
    await writePoolHistory(
      trx,
      pools.map(([campaign, p]) => ({
        campaign,
        seq: p.seq,
        cash_fen: p.cashFen,
        supply_units: p.supplyUnits,
        at,
      })),
    );
  }
}

const writeEvents = bulkWriter('incentive_events', [
  'seq',
  'type',
  'user_id',
  'referrer_id',
  'order_id',
  'amount_fen',
  'units',
  'payload',
  'at',
]);
const writeRecords = bulkWriter('plan_records', ['campaign', 'kind', 'key', 'plan', 'user_id', 'data', 'updated_at'], {
  key: ['campaign', 'kind', 'key'],
  replace: ['user_id', 'data', 'updated_at'],
});
const writePoolHistory = bulkWriter('pool_history', ['campaign', 'seq', 'cash_fen', 'supply_units', 'at']);

/** A stored record as core's RecordEffect, for the plan helpers (positionFromRecord, memberFromRecord, ...). */
export function recordFromRow(row: {
  campaign: string;
  kind: string;
  key: string;
  plan: string;
  user_id: string | null;
  data: string;
}): RecordEffect {
  return {
    type: 'record',
    plan: row.plan,
    campaign: row.campaign,
    kind: row.kind,
    key: row.key,
    ...(row.user_id === null ? {} : { user: row.user_id }),
    data: decodeStored(row.data) as RecordEffect['data'],
  };
}

const LOCK_NAME = 'incentives';

/**
 * Serialises every engine-touching transaction: a promise chain inside this process, and the `locks` row across
 * processes (an UPDATE holds its row lock until commit on PostgreSQL and takes the write lock on SQLite).
 */
export class Sequencer {
  private engine: Engine | undefined;
  private valid = false;
  private tail: Promise<unknown> = Promise.resolve();
  readonly holder = `pid:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly db: Db) {}

  /** Forces a rebuild from the log on the next run. */
  invalidate(): void {
    this.valid = false;
  }

  run<T>(fn: (trx: Tx, batch: EffectBatch, engine: Engine) => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.runNow(fn));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async runNow<T>(fn: (trx: Tx, batch: EffectBatch, engine: Engine) => Promise<T>): Promise<T> {
    const out = await inTx(this.db, async (trx) => {
      const at = nowIso();
      const locked = await trx
        .updateTable('locks')
        .set({ holder: this.holder, at })
        .where('name', '=', LOCK_NAME)
        .executeTakeFirst();
      if (locked.numUpdatedRows !== 1n) {
        await trx
          .insertInto('locks')
          .values({ name: LOCK_NAME, holder: this.holder, at })
          .onConflict((oc) => oc.column('name').doNothing())
          .execute();
        await trx.updateTable('locks').set({ holder: this.holder, at }).where('name', '=', LOCK_NAME).execute();
      }
      // Campaign edits are log events too, so catching up with the log is all another process's edit needs; a change
      // of the level ladder (another process may have made it) rebuilds the engine on the new ladder.
      const ladderChanged = this.engine !== undefined && !sameLadder(this.engine.levels, await loadEngineLevels(trx));
      if (!this.valid || this.engine === undefined || ladderChanged) this.engine = await buildEngine(trx);
      else await catchUp(trx, this.engine);
      // Until this transaction commits, the engine may be ahead of the database.
      this.valid = false;
      const engine = this.engine;
      return fn(trx, new EffectBatch(engine), engine);
    });
    this.valid = true;
    return out;
  }

  /** A read-only look at the engine, caught up with the log (for previews and rule pages). */
  async snapshot<T>(fn: (engine: Engine) => T): Promise<T> {
    return this.run(async (_trx, _batch, engine) => fn(engine));
  }
}

export async function ensureLockRow(db: Db): Promise<void> {
  await inTx(db, (trx) =>
    trx
      .insertInto('locks')
      .values({ name: LOCK_NAME, holder: 'none', at: nowIso() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute(),
  );
}
