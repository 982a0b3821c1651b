import {
  EngineInputError,
  positionFromRecord,
  type AppreciationPoolInstance,
  type Engine,
  type PositionRecordView,
  type RedemptionQuote,
} from '@mall/core';
import { createHash } from 'node:crypto';
import type { Db, Tx } from '../platform/db/database';
import { fail, Failure } from '../platform/errors';
import { nowIso } from '../platform/clock';
import type { Sequencer } from './incentive-log';
import { loadRecords } from './plan-records';
import { POSITION_RECORD, poolCampaigns, poolStates, priceFenPerPoint } from './pool';

/**
 * The shopper's pool positions (the appreciation pool's page): read from the records each pool campaign leaves,
 * valued at that pool's price. Redemptions are engine events; their previews are core's redemption quote, the same
 * function the engine applies.
 */
export interface PositionView {
  campaign: string;
  orderId: string;
  units: bigint;
  capFen: bigint;
  realizedFen: bigint;
  paidFen: bigint;
  status: string;
  valueFen: bigint;
}

async function positionRecords(db: Db | Tx, userId: string, campaigns: readonly string[]) {
  const records = await loadRecords(db, { campaigns, users: [userId], kind: POSITION_RECORD });
  return records.map(positionFromRecord).filter((p): p is PositionRecordView => p !== undefined);
}

/**
 * Positions in every pool (or one), oldest first; the top-level pool numbers are those of the asked pool, or of
 * the default pool when none is asked (SPEC 6's one-pool answer), with every pool listed in `pools`.
 */
export async function positionsView(db: Db | Tx, userId: string, campaign?: string) {
  const pools = await poolCampaigns(db);
  const shown = campaign === undefined ? pools : pools.filter((c) => c.id === campaign);
  if (campaign !== undefined && shown.length === 0) fail('campaign_not_found', campaign);
  const states = await poolStates(
    db,
    shown.map((c) => c.id),
  );
  const records = await positionRecords(
    db,
    userId,
    shown.map((c) => c.id),
  );
  const order = new Map(shown.map((c, i) => [c.id, i]));
  records.sort((a, b) => (order.get(a.campaign) ?? 0) - (order.get(b.campaign) ?? 0) || a.ordinal - b.ordinal);
  const positions: PositionView[] = records.map((p) => {
    const pool = states.get(p.campaign) ?? { cashFen: 0n, supplyUnits: 0n };
    return {
      campaign: p.campaign,
      orderId: p.order,
      units: p.units,
      capFen: p.capFen,
      realizedFen: p.realizedFen,
      paidFen: p.paidFen,
      status: p.status,
      valueFen: pool.supplyUnits === 0n ? 0n : (p.units * pool.cashFen) / pool.supplyUnits,
    };
  });
  const main = shown[0];
  const mainState = (main === undefined ? undefined : states.get(main.id)) ?? { cashFen: 0n, supplyUnits: 0n };
  return {
    campaign: main?.id ?? null,
    priceFenPerPoint: priceFenPerPoint(mainState.cashFen, mainState.supplyUnits),
    cashFen: mainState.cashFen,
    supplyUnits: mainState.supplyUnits,
    pools: shown.map((c) => {
      const s = states.get(c.id) ?? { cashFen: 0n, supplyUnits: 0n };
      return {
        campaign: c.id,
        name: c.name,
        status: c.status,
        cashFen: s.cashFen,
        supplyUnits: s.supplyUnits,
        priceFenPerPoint: priceFenPerPoint(s.cashFen, s.supplyUnits),
      };
    }),
    positions,
  };
}

/** The pool campaign holding the shopper's position of an order: the one named, or the only one. */
async function holdingCampaign(db: Db | Tx, userId: string, orderId: string, campaign: string | undefined) {
  const pools = (await poolCampaigns(db)).map((c) => c.id);
  const records = await loadRecords(db, {
    campaigns: campaign === undefined ? pools : pools.filter((p) => p === campaign),
    kind: POSITION_RECORD,
    keys: [orderId],
  });
  const mine = records.map(positionFromRecord).filter((p) => p !== undefined && p.user === userId);
  if (mine.length === 0) fail('position_not_found');
  if (mine.length > 1) fail('campaign_required', mine.map((p) => p?.campaign).join(', '));
  return mine[0]?.campaign as string;
}

