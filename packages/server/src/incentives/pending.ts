import { CASHBACK, parseAccount, planOfRewardKind, type Label } from '@mall/core';
import type { Db } from '../platform/db/database';
import { DAY_MS, nowIso } from '../platform/clock';
import { decodeStored } from '../platform/json';
import { countPendingQuote } from '../platform/metrics';
import { loadSettings, type PeriodKind, type Settings } from '../platform/settings';
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

/** Quotes of the settlement to come, per user; kept for one engine state (see settlementQuotes). */
interface QuoteCache {
  key: string;
  byUser: Map<string, PendingItem[]>;
}
const quoteCaches = new WeakMap<Sequencer, QuoteCache>();

function push(byUser: Map<string, PendingItem[]>, user: string, items: PendingItem[]): void {
  if (items.length === 0) return;
  const list = byUser.get(user) ?? [];
  list.push(...items);
  byUser.set(user, list);
}

/**
 * What settling every order still in its after-sales window will pay, per user, quoted on one fork of the engine for
 * all users at once. The quote depends only on the engine's state (its last applied event: campaign edits, level
 * changes and settlements are all log events), the open orders (which, received when, refunded how much), the level
 * ladder (a new ladder rebuilds the engine without an event) and the settings the dates come from; it is kept under
 * that key, so a burst of wallet reads forks once and the next event or open-order change makes a fresh quote.
 */
async function settlementQuotes(db: Db, sequencer: Sequencer, settings: Settings): Promise<Map<string, PendingItem[]>> {
  const orders = await db
    .selectFrom('orders')
    .select(['id', 'user_id', 'address', 'paid_at', 'received_at', 'refunded_fen'])
    .where('status', '=', 'received')
    .orderBy('received_at')
    .orderBy('id')
    .limit(QUOTE_LIMIT)
    .execute();
  if (orders.length === 0) return new Map();
  const ladder = await loadLevels(db);
  const state = [
    settings.afterSalesDays,
    settings.periodKind,
    JSON.stringify(ladder, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    orders.map((o) => `${o.id}:${o.received_at ?? ''}:${o.refunded_fen}`).join(','),
  ].join('|');
  return sequencer.run(async (trx, _batch, engine) => {
    const key = `${engine.seq}|${state}`;
    const cached = quoteCaches.get(sequencer);
    if (cached?.key === key) {
      countPendingQuote('cached');
      return cached.byUser;
    }
    countPendingQuote('forked');
    const lines = await trx
      .selectFrom('order_items')
      .select(['order_id', 'line', 'product_id', 'category_id', 'paid_fen', 'refunded_fen'])
      .where(
        'order_id',
        'in',
        orders.map((o) => o.id),
      )
      .execute();
    const campaigns = await loadCampaigns(trx);
    const windowMs = settings.afterSalesDays * DAY_MS;
    const byUser = new Map<string, PendingItem[]>();
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
        const to = effect.type === 'transfer' ? parseAccount(effect.to) : undefined;
        if (effect.type === 'transfer' && to?.kind === 'wallet') {
          const label = planOfRewardKind(effect.reason)?.label ?? null;
          push(byUser, to.user, [
            {
              orderId: order.id,
              reason: effect.reason,
              label,
              amountFen: effect.amountFen,
              kind: 'settlement',
              paysAt,
            },
          ]);
        }
        if (effect.type === 'record' && effect.plan === CASHBACK && effect.user !== undefined) {
          // A schedule starts when its order settles: its installments come at the closes after that.
          const after = periodEnds(settings.periodKind, 36, Date.parse(paysAt));
          push(byUser, effect.user, installments(effect.key, effect.data as never, after));
        }
      }
      promoteBySpend(fork, batch, ladder, [order.user_id], at);
    }
    quoteCaches.set(sequencer, { key, byUser });
    return byUser;
  });
}

export async function pendingRewards(db: Db, sequencer: Sequencer, user: string) {
  const settings = await loadSettings(db);
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
  items.push(...((await settlementQuotes(db, sequencer, settings)).get(user) ?? []));
  items.sort((a, b) => (a.paysAt < b.paysAt ? -1 : a.paysAt > b.paysAt ? 1 : 0));
  return { pendingFen: items.reduce((sum, i) => sum + i.amountFen, 0n), items };
}
