import { PLANS, findPlan, planOfRewardKind, poolPromise, shareOfBps, type PoolPromise } from '@mall/core';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database';
import { countShoppers } from '../platform/identity/shoppers';
import { salesFigures } from '../commerce/order-views';
import { marginFigures } from '../commerce/margin';
import type { Sequencer } from './incentive-log';
import { loadCampaigns } from './campaigns';
import { poolViews, priceHistory } from './pool';

/** Every reward kind a registered plan can credit to a wallet: the ledger's payouts are the transfers of these. */
function rewardKinds(): string[] {
  return PLANS.flatMap((p) => Object.keys(p.rewardKinds));
}

/** What each plan, campaign and reward kind paid out, and the payouts by day, from the ledger's engine transfers. */
async function payoutFigures(db: Db) {
  const kinds = rewardKinds();
  const rows = await db
    .selectFrom('transfers')
    .select([
      'plan',
      'campaign',
      'reason',
      (eb) => eb.fn.countAll<bigint>().as('count'),
      (eb) => eb.fn.sum<bigint>('amount_fen').as('fen'),
    ])
    .where('plan', 'is not', null)
    .where('reason', 'in', kinds)
    .groupBy(['plan', 'campaign', 'reason'])
    .execute();
  const payoutsByPlan: Record<string, bigint> = Object.fromEntries(PLANS.map((p) => [p.code, 0n]));
  const byCampaign = new Map<string, { plan: string; fen: bigint; kinds: Map<string, bigint> }>();
  for (const r of rows) {
    const plan = r.plan ?? '';
    const fen = BigInt(r.fen);
    payoutsByPlan[plan] = (payoutsByPlan[plan] ?? 0n) + fen;
    const entry = byCampaign.get(r.campaign ?? '') ?? { plan, fen: 0n, kinds: new Map<string, bigint>() };
    entry.fen += fen;
    entry.kinds.set(r.reason, (entry.kinds.get(r.reason) ?? 0n) + fen);
    byCampaign.set(r.campaign ?? '', entry);
  }
  const day = sql<string>`substr(created_at, 1, 10)`;
  const byDay = await db
    .selectFrom('transfers')
    .select([
      day.as('day'),
      'reason',
      (eb) => eb.fn.countAll<bigint>().as('count'),
      (eb) => eb.fn.sum<bigint>('amount_fen').as('paidFen'),
    ])
    .where('plan', 'is not', null)
    .where('reason', 'in', kinds)
    .groupBy([day, 'reason'])
    .orderBy(day)
    .execute();
  return {
    payoutsByPlan,
    byCampaign,
    payoutsByDay: byDay.map((d) => ({
      day: d.day,
      kind: d.reason,
      label: planOfRewardKind(d.reason)?.label ?? { zh: d.reason, en: d.reason },
      count: BigInt(d.count),
      paidFen: BigInt(d.paidFen),
    })),
  };
}

/** Sales, margin, payouts per plan and per campaign (from the registry's labels), each campaign's facts, the pools. */
export async function dashboardView(db: Db, sequencer: Sequencer) {
  const sales = await salesFigures(db);
  const margin = await marginFigures(db, sales.salesFen);
  const userCount = await countShoppers(db);
  const { payoutsByPlan, byCampaign, payoutsByDay } = await payoutFigures(db);
  const campaigns = await loadCampaigns(db);
  const pools = await poolViews(db);
  const { facts, promises } = await sequencer.snapshot((engine) => ({
    facts: new Map(campaigns.map((c) => [c.id, engine.facts(c.id)])),
    promises: pools.flatMap((p): PoolPromise[] => {
      const promise = p.campaign === null ? undefined : poolPromise(engine, p.campaign);
      return promise === undefined ? [] : [promise];
    }),
  }));
  const main = pools[0];
  const names = new Map(pools.map((p) => [p.campaign, p.name]));
  return {
    salesFen: sales.salesFen,
    costFen: margin.costFen,
    marginFen: margin.marginFen,
    orderCount: sales.orderCount,
    paidOrderCount: sales.paidOrderCount,
    userCount,
    payoutsByPlan,
    // Each plan's payout as a share of sales and of margin in bps, floored (null while the base is not positive).
    plans: PLANS.map((p) => {
      const payoutFen = payoutsByPlan[p.code] ?? 0n;
      return {
        code: p.code,
        title: p.title,
        payoutFen,
        shareOfSalesBps: shareOfBps(payoutFen, sales.salesFen),
        shareOfMarginBps: shareOfBps(payoutFen, margin.marginFen),
      };
    }),
    // Every pool campaign's promise (cap - realized over open positions) against its cash, and the cover in bps.
    poolPromises: promises.map((p) => ({
      ...p,
      name: names.get(p.campaign) ?? p.campaign,
      coverBps: shareOfBps(p.cashFen, p.promisedFen),
    })),
    campaigns: campaigns.map((c) => {
      const paid = byCampaign.get(c.id);
      const definition = findPlan(c.plan);
      return {
        id: c.id,
        name: c.name,
        plan: c.plan,
        planTitle: definition?.title ?? { zh: c.plan, en: c.plan },
        status: c.status,
        version: c.version,
        payoutFen: paid?.fen ?? 0n,
        kinds: [...(paid?.kinds.entries() ?? [])].map(([kind, fen]) => ({
          kind,
          label: planOfRewardKind(kind)?.label ?? { zh: kind, en: kind },
          fen,
        })),
        facts: facts.get(c.id) ?? [],
      };
    }),
    pool: main ?? { campaign: null, name: null, cashFen: 0n, supplyUnits: 0n, priceFenPerPoint: 0 },
    pools,
    salesByDay: sales.salesByDay,
    payoutsByDay,
    priceHistory: (await priceHistory(db, main?.campaign ?? null, 200)).map((p) => ({
      at: p.at,
      priceFenPerPoint: p.priceFenPerPoint,
    })),
  };
}
