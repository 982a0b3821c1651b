import { CASHBACK, planOfRewardKind, userWallet, type Label } from '@mall/core';
import type { Db } from '../platform/db/database';
import { DAY_MS, nowIso } from '../platform/clock';
import { decodeStored } from '../platform/json';
import { loadSettings, type PeriodKind } from '../platform/settings';
import { EffectBatch, type Sequencer } from './incentive-log';
import { actingCampaigns, loadCampaigns } from './campaigns';
import { loadLevels } from './level-ladder';
import { promoteBySpend } from './level-promotion';
import { periodStartMs } from './periods';
import { engineLines, ensureJoined, settleEventOf } from './settlement';

/**
 * What a shopper is owed but not yet paid (the wallet's pendingFen): the rewards of orders still in the after-sales
 * window, quoted by settling every such order of the mall on a fork of the engine exactly as settlement will (oldest
 * receipt first, the campaigns acting on each, promotions by spend), and the cashback installments still to come at
 * period closes, from the schedules' records. A quote, not a promise: a refund or a changed campaign changes it.
 */
export interface PendingItem {
  orderId: string;
  reason: string;
  label: Label | null;
  amountFen: bigint;
  /** settlement: paid when the order settles; installment: paid at a period close. */
  kind: 'settlement' | 'installment';
  /** When it is expected to pay: the end of the after-sales window, or the end of the period it is due at. */
  paysAt: string;
}

/** Orders quoted at most: beyond this the quote covers the oldest receipts (what settles first). */
const QUOTE_LIMIT = 2000;

function nextPeriodStart(kind: PeriodKind, startMs: number): number {
  const step = kind === 'day' ? DAY_MS : kind === 'week' ? 7 * DAY_MS : 32 * DAY_MS;
  return periodStartMs(kind, startMs + step);
}

/** The ends of the next `n` periods, the one holding `fromMs` first. */
function periodEnds(kind: PeriodKind, n: number, fromMs: number): string[] {
  const ends: string[] = [];
  let start = periodStartMs(kind, fromMs);
  for (let i = 0; i < n; i += 1) {
    start = nextPeriodStart(kind, start);
    ends.push(new Date(start).toISOString());
  }
  return ends;
}

function installments(
  orderId: string,
  data: { perFen: bigint; remainingFen: bigint; installmentsLeft: number },
  ends: readonly string[],
): PendingItem[] {
  const items: PendingItem[] = [];
  let left = data.remainingFen;
  for (let i = 0; i < data.installmentsLeft && left > 0n; i += 1) {
    const amountFen = i === data.installmentsLeft - 1 ? left : data.perFen < left ? data.perFen : left;
    left -= amountFen;
    if (amountFen === 0n) continue;
    const label = planOfRewardKind(CASHBACK)?.label ?? null;
    items.push({ orderId, reason: CASHBACK, label, amountFen, kind: 'installment', paysAt: ends[i] ?? '' });
  }
  return items;
}

export async function pendingRewards(db: Db, sequencer: Sequencer, user: string) {
  const settings = await loadSettings(db);
  const wallet = userWallet(user);
  const items: PendingItem[] = [];
  const ends = periodEnds(settings.periodKind, 36, Date.now());
  const schedules = await db
    .selectFrom('plan_records')
    .select(['key', 'data'])
    .where('user_id', '=', user)
    .where('plan', '=', CASHBACK)
    .execute();
  for (const s of schedules) {
    const data = decodeStored(s.data) as { perFen: bigint; remainingFen: bigint; installmentsLeft: number };
    items.push(...installments(s.key, data, ends));
  }
  const orders = await db
    .selectFrom('orders')
    .select(['id', 'user_id', 'address', 'paid_at', 'received_at'])
    .where('status', '=', 'received')
    .orderBy('received_at')
    .orderBy('id')
    .limit(QUOTE_LIMIT)
    .execute();
  if (orders.length > 0) {
    const lines = await db
      .selectFrom('order_items')
      .select(['order_id', 'line', 'product_id', 'category_id', 'paid_fen', 'refunded_fen'])
      .where(
        'order_id',
        'in',
        orders.map((o) => o.id),
      )
      .execute();
    const campaigns = await loadCampaigns(db);
    const ladder = await loadLevels(db);
    const windowMs = settings.afterSalesDays * DAY_MS;
    await sequencer.run(async (trx, _batch, engine) => {
      const fork = engine.fork();
      const batch = new EffectBatch(fork);
      const at = nowIso();
      await ensureJoined(
        trx,
        fork,
        batch,
        orders.map((o) => o.user_id),
        at,
      );
      for (const order of orders) {
        const event = settleEventOf(
          order,
          engineLines(lines.filter((l) => l.order_id === order.id)),
          actingCampaigns(campaigns, order.paid_at ?? at),
        );
        const paysAt = new Date(Date.parse(order.received_at ?? at) + windowMs).toISOString();
        for (const effect of batch.apply(event, at)) {
          if (effect.type === 'transfer' && effect.to === wallet) {
            const label = planOfRewardKind(effect.reason)?.label ?? null;
            items.push({
              orderId: order.id,
              reason: effect.reason,
              label,
              amountFen: effect.amountFen,
              kind: 'settlement',
              paysAt,
            });
          }
          if (effect.type === 'record' && effect.plan === CASHBACK && effect.user === user) {
            // A schedule starts when its order settles: its installments come at the closes after that.
            const after = periodEnds(settings.periodKind, 36, Date.parse(paysAt));
            items.push(...installments(effect.key, effect.data as never, after));
          }
        }
        promoteBySpend(fork, batch, ladder, [order.user_id], at);
      }
    });
  }
  items.sort((a, b) => (a.paysAt < b.paysAt ? -1 : a.paysAt > b.paysAt ? 1 : 0));
  return { pendingFen: items.reduce((sum, i) => sum + i.amountFen, 0n), items };
}
