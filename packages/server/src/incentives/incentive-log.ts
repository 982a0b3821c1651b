import {
  Engine,
  memberFromRecord,
  poolFromRecord,
  positionFromRecord,
  type Effect,
  type EngineEvent,
  type PositionRecordView,
  type ReferralMember,
} from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { bulkWriter } from '../platform/db/bulk';
import { engineConfigOf, loadPlans } from './plans';
import { postCreditsBulk, type TransferInput } from '../money/ledger';
import { nowIso } from '../platform/clock';

/**
 * The incentive event log and the one engine that folds it. Every engine event (join, settle, redeem) is appended
 * with a sequence number in the same transaction as the effects it produced, under a lock row, so the log is one
 * total order even with several server processes on one PostgreSQL. Each process keeps an engine in memory and,
 * holding the lock, first catches up with events other processes appended; after any failed transaction it
 * rebuilds from the log, because the engine may hold state the database rolled back.
 */
export interface EventRow {
  seq: bigint;
  type: string;
  user_id: string;
  referrer_id: string | null;
  order_id: string | null;
  amount_fen: bigint | null;
  units: bigint | null;
  plans: string | null;
  at: string;
}

export function toEngineEvent(row: EventRow): EngineEvent {
  switch (row.type) {
    case 'join':
      return { type: 'join', user: row.user_id, referrer: row.referrer_id ?? undefined };
    case 'settle':
      return {
        type: 'settle',
        user: row.user_id,
        order: row.order_id ?? '',
        amountFen: row.amount_fen ?? 0n,
        // One campaign per plan for now: the campaign ids are the plan codes stored with the event.
        campaigns: row.plans === null ? undefined : (JSON.parse(row.plans) as string[]),
      };
    case 'redeem':
      return { type: 'redeem', user: row.user_id, order: row.order_id ?? '', units: row.units ?? 0n };
    default:
      throw new Error(`unknown event type ${row.type} at seq ${row.seq}`);
  }
}

