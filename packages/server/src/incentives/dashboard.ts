import { APPRECIATION_POOL } from '@mall/core';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database';
import { countShoppers } from '../platform/identity/shoppers';
import { salesFigures } from '../commerce/order-views';
import { poolView, priceHistory } from './pool';

/** What each plan paid out, and the pool's exits by day, from the ledger's engine transfers. */
async function payoutFigures(db: Db) {
  const payouts = await db
    .selectFrom('transfers')
    .select(['reason', (eb) => eb.fn.sum<bigint>('amount_fen').as('fen')])
    .where('reason', 'in', ['referralCycle', 'appreciationExit', 'appreciationRedeem'])
    .groupBy('reason')
    .execute();
  const payoutsByPlan: Record<string, bigint> = { referralCycle: 0n, appreciationPool: 0n };
  for (const p of payouts) {
    const code = p.reason === 'referralCycle' ? 'referralCycle' : APPRECIATION_POOL;
    payoutsByPlan[code] = (payoutsByPlan[code] ?? 0n) + BigInt(p.fen);
  }
  const exitDay = sql<string>`substr(created_at, 1, 10)`;
  const exitsByDay = await db
    .selectFrom('transfers')
    .select([
      exitDay.as('day'),
      (eb) => eb.fn.countAll<bigint>().as('count'),
      (eb) => eb.fn.sum<bigint>('amount_fen').as('paidFen'),
    ])
    .where('reason', '=', 'appreciationExit')
    .groupBy(exitDay)
    .orderBy(exitDay)
    .execute();
  return {
    payoutsByPlan,
    exitsByDay: exitsByDay.map((d) => ({ day: d.day, count: d.count, paidFen: BigInt(d.paidFen) })),
  };
}

/** Sales, payouts and the pool at a glance. */
export async function dashboardView(db: Db) {
  const sales = await salesFigures(db);
  const userCount = await countShoppers(db);
  const { payoutsByPlan, exitsByDay } = await payoutFigures(db);
  return {
    salesFen: sales.salesFen,
    orderCount: sales.orderCount,
    paidOrderCount: sales.paidOrderCount,
    userCount,
    payoutsByPlan,
    pool: await poolView(db),
    salesByDay: sales.salesByDay,
    exitsByDay,
    priceHistory: (await priceHistory(db, 200)).map((p) => ({ at: p.at, priceFenPerPoint: p.priceFenPerPoint })),
  };
}
