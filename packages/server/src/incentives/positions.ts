import { APPRECIATION_POOL, BPS_SCALE, EngineInputError, positionFromRecord, share } from '@mall/core';
import { createHash } from 'node:crypto';
import type { Db, Tx } from '../platform/db/database';
import { fail, Failure } from '../platform/errors';
import { nowIso } from '../platform/clock';
import type { Sequencer } from './incentive-log';
import { loadPlans } from './plans';
import { poolState, priceFenPerPoint } from './pool';

export interface PositionView {
  orderId: string;
  units: bigint;
  capFen: bigint;
  realizedFen: bigint;
  paidFen: bigint;
  status: string;
  valueFen: bigint;
  createdAt: string;
}

export async function positionsView(db: Db | Tx, userId: string) {
  const pool = await poolState(db);
  const rows = await db.selectFrom('positions').selectAll().where('user_id', '=', userId).orderBy('ordinal').execute();
  const positions: PositionView[] = rows.map((r) => ({
    orderId: r.order_id,
    units: r.units,
    capFen: r.cap_fen,
    realizedFen: r.realized_fen,
    paidFen: r.paid_fen,
    status: r.status,
    valueFen: pool.supplyUnits === 0n ? 0n : (r.units * pool.cashFen) / pool.supplyUnits,
    createdAt: r.created_at,
  }));
  return {
    priceFenPerPoint: priceFenPerPoint(pool.cashFen, pool.supplyUnits),
    cashFen: pool.cashFen,
    supplyUnits: pool.supplyUnits,
    positions,
  };
}

async function redeemFeeBps(db: Db | Tx): Promise<bigint> {
  const plan = (await loadPlans(db)).find((p) => p.code === APPRECIATION_POOL);
  return BigInt(Number(plan?.params.redeemFeeBps ?? 0));
}

/** The same arithmetic as the engine's redemption (SPEC 3.2), on the stored state; the engine stays the authority. */
export async function redeemPreview(db: Db | Tx, userId: string, orderId: string, units: bigint) {
  const position = await db.selectFrom('positions').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  if (!position || position.user_id !== userId) fail('position_not_found');
  if (position.status !== 'open') fail('redeem_rejected', 'position_not_open');
  if (units > position.units) fail('redeem_rejected', 'not_enough_units');
  const pool = await poolState(db);
  const gross = pool.supplyUnits === 0n ? 0n : (units * pool.cashFen) / pool.supplyUnits;
  if (gross > position.cap_fen - position.realized_fen) fail('redeem_rejected', 'over_cap');
  const paid = share(gross, BPS_SCALE - (await redeemFeeBps(db)));
  return { grossFen: gross, feeFen: gross - paid, paidFen: paid };
}

type RedeemResult = { grossFen: bigint; feeFen: bigint; paidFen: bigint } | { rejected: string };

/**
 * A redemption is an engine event: it goes through the sequencer, and a refused one is logged too (the engine
 * counted it), then answered 422 after the commit. Idempotency-Key replays the first answer.
 */
export async function redeem(sequencer: Sequencer, userId: string, orderId: string, units: bigint, key: string) {
  const scope = `redeem:${userId}`;
  const hash = createHash('sha256').update(`${orderId}:${units}`).digest('hex');
  const result = await sequencer.run(async (trx, batch): Promise<RedeemResult> => {
    const previous = await trx
      .selectFrom('idempotency')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (previous) {
      if (previous.request_hash !== hash) fail('idempotency_key_reused');
      const stored = JSON.parse(previous.response) as
        { grossFen: string; feeFen: string; paidFen: string } | { rejected: string };
      return 'rejected' in stored
        ? stored
        : { grossFen: BigInt(stored.grossFen), feeFen: BigInt(stored.feeFen), paidFen: BigInt(stored.paidFen) };
    }
    const position = await trx
      .selectFrom('positions')
      .select(['user_id'])
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    if (!position || position.user_id !== userId) fail('position_not_found');
    const now = nowIso();
    let effects;
    try {
      effects = batch.apply({ type: 'redeem', user: userId, order: orderId, units }, now);
    } catch (error) {
      if (error instanceof EngineInputError) fail('position_not_found', error.message);
      throw error;
    }
    let out: RedeemResult;
    const rejected = effects.find((e) => e.type === 'rejected');
    if (rejected) out = { rejected: rejected.code };
    else {
      const position = effects
        .map((e) => (e.type === 'record' ? positionFromRecord(e) : undefined))
        .find((p) => p !== undefined && p.order === orderId);
      const paid = effects
        .filter((e) => e.type === 'transfer' && e.reason === 'appreciationRedeem')
        .reduce((s, e) => s + (e.type === 'transfer' ? e.amountFen : 0n), 0n);
      const before = await trx
        .selectFrom('positions')
        .select('realized_fen')
        .where('order_id', '=', orderId)
        .executeTakeFirstOrThrow();
      const gross = position === undefined ? 0n : position.realizedFen - before.realized_fen;
      out = { grossFen: gross, feeFen: gross - paid, paidFen: paid };
    }
    await batch.write(trx, now);
    const stored =
      'rejected' in out
        ? out
        : { grossFen: String(out.grossFen), feeFen: String(out.feeFen), paidFen: String(out.paidFen) };
    await trx
      .insertInto('idempotency')
      .values({ scope, key, request_hash: hash, response: JSON.stringify(stored), created_at: now })
      .execute();
    return out;
  });
  if ('rejected' in result) throw new Failure('redeem_rejected', result.rejected);
  return result;
}