export function toEventRow(seq: number, event: EngineEvent, at: string): EventRow {
  if (event.type !== 'join' && event.type !== 'settle' && event.type !== 'redeem') {
    throw new Error(`the event log does not store ${event.type} events yet`);
  }
  return {
    seq: BigInt(seq),
    type: event.type,
    user_id: event.user,
    referrer_id: event.type === 'join' ? (event.referrer ?? null) : null,
    order_id: event.type === 'join' ? null : event.order,
    amount_fen: event.type === 'settle' ? event.amountFen : null,
    units: event.type === 'redeem' ? event.units : null,
    plans: event.type === 'settle' && event.campaigns !== undefined ? JSON.stringify(event.campaigns) : null,
    at,
  };
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

export async function buildEngine(db: Db | Tx): Promise<Engine> {
  const engine = new Engine(engineConfigOf(await loadPlans(db)));
  await catchUp(db, engine);
  return engine;
}

async function catchUp(db: Db | Tx, engine: Engine): Promise<void> {
  await forEachEvent(db, BigInt(engine.seq), (row) => {
    if (row.seq !== BigInt(engine.seq)) throw new Error(`event log gap: expected seq ${engine.seq}, found ${row.seq}`);
    engine.apply(toEngineEvent(row));
  });
}

/** Collects what one transaction's engine events produced, then writes it in a few bulk statements. */
export class EffectBatch {
  readonly events: EventRow[] = [];
  readonly transfers: TransferInput[] = [];
  private readonly positions = new Map<string, PositionRecordView>();
  private readonly progress = new Map<string, ReferralMember & { user: string }>();
  private pool: { plan: string; cashFen: bigint; supplyUnits: bigint } | undefined;
  readonly rejected: Extract<Effect, { type: 'rejected' }>[] = [];
  readonly plansUsed = new Set<string>();

  constructor(private readonly engine: Engine) {}

  /** Applies one event to the engine and records it; EngineInputError propagates with nothing recorded. */
  apply(event: EngineEvent, at: string): Effect[] {
    const seq = this.engine.seq;
    const effects = this.engine.apply(event);
    this.events.push(toEventRow(seq, event, at));
    for (const effect of effects) {
      switch (effect.type) {
        case 'transfer':
          this.plansUsed.add(effect.plan);
          this.transfers.push({
            id: effect.id,
            from: effect.from,
            to: effect.to,
            amountFen: effect.amountFen,
            reason: effect.reason,
            orderId: effect.order === null ? null : (effect.order.split(':')[0] ?? effect.order),
            userId: effect.user ?? null,
          });
          break;
        case 'record': {
          const position = positionFromRecord(effect);
          const member = memberFromRecord(effect);
          const pool = poolFromRecord(effect);
          if (position !== undefined) {
            this.plansUsed.add(effect.plan);
            this.positions.set(position.order, position);
          } else if (member !== undefined) {
            this.plansUsed.add(effect.plan);
            this.progress.set(member.user, member);
          } else if (pool !== undefined) {
            this.pool = pool;
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

  async write(trx: Tx, at: string, extraTransfers: readonly TransferInput[] = []): Promise<void> {
    await writeEvents(trx, this.events);
    const transfers = [...extraTransfers, ...this.transfers];
    if (transfers.length > 0) await postCreditsBulk(trx, transfers, at);
    await writePositions(
      trx,
      [...this.positions.values()].map((p) => ({
        order_id: p.order,
        plan: p.plan,
        user_id: p.user,
        ordinal: BigInt(p.ordinal),
        units: p.units,
        cap_fen: p.capFen,
        realized_fen: p.realizedFen,
        paid_fen: p.paidFen,
        status: p.status,
        created_at: at,
        updated_at: at,
      })),
    );
    await writeProgress(
      trx,
      [...this.progress.values()].map((p) => ({
        user_id: p.user,
        merchant: p.merchant ? 1n : 0n,
        base_fen: p.baseFen,
        reward_count: BigInt(p.rewardCount),
      })),
    );
    await this.writePoolAndPlans(trx, at);
  }

  private async writePoolAndPlans(trx: Tx, at: string): Promise<void> {
    const lastEvent = this.events[this.events.length - 1];
    if (this.pool !== undefined && lastEvent !== undefined) {
      const values = { cash_fen: this.pool.cashFen, supply_units: this.pool.supplyUnits, updated_at: at };
      await trx
        .insertInto('pool_state')
        .values({ plan: this.pool.plan, ...values })
        .onConflict((oc) => oc.column('plan').doUpdateSet(values))
        .execute();
      await trx
        .insertInto('pool_history')
        .values({
          seq: lastEvent.seq,
          plan: this.pool.plan,
          cash_fen: this.pool.cashFen,
          supply_units: this.pool.supplyUnits,
          at,
        })
        .execute();
    }
    if (this.plansUsed.size > 0) {
      await trx
        .updateTable('plans')
        .set({ in_use: 1n })
        .where('code', 'in', [...this.plansUsed])
        .where('in_use', '=', 0n)
        .execute();
    }
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
  'plans',
  'at',
]);
const writePositions = bulkWriter(
  'positions',
  [
    'order_id',
    'plan',
    'user_id',
    'ordinal',
    'units',
    'cap_fen',
    'realized_fen',
    'paid_fen',
    'status',
    'created_at',
    'updated_at',
  ],
  { key: 'order_id', replace: ['units', 'realized_fen', 'paid_fen', 'status', 'updated_at'] },
);
const writeProgress = bulkWriter('referral_progress', ['user_id', 'merchant', 'base_fen', 'reward_count'], {
  key: 'user_id',
  replace: ['merchant', 'base_fen', 'reward_count'],
});

const LOCK_NAME = 'incentives';

/**
 * Serialises every engine-touching transaction: a promise chain inside this process, and the `locks` row across
 * processes (an UPDATE holds its row lock until commit on PostgreSQL and takes the write lock on SQLite).
 */
export class Sequencer {
  private engine: Engine | undefined;
  private valid = false;
  private configKey = '';
  private tail: Promise<unknown> = Promise.resolve();
  readonly holder = `pid:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly db: Db) {}

  /** Forces a rebuild from the log on the next run (plan parameters changed). */
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
      // Another process may have changed a plan's parameters (allowed only before its first settlement): then the
      // engine is rebuilt with them, which replays to the same state because no settlement used the old ones.
      const configKey = JSON.stringify((await loadPlans(trx)).map((p) => [p.code, p.params]));
      if (!this.valid || this.engine === undefined || configKey !== this.configKey) {
        this.engine = await buildEngine(trx);
        this.configKey = configKey;
      } else {
        await catchUp(trx, this.engine);
      }
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
