import { createHmac } from 'node:crypto';
import { drawIndex, drawMessage } from '@mall/core';
import type { Db, Tx } from '../../platform/db/database';
import { isPostgres } from '../../platform/db/database';
import { fail } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { DAY_MS, nowIso } from '../../platform/clock';
import { seedHash } from './blind-boxes';

/**
 * The draws of blind boxes (docs/blind-box.md). At order time a box line is checked (series open, age answered,
 * daily cap) and written with the buyer's seed; when the order is paid each unit draws
 * `drawIndex(HMAC-SHA256(serverSeed, drawMessage(buyerSeed, nonce)), weights)` in the payment's transaction, where
 * nonce counts the buyer's draws in the series from 1.
 */
export interface BoxOrderLine {
  line: number;
  skuId: string;
  quantity: bigint;
  paidFen: bigint;
}

export interface DrawView {
  id: string;
  seriesId: string;
  orderId: string;
  unit: number;
  buyerSeed: string;
  nonce: bigint;
  digest: string;
  itemIndex: number;
  itemName: string;
  itemValueFen: bigint;
  drawnAt: string;
}

export const BUYER_SEED_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/** The digest of a draw, as 64 lowercase hex digits (the HMAC key is the seed's text). */
export function drawDigest(serverSeed: string, buyerSeed: string, nonce: bigint): string {
  return createHmac('sha256', Buffer.from(serverSeed, 'utf8'))
    .update(drawMessage(buyerSeed, nonce), 'utf8')
    .digest('hex');
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Asia/Shanghai calendar day (UTC+8, no daylight saving) around `now`, as a UTC ISO range [from, to). */
export function shanghaiDay(now: string): { from: string; to: string } {
  const local = Date.parse(now) + SHANGHAI_OFFSET_MS;
  const start = local - (local % DAY_MS) - SHANGHAI_OFFSET_MS;
  return { from: new Date(start).toISOString(), to: new Date(start + DAY_MS).toISOString() };
}

export async function ageAnswer(db: Db | Tx, userId: string): Promise<'none' | 'atLeast8' | 'under8'> {
  const row = await db
    .selectFrom('blind_box_ages')
    .select('at_least_8')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (row === undefined) return 'none';
  return row.at_least_8 === 1n ? 'atLeast8' : 'under8';
}

/** Records the shopper's answer once (a later different answer is refused: saying "under 8" cannot be undone). */
export async function answerAge(db: Db, userId: string, atLeast8: boolean): Promise<'atLeast8' | 'under8'> {
  const wanted = atLeast8 ? 'atLeast8' : 'under8';
  await db
    .insertInto('blind_box_ages')
    .values({ user_id: userId, at_least_8: atLeast8 ? 1n : 0n, answered_at: nowIso() })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  const now = await ageAnswer(db, userId);
  if (now !== wanted) fail('blind_box_age_answered');
  return wanted;
}

/**
 * Writes the box lines of an order being placed, inside its transaction and after the shopper's row lock (so two
 * orders of one shopper cannot both pass the daily cap). Lines of other SKUs are left alone.
 */
export async function placeBoxLines(
  trx: Tx,
  userId: string,
  orderId: string,
  lines: readonly BoxOrderLine[],
  buyerSeed: string | undefined,
  now: string,
): Promise<void> {
  const skuIds = [...new Set(lines.map((l) => l.skuId))];
  let query = trx
    .selectFrom('blind_box_series')
    .select(['id', 'sku_id', 'status', 'daily_cap_fen'])
    .where('sku_id', 'in', skuIds);
  if (isPostgres(trx)) query = query.forShare();
  const series = await query.execute();
  if (series.length === 0) return;
  for (const s of series) if (s.status !== 'open') fail('blind_box_not_open');
  if (buyerSeed === undefined || !new RegExp(BUYER_SEED_PATTERN).test(buyerSeed)) fail('blind_box_seed_required');
  const age = await ageAnswer(trx, userId);
  if (age === 'none') fail('blind_box_age_unconfirmed');
  if (age === 'under8') fail('blind_box_under_age');
  const day = shanghaiDay(now);
  for (const s of series) {
    const mine = lines.filter((l) => l.skuId === s.sku_id);
    if (s.daily_cap_fen > 0n) {
      const spent = await trx
        .selectFrom('blind_box_lines')
        .innerJoin('orders', 'orders.id', 'blind_box_lines.order_id')
        .select((eb) => eb.fn.sum<bigint | null>('blind_box_lines.paid_fen').as('fen'))
        .where('blind_box_lines.user_id', '=', userId)
        .where('blind_box_lines.series_id', '=', s.id)
        .where('blind_box_lines.created_at', '>=', day.from)
        .where('blind_box_lines.created_at', '<', day.to)
        .where('orders.status', '<>', 'cancelled')
        .executeTakeFirst();
      const already = BigInt(spent?.fen ?? 0n);
      const want = mine.reduce((sum, l) => sum + l.paidFen, 0n);
      if (already + want > s.daily_cap_fen) {
        fail('blind_box_daily_cap', `cap ${s.daily_cap_fen} fen, spent today ${already} fen, this order ${want} fen`);
      }
    }
    await trx
      .insertInto('blind_box_lines')
      .values(
        mine.map((l) => ({
          order_id: orderId,
          line: BigInt(l.line),
          series_id: s.id,
          user_id: userId,
          buyer_seed: buyerSeed,
          quantity: l.quantity,
          paid_fen: l.paidFen,
          created_at: now,
        })),
      )
      .execute();
  }
}

/**
 * Draws every box of a paid order, in the transaction that marks it paid. An order is paid once (the order machine's
 * conditional transition), and the unique (order_id, unit) refuses a second draw of the same box anyway; the
 * shopper's row lock (PostgreSQL) orders the buyer's concurrent payments so nonces count without gaps or repeats.
 */
export async function drawPaidBoxes(trx: Tx, orderId: string): Promise<void> {
  const lines = await trx
    .selectFrom('blind_box_lines')
    .innerJoin('blind_box_series', 'blind_box_series.id', 'blind_box_lines.series_id')
    .select([
      'blind_box_lines.line',
      'blind_box_lines.series_id',
      'blind_box_lines.user_id',
      'blind_box_lines.buyer_seed',
      'blind_box_lines.quantity',
      'blind_box_series.server_seed',
    ])
    .where('blind_box_lines.order_id', '=', orderId)
    .orderBy('blind_box_lines.line')
    .execute();
  if (lines.length === 0) return;
  const userId = lines[0]!.user_id;
  if (isPostgres(trx)) await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
  const now = nowIso();
  let unit = 0n;
  for (const line of lines) {
    const weights = (
      await trx
        .selectFrom('blind_box_items')
        .select('weight')
        .where('series_id', '=', line.series_id)
        .orderBy('idx')
        .execute()
    ).map((i) => i.weight);
    const last = await trx
      .selectFrom('blind_box_draws')
      .select((eb) => eb.fn.max<bigint | null>('nonce').as('nonce'))
      .where('series_id', '=', line.series_id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    let nonce = BigInt(last?.nonce ?? 0n);
    for (let i = 0n; i < line.quantity; i += 1n) {
      nonce += 1n;
      const digest = drawDigest(line.server_seed, line.buyer_seed, nonce);
      await trx
        .insertInto('blind_box_draws')
        .values({
          id: newId('bbd'),
          series_id: line.series_id,
          order_id: orderId,
          unit,
          user_id: userId,
          buyer_seed: line.buyer_seed,
          nonce,
          digest,
          item_idx: BigInt(drawIndex(Buffer.from(digest, 'hex'), weights)),
          drawn_at: now,
        })
        .execute();
      unit += 1n;
    }
  }
}

function drawQuery(db: Db | Tx) {
  return db
    .selectFrom('blind_box_draws')
    .innerJoin('blind_box_items', (join) =>
      join
        .onRef('blind_box_items.series_id', '=', 'blind_box_draws.series_id')
        .onRef('blind_box_items.idx', '=', 'blind_box_draws.item_idx'),
    )
    .selectAll('blind_box_draws')
    .select(['blind_box_items.name as item_name', 'blind_box_items.value_fen as item_value_fen']);
}
type DrawRow = Awaited<ReturnType<ReturnType<typeof drawQuery>['execute']>>[number];

function drawView(row: DrawRow): DrawView {
  return {
    id: row.id,
    seriesId: row.series_id,
    orderId: row.order_id,
    unit: Number(row.unit),
    buyerSeed: row.buyer_seed,
    nonce: row.nonce,
    digest: row.digest,
    itemIndex: Number(row.item_idx),
    itemName: row.item_name,
    itemValueFen: row.item_value_fen,
    drawnAt: row.drawn_at,
  };
}

export const DRAW_PAGE = 1000;

/**
 * Draws of a series, a page at a time: oldest first after the draw id `after` (public verification walks them all),
 * or the latest first (staff watching a series).
 */
export async function seriesDraws(
  db: Db | Tx,
  seriesId: string,
  from: { after: string | undefined } | 'latest',
): Promise<DrawView[]> {
  let query = drawQuery(db).where('blind_box_draws.series_id', '=', seriesId);
  if (from === 'latest') query = query.orderBy('blind_box_draws.id', 'desc');
  else {
    if (from.after !== undefined) query = query.where('blind_box_draws.id', '>', from.after);
    query = query.orderBy('blind_box_draws.id');
  }
  return (await query.limit(DRAW_PAGE).execute()).map(drawView);
}

/** The draws of an order (empty until it is paid): a shopper's own order, or any order for staff (`userId` null). */
export async function orderDraws(db: Db | Tx, orderId: string, userId: string | null): Promise<DrawView[]> {
  const owner = await db.selectFrom('orders').select('user_id').where('id', '=', orderId).executeTakeFirst();
  if (owner === undefined || (userId !== null && owner.user_id !== userId)) fail('order_not_found');
  const rows = await drawQuery(db)
    .where('blind_box_draws.order_id', '=', orderId)
    .orderBy('blind_box_draws.unit')
    .execute();
  return rows.map(drawView);
}

export interface DrawCheck {
  draw: DrawView;
  seedHash: string;
  serverSeed: string | null;
  weights: bigint[];
  /** Null while the series is open (the seed is still secret); otherwise whether each recomputed part matches. */
  seedMatchesHash: boolean | null;
  digestMatches: boolean | null;
  itemMatches: boolean | null;
}

/** Recomputes a draw from the revealed seed, on the server (the verify page does the same in the browser). */
export async function verifyDraw(db: Db | Tx, drawId: string): Promise<DrawCheck> {
  const row = await drawQuery(db).where('blind_box_draws.id', '=', drawId).executeTakeFirst();
  if (row === undefined) fail('blind_box_draw_not_found');
  const series = await db
    .selectFrom('blind_box_series')
    .select(['status', 'server_seed', 'seed_hash'])
    .where('id', '=', row.series_id)
    .executeTakeFirstOrThrow();
  const weights = (
    await db
      .selectFrom('blind_box_items')
      .select('weight')
      .where('series_id', '=', row.series_id)
      .orderBy('idx')
      .execute()
  ).map((i) => i.weight);
  const draw = drawView(row);
  if (series.status !== 'closed') {
    return {
      draw,
      seedHash: series.seed_hash,
      serverSeed: null,
      weights,
      seedMatchesHash: null,
      digestMatches: null,
      itemMatches: null,
    };
  }
  const digest = drawDigest(series.server_seed, row.buyer_seed, row.nonce);
  return {
    draw,
    seedHash: series.seed_hash,
    serverSeed: series.server_seed,
    weights,
    seedMatchesHash: seedHash(series.server_seed) === series.seed_hash,
    digestMatches: digest === row.digest,
    itemMatches: drawIndex(Buffer.from(digest, 'hex'), weights) === Number(row.item_idx),
  };
}
