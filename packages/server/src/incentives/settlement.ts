import { validRegion, type Engine, type EngineEvent, type OrderLine } from '@mall/core';
import { isPostgres, type Tx } from '../platform/db/database';
import { runNamed } from '../platform/db/bulk';
import { DAY_MS, nowIso } from '../platform/clock';
import type { EffectBatch, Sequencer } from './incentive-log';
import { ACCOUNTS, type TransferInput } from '../money/ledger';
import { escrowSimulatedRefunded } from '../money/refunds';
import { actingCampaigns, loadCampaigns } from './campaigns';
import { loadSettings } from '../platform/settings';
import { settleReceived } from '../commerce/order-machine';
import { loadLevels } from './level-ladder';
import { promoteBySpend } from './level-promotion';

/**
 * Settlement: orders received at least `afterSalesDays` ago (and so with no open refund: a refunding order is not
 * `received`) settle oldest receipt first, ties by id, in batches. One transaction per batch flips the orders to
 * settled, recognises their revenue, and writes the engine's effects and event log rows. Every settled order is one
 * settle event with its lines (product, category frozen at order time, amount), its shipping region and the
 * campaigns that act on it, decided here and recorded so a replay never decides again.
 */
export const DEFAULT_BATCH_SIZE = 1000;
/**
 * PostgreSQL settles 5,000 orders per transaction: each batch's candidate SELECT reads the whole received backlog
 * (the status index, then a top-N sort) and its first executions on a connection are planned for a small backlog, so
 * per-order database CPU fell about a quarter against 1,000 (docs/benchmarks.md). The price: callers queued on the
 * incentive sequencer (the rules page, pending quotes, campaign edits) wait up to one batch, about 2 s at 2,500/s.
 * SQLite keeps 1,000: there a batch also holds the only write lock every checkout needs.
 */
export const POSTGRES_BATCH_SIZE = 5000;

export function settlementBatchSize(dialect: 'postgres' | 'sqlite'): number {
  return dialect === 'postgres' ? POSTGRES_BATCH_SIZE : DEFAULT_BATCH_SIZE;
}

interface Candidate {
  id: string;
  user_id: string;
  amount_fen: bigint;
  simulated_fen: bigint;
  refunded_fen: bigint;
  received_at: string | null;
  paid_at: string | null;
  address: string;
}

interface ItemRow {
  order_id: string;
  line: bigint;
  product_id: string;
  category_id: string | null;
  paid_fen: bigint;
  refunded_fen: bigint;
}

/**
 * What a line adds to the order amount the engine sees: what was paid for it (after discounts) and not refunded
 * before settlement (after-sales by line), here and nowhere else.
 */
export function lineAmountFen(item: Pick<ItemRow, 'paid_fen' | 'refunded_fen'>): bigint {
  return item.paid_fen - item.refunded_fen;
}

/** The order's lines as the engine reads them, in line order; campaigns scoped by product or category use them. */
export function engineLines(items: readonly ItemRow[]): OrderLine[] {
  return [...items]
    .sort((a, b) => (a.line < b.line ? -1 : a.line > b.line ? 1 : 0))
    .map((i) => ({
      product: i.product_id,
      ...(i.category_id === null ? {} : { category: i.category_id }),
      amountFen: lineAmountFen(i),
    }));
}

/** The shipping region [province, city, district] of the order's address, when it is one the engine accepts. */
export function orderRegion(addressJson: string): string[] | undefined {
  const region = (JSON.parse(addressJson) as { region?: unknown }).region;
  return validRegion(region) ? [...region] : undefined;
}

/** One settle event per order: the whole amount is the sum of its lines, so spend and scopes agree. */
export function settleEventOf(
  order: Pick<Candidate, 'id' | 'user_id' | 'address'>,
  lines: readonly OrderLine[],
  campaigns: readonly string[],
): Extract<EngineEvent, { type: 'settle' }> {
  return {
    type: 'settle',
    user: order.user_id,
    order: order.id,
    amountFen: lines.reduce((sum, l) => sum + l.amountFen, 0n),
    lines,
    region: orderRegion(order.address),
    campaigns,
  };
}

/** Joins a buyer (after their referrer chain) into the engine the first time one of their orders settles. */
export async function ensureJoined(
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

/** PostgreSQL: the batch's lines in one fixed statement (one array parameter) instead of chunks of 500 ids. */
const ITEMS_PG = `select order_id, line, product_id, category_id, paid_fen, refunded_fen from order_items
  where order_id = any($1::text[])`;

async function loadItems(trx: Tx, orderIds: readonly string[]): Promise<ItemRow[]> {
  if (isPostgres(trx)) return runNamed<ItemRow>(trx, ITEMS_PG, [orderIds]);
  const items: ItemRow[] = [];
  for (let i = 0; i < orderIds.length; i += 500) {
    items.push(
      ...(await trx
        .selectFrom('order_items')
        .select(['order_id', 'line', 'product_id', 'category_id', 'paid_fen', 'refunded_fen'])
        .where('order_id', 'in', orderIds.slice(i, i + 500))
        .execute()),
    );
  }
  return items;
}

async function settleBatch(trx: Tx, batch: EffectBatch, engine: Engine, limit: number): Promise<number> {
  const settings = await loadSettings(trx);
  const now = nowIso();
  const cutoff = new Date(Date.parse(now) - settings.afterSalesDays * DAY_MS).toISOString();
  const candidates: Candidate[] = await trx
    .selectFrom('orders')
    .select(['id', 'user_id', 'amount_fen', 'simulated_fen', 'refunded_fen', 'received_at', 'paid_at', 'address'])
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
  const items = await loadItems(
    trx,
    orders.map((o) => o.id),
  );
  const itemsByOrder = new Map<string, ItemRow[]>();
  for (const item of items) {
    const list = itemsByOrder.get(item.order_id) ?? [];
    list.push(item);
    itemsByOrder.set(item.order_id, list);
  }
  const campaigns = await loadCampaigns(trx);
  const ladder = await loadLevels(trx);
  await ensureJoined(
    trx,
    engine,
    batch,
    orders.map((o) => o.user_id),
    now,
  );
  const refundedSimulated = await escrowSimulatedRefunded(
    trx,
    orders.filter((o) => o.refunded_fen > 0n).map((o) => o.id),
  );
  const revenue: TransferInput[] = [];
  for (const order of orders) {
    // What was refunded before settlement (after-sales by line) already left escrow: the rest is revenue, and the
    // plans see, line by line, what was paid and not refunded.
    const kept = order.amount_fen - order.refunded_fen;
    if (kept > 0n) {
      revenue.push({
        id: `revenue:${order.id}`,
        from: ACCOUNTS.escrow,
        to: ACCOUNTS.revenue,
        amountFen: kept,
        reason: 'revenue',
        orderId: order.id,
        userId: order.user_id,
        simulated: order.simulated_fen - (refundedSimulated.get(order.id) ?? 0n),
      });
    }
    // An order paid before the time it settled: its campaigns are those active now whose window holds its payment.
    const acting = actingCampaigns(campaigns, order.paid_at ?? now);
    batch.apply(settleEventOf(order, engineLines(itemsByOrder.get(order.id) ?? []), acting), now);
    promoteBySpend(engine, batch, ladder, [order.user_id], now);
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
