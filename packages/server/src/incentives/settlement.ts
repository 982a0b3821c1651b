import type { Engine } from '@mall/core';
import type { Tx } from '../platform/db/database';
import { DAY_MS, nowIso } from '../platform/clock';
import type { EffectBatch, Sequencer } from './incentive-log';
import { ACCOUNTS, type TransferInput } from '../money/ledger';
import { enabledCodes, loadPlans } from './plans';
import { loadSettings } from '../platform/settings';
import { settleReceived } from '../commerce/order-machine';

/**
 * Settlement: orders received at least `afterSalesDays` ago (and so with no open refund: a refunding order is not
 * `received`) settle oldest receipt first, ties by id, in batches. One transaction per batch flips the orders to
 * settled, recognises their revenue, and writes the engine's effects and event log rows.
 */
export const DEFAULT_BATCH_SIZE = 1000;

interface Candidate {
  id: string;
  user_id: string;
  amount_fen: bigint;
  simulated_fen: bigint;
  received_at: string | null;
}

/** Joins a buyer (after their referrer chain) into the engine the first time one of their orders settles. */
async function ensureJoined(
  trx: Tx,
  engine: Engine,
  batch: EffectBatch,
  userIds: readonly string[],
  at: string,
): Promise<void> {
  const referrerOf = new Map<string, string | null>();
  let missing = [...new Set(userIds.filter((u) => !engine.hasUser(u)))];
  while (missing.length > 0) {
    const rows = await trx.selectFrom('users').select(['id', 'referrer_id']).where('id', 'in', missing).execute();
    for (const r of rows) referrerOf.set(r.id, r.referrer_id);
    missing = [
      ...new Set(
        rows
          .map((r) => r.referrer_id)
          .filter((r): r is string => r !== null && !engine.hasUser(r) && !referrerOf.has(r)),
      ),
    ];
  }
  const join = (user: string): void => {
    if (engine.hasUser(user)) return;
    const referrer = referrerOf.get(user) ?? null;
    if (referrer !== null) join(referrer);
    batch.apply({ type: 'join', user, referrer: referrer ?? undefined }, at);
  };
  for (const u of userIds) join(u);
}

async function settleBatch(trx: Tx, batch: EffectBatch, engine: Engine, limit: number): Promise<number> {
  const settings = await loadSettings(trx);
  const now = nowIso();
  const cutoff = new Date(Date.parse(now) - settings.afterSalesDays * DAY_MS).toISOString();
  const candidates: Candidate[] = await trx
    .selectFrom('orders')
    .select(['id', 'user_id', 'amount_fen', 'simulated_fen', 'received_at'])
    .where('status', '=', 'received')
    .where('received_at', '<=', cutoff)
    .orderBy('received_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  if (candidates.length === 0) return 0;
  // The conditional flip is the claim: an order that moved to refunding since the SELECT is simply not settled.
  const claimed = await settleReceived(
    trx,
    candidates.map((c) => c.id),
    'system:settlement',
    now,
  );
  const orders = candidates.filter((c) => claimed.has(c.id));
  if (orders.length === 0) return 0;
  const items = [];
  for (let i = 0; i < orders.length; i += 500) {
    items.push(
      ...(await trx
        .selectFrom('order_items')
        .select(['order_id', 'line', 'paid_fen', 'plans'])
        .where(
          'order_id',
          'in',
          orders.slice(i, i + 500).map((o) => o.id),
        )
        .execute()),
    );
  }
  const itemsByOrder = new Map<string, typeof items>();
  for (const item of items) {
    const list = itemsByOrder.get(item.order_id) ?? [];
    list.push(item);
    itemsByOrder.set(item.order_id, list);
  }
  const enabled = enabledCodes(await loadPlans(trx));
  await ensureJoined(
    trx,
    engine,
    batch,
    orders.map((o) => o.user_id),
    now,
  );
  const revenue: TransferInput[] = [];
  for (const order of orders) {
    if (order.amount_fen > 0n) {
      revenue.push({
        id: `revenue:${order.id}`,
        from: ACCOUNTS.escrow,
        to: ACCOUNTS.revenue,
        amountFen: order.amount_fen,
        reason: 'revenue',
        orderId: order.id,
        userId: order.user_id,
        simulated: order.simulated_fen,
      });
    }
    // Items that take part in the same plans settle together; an order mixing plan sets settles once per set.
    const groups = new Map<string, { plans: string[]; amountFen: bigint }>();
    const lines = (itemsByOrder.get(order.id) ?? []).sort((a, b) => (a.line < b.line ? -1 : 1));
    for (const line of lines) {
      const plans = (JSON.parse(line.plans) as string[]).filter((p) => enabled.has(p)).sort();
      if (plans.length === 0) continue;
      const key = plans.join('+');
      const group = groups.get(key) ?? { plans, amountFen: 0n };
      group.amountFen += line.paid_fen;
      groups.set(key, group);
    }
    for (const [key, group] of groups) {
      const engineOrder = groups.size === 1 ? order.id : `${order.id}:${key}`;
      batch.apply(
        { type: 'settle', user: order.user_id, order: engineOrder, amountFen: group.amountFen, campaigns: group.plans },
        now,
      );
    }
  }
  await batch.write(trx, now, revenue);
  return orders.length;
}

/** Settles everything that is due, one durable transaction per batch. */
export async function runSettlement(sequencer: Sequencer, batchSize = DEFAULT_BATCH_SIZE): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sequencer.run((trx, batch, engine) => settleBatch(trx, batch, engine, batchSize));
    total += n;
    if (n < batchSize) return total;
  }
}
