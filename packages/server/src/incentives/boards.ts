import {
  DIVIDEND_POOL,
  QUEUE_REBATE,
  userWallet,
  type DividendPoolInstance,
  type QueueRebateInstance,
} from '@mall/core';
import type { Db } from '../platform/db/database';
import { maskPhone } from '../platform/identity/shoppers';
import type { Sequencer } from './incentive-log';
import { loadCampaigns } from './campaigns';

/**
 * The shopper pages of two periodic / queued plans: the 分红榜 (this period's ranking of a dividend pool with masked
 * phone numbers, and the pool's cash) and the queue of a queueRebate campaign (your place, the amount ahead of you,
 * what you have received). Read from the engine's running instances; no dates are promised for the queue.
 */
async function campaignsOf(db: Db, plan: string, wanted: string | undefined) {
  const all = (await loadCampaigns(db)).filter((c) => c.plan === plan && c.status !== 'draft');
  return wanted === undefined ? all : all.filter((c) => c.id === wanted);
}

export async function dividendBoards(db: Db, sequencer: Sequencer, wanted: string | undefined, me: string | undefined) {
  const campaigns = await campaignsOf(db, DIVIDEND_POOL, wanted);
  const boards = await sequencer.snapshot((engine) =>
    campaigns.map((c) => {
      const instance = engine.campaign(c.id) as DividendPoolInstance | undefined;
      const members = engine.directory;
      const ranking = (instance?.ranking ?? []).map((index, i) => ({
        rank: i + 1,
        user: members.userId(index),
        periodSpendFen: instance?.periodSpendFen(index) ?? 0n,
      }));
      const meIndex = me === undefined ? -1 : members.userIndex(me);
      return {
        campaign: c.id,
        name: c.name,
        basis: String((engine.entry(c.id)?.params as { basis?: unknown } | undefined)?.basis ?? 'level'),
        cashFen: instance?.cashFen ?? 0n,
        period: engine.period,
        ranking,
        mySpendFen: meIndex < 0 || instance === undefined ? 0n : instance.periodSpendFen(meIndex),
      };
    }),
  );
  const ids = [...new Set(boards.flatMap((b) => b.ranking.map((r) => r.user)))];
  const phones =
    ids.length === 0 ? [] : await db.selectFrom('users').select(['id', 'phone']).where('id', 'in', ids).execute();
  const phoneOf = new Map(phones.map((p) => [p.id, maskPhone(p.phone)]));
  return {
    items: boards.map((b) => ({
      ...b,
      ranking: b.ranking.map((r) => ({
        rank: r.rank,
        phoneMasked: phoneOf.get(r.user) ?? '',
        periodSpendFen: r.periodSpendFen,
        me: r.user === me,
      })),
    })),
  };
}

export async function myQueues(db: Db, sequencer: Sequencer, me: string, wanted: string | undefined) {
  const campaigns = await campaignsOf(db, QUEUE_REBATE, wanted);
  const queues = await sequencer.snapshot((engine) =>
    campaigns.map((c) => {
      const instance = engine.campaign(c.id) as QueueRebateInstance | undefined;
      const entries = instance?.entries ?? [];
      let ahead = 0n;
      const mine: { order: string; place: number; aheadFen: bigint; entitlementFen: bigint; remainingFen: bigint }[] =
        [];
      entries.forEach((e, i) => {
        if (e.user === me) {
          mine.push({
            order: e.order,
            place: i + 1,
            aheadFen: ahead,
            entitlementFen: e.entitlementFen,
            remainingFen: e.remainingFen,
          });
        }
        ahead += e.remainingFen;
      });
      return { campaign: c.id, name: c.name, length: entries.length, owedFen: instance?.owedFen ?? 0n, mine };
    }),
  );
  const received = await db
    .selectFrom('transfers')
    .select(['campaign', (eb) => eb.fn.sum<bigint>('amount_fen').as('fen')])
    .where('to_account', '=', userWallet(me))
    .where('plan', '=', QUEUE_REBATE)
    .groupBy('campaign')
    .execute();
  const receivedOf = new Map(received.map((r) => [r.campaign, BigInt(r.fen)]));
  return {
    items: queues.map((q) => ({
      campaign: q.campaign,
      name: q.name,
      length: q.length,
      owedFen: q.owedFen,
      receivedFen: receivedOf.get(q.campaign) ?? 0n,
      entries: q.mine.map((m) => ({
        orderId: m.order,
        place: m.place,
        aheadFen: m.aheadFen,
        entitlementFen: m.entitlementFen,
        receivedFen: m.entitlementFen - m.remainingFen,
        remainingFen: m.remainingFen,
      })),
    })),
  };
}