function quoteNow(engine: Engine, campaign: string, orderId: string, units: bigint): RedemptionQuote {
  const pool = engine.campaign(campaign) as AppreciationPoolInstance | undefined;
  const orderIndex = engine.directory.orderIndex(orderId);
  if (pool === undefined || orderIndex < 0) fail('position_not_found');
  return pool.quote(orderIndex, units);
}

/** What redeeming would pay now, from the live engine (caught up with the log) and core's quote. */
export async function redeemPreview(
  sequencer: Sequencer,
  db: Db,
  userId: string,
  orderId: string,
  units: bigint,
  campaign?: string,
) {
  const holder = await holdingCampaign(db, userId, orderId, campaign);
  const quote = await sequencer.snapshot((engine) => quoteNow(engine, holder, orderId, units));
  if (!quote.ok) fail('redeem_rejected', quote.code);
  return { campaign: holder, grossFen: quote.grossFen, feeFen: quote.feeFen, paidFen: quote.paidFen };
}

type RedeemResult = { campaign: string; grossFen: bigint; feeFen: bigint; paidFen: bigint } | { rejected: string };

/**
 * A redemption is an engine event: it goes through the sequencer, and a refused one is logged too (the engine
 * counted it), then answered 422 after the commit. Idempotency-Key replays the first answer.
 */
export async function redeem(
  sequencer: Sequencer,
  userId: string,
  orderId: string,
  units: bigint,
  key: string,
  campaign?: string,
) {
  const scope = `redeem:${userId}`;
  const hash = createHash('sha256')
    .update(`${orderId}:${units}:${campaign ?? ''}`)
    .digest('hex');
  const result = await sequencer.run(async (trx, batch, engine): Promise<RedeemResult> => {
    const previous = await trx
      .selectFrom('idempotency')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (previous) {
      if (previous.request_hash !== hash) fail('idempotency_key_reused');
      const stored = JSON.parse(previous.response) as
        { campaign: string; grossFen: string; feeFen: string; paidFen: string } | { rejected: string };
      return 'rejected' in stored
        ? stored
        : {
            campaign: stored.campaign,
            grossFen: BigInt(stored.grossFen),
            feeFen: BigInt(stored.feeFen),
            paidFen: BigInt(stored.paidFen),
          };
    }
    const holder = await holdingCampaign(trx, userId, orderId, campaign);
    // The quote and the engine's redemption are one function on one state: the quote is what the event pays.
    const quote = quoteNow(engine, holder, orderId, units);
    const now = nowIso();
    let effects;
    try {
      effects = batch.apply({ type: 'redeem', user: userId, order: orderId, units, campaign: holder }, now);
    } catch (error) {
      if (error instanceof EngineInputError) fail('position_not_found', error.message);
      throw error;
    }
    const rejected = effects.find((e) => e.type === 'rejected');
    let out: RedeemResult;
    if (rejected !== undefined) out = { rejected: rejected.code };
    else if (!quote.ok) throw new Error(`redemption of ${orderId} happened although its quote refused it`);
    else out = { campaign: holder, grossFen: quote.grossFen, feeFen: quote.feeFen, paidFen: quote.paidFen };
    await batch.write(trx, now);
    const stored =
      'rejected' in out
        ? out
        : {
            campaign: out.campaign,
            grossFen: String(out.grossFen),
            feeFen: String(out.feeFen),
            paidFen: String(out.paidFen),
          };
    await trx
      .insertInto('idempotency')
      .values({ scope, key, request_hash: hash, response: JSON.stringify(stored), created_at: now })
      .execute();
    return out;
  });
  if ('rejected' in result) throw new Failure('redeem_rejected', result.rejected);
  return result;
}
