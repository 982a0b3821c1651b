import { REGIONAL_AGENT, findPlan, userWallet, validRegion, type Engine } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { newId } from '../platform/ids';
import { nowIso } from '../platform/clock';
import { encodeStored } from '../platform/json';
import type { EffectBatch, Sequencer } from './incentive-log';
import { ensureJoined } from './settlement';

/**
 * Regional agents (区域代理): staff appoint a shopper to a province, city or district and dismiss them again. Each is
 * an engine event (`appoint` / `dismiss`) appended under the sequencer's lock, so the regionalAgent plan pays exactly
 * the agents in office when an order settles; the `agents` table lists who is in office now, the member log says
 * who did it.
 */
function regionOf(raw: readonly string[]): string[] {
  const region = raw.map((p) => p.trim());
  if (!validRegion(region)) fail('invalid_parameter', 'region is [province, city?, district?] with non-empty parts');
  return region;
}

export async function appointAgent(sequencer: Sequencer, user: string, raw: readonly string[], actor: string) {
  const region = regionOf(raw);
  return sequencer.run(async (trx, batch, engine) => {
    const at = nowIso();
    await appointAgentIn(trx, batch, engine, user, region, actor, at);
    await batch.write(trx, at);
  });
}

/** The appointment inside a transaction under the sequencer (the demo seed uses it too); the caller writes the batch. */
export async function appointAgentIn(
  trx: Tx,
  batch: EffectBatch,
  engine: Engine,
  user: string,
  raw: readonly string[],
  actor: string,
  at: string,
): Promise<void> {
  const region = regionOf(raw);
  const found = await trx.selectFrom('users').select('id').where('id', '=', user).executeTakeFirst();
  if (found === undefined) fail('user_not_found', user);
  const key = JSON.stringify(region);
  const held = await trx
    .selectFrom('agents')
    .select('user_id')
    .where('user_id', '=', user)
    .where('region', '=', key)
    .executeTakeFirst();
  if (held !== undefined) fail('agent_exists', region.join(' / '));
  await ensureJoined(trx, engine, batch, [user], at);
  batch.apply({ type: 'appoint', user, region }, at);
  await trx
    .insertInto('agents')
    .values({ user_id: user, region: key, appointed_at: at, appointed_by: actor })
    .execute();
  await trx
    .insertInto('member_audit')
    .values({ id: newId('evt'), user_id: user, actor, action: 'agent_appointed', detail: encodeStored({ region }), at })
    .execute();
}

export async function dismissAgent(sequencer: Sequencer, user: string, raw: readonly string[], actor: string) {
  const region = regionOf(raw);
  return sequencer.run(async (trx, batch) => {
    const key = JSON.stringify(region);
    const gone = await trx
      .deleteFrom('agents')
      .where('user_id', '=', user)
      .where('region', '=', key)
      .executeTakeFirst();
    if (gone.numDeletedRows !== 1n) fail('agent_not_found', region.join(' / '));
    const at = nowIso();
    batch.apply({ type: 'dismiss', user, region }, at);
    await batch.write(trx, at);
    await trx
      .insertInto('member_audit')
      .values({
        id: newId('evt'),
        user_id: user,
        actor,
        action: 'agent_dismissed',
        detail: encodeStored({ region }),
        at,
      })
      .execute();
  });
}

/** The regions a shopper is agent of now, in appointment order. */
export async function listAgencies(db: Db, user: string) {
  const rows = await db.selectFrom('agents').selectAll().where('user_id', '=', user).orderBy('appointed_at').execute();
  return rows.map((r) => ({ region: JSON.parse(r.region) as string[], appointedAt: r.appointed_at }));
}

/** Every agent in office, for the admin's list. */
export async function listAgents(db: Db) {
  const rows = await db
    .selectFrom('agents')
    .innerJoin('users', 'users.id', 'agents.user_id')
    .select(['agents.user_id', 'agents.region', 'agents.appointed_at', 'users.phone'])
    .orderBy('agents.appointed_at')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    phone: r.phone,
    region: JSON.parse(r.region) as string[],
    appointedAt: r.appointed_at,
  }));
}

/** The reward kinds the regional agent plan pays, from its definition (no plan code spelled here). */
const agentKinds = (): string[] => Object.keys(findPlan(REGIONAL_AGENT)?.rewardKinds ?? {});

/**
 * The orders of an agent's regions that paid them, newest first: each with its shipping region, amount and what
 * the agent received for it (summed over tiers when they hold several tiers of one order's region).
 */
export async function agentOrders(db: Db, user: string, limit: number) {
  const kinds = agentKinds();
  if (kinds.length === 0) return { regions: await listAgencies(db, user), items: [] };
  const rows = await db
    .selectFrom('transfers')
    .innerJoin('orders', 'orders.id', 'transfers.order_id')
    .select(['orders.id', 'orders.amount_fen', 'orders.address', 'orders.settled_at', 'transfers.amount_fen as paid'])
    .where('transfers.to_account', '=', userWallet(user))
    .where('transfers.reason', 'in', kinds)
    .orderBy('orders.settled_at', 'desc')
    .limit(limit * 3)
    .execute();
  const byOrder = new Map<
    string,
    { orderId: string; amountFen: bigint; region: string[]; settledAt: string | null; rewardFen: bigint }
  >();
  for (const r of rows) {
    const seen = byOrder.get(r.id);
    if (seen !== undefined) seen.rewardFen += r.paid;
    else {
      const region = (JSON.parse(r.address) as { region?: unknown }).region;
      byOrder.set(r.id, {
        orderId: r.id,
        amountFen: r.amount_fen,
        region: validRegion(region) ? [...region] : [],
        settledAt: r.settled_at,
        rewardFen: r.paid,
      });
    }
  }
  return { regions: await listAgencies(db, user), items: [...byOrder.values()].slice(0, limit) };
}
