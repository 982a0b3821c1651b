import { Gauge, Registry } from 'prom-client';
import type { Db } from '../platform/db/database';
import { DAY_MS } from '../platform/clock';
import { loadSettings } from '../platform/settings';
import { poolViews } from './pool';

/**
 * The figures operators watch that live in the database, read once per scrape by the process that answers it (so
 * they are the same whichever process that is): how far settlement is behind, each pool's cash and price, and the
 * withdrawals waiting for finance. Every query is on an index (orders by status and receipt, withdrawals by status)
 * or a table with a row per campaign.
 */
export interface OperatorGauges {
  registry: Registry;
  /** Reads the database and sets every gauge; labels that disappeared (a campaign removed) disappear too. */
  refresh(now: number, leaders: number): Promise<void>;
}

export function operatorGauges(db: Db): OperatorGauges {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []): Gauge =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const lagOrders = gauge(
    'mall_settlement_lag_orders',
    'Orders past their after-sales window (received at least afterSalesDays ago) that are not settled yet',
  );
  const lagSeconds = gauge(
    'mall_settlement_lag_seconds',
    'How long the oldest order due for settlement has been due (0 when none is waiting)',
  );
  const poolCash = gauge('mall_pool_cash_fen', 'Cash in the appreciation pool, in fen, per campaign', ['campaign']);
  const poolSupply = gauge('mall_pool_supply_units', 'Points outstanding in the pool, in micro-points, per campaign', [
    'campaign',
  ]);
  const poolPrice = gauge(
    'mall_pool_price_fen_per_point',
    'Pool price: cash over supply, fen per point floored to 1/10000 fen, per campaign',
    ['campaign'],
  );
  const waiting = gauge('mall_withdrawals_waiting', 'Withdrawals waiting for finance, by status', ['status']);
  const waitingFen = gauge('mall_withdrawals_waiting_fen', 'Amount of the withdrawals waiting, in fen, by status', [
    'status',
  ]);
  const leaders = gauge(
    'mall_leaders',
    'Processes holding the leader lock (settlement and other timers run there): 1 when healthy, 0 during a takeover',
  );

  return {
    registry,
    async refresh(now, leaderCount) {
      const settings = await loadSettings(db);
      const cutoff = new Date(now - settings.afterSalesDays * DAY_MS).toISOString();
      const due = await db
        .selectFrom('orders')
        .select((eb) => [eb.fn.countAll<bigint>().as('n'), eb.fn.min('received_at').as('oldest')])
        .where('status', '=', 'received')
        .where('received_at', '<=', cutoff)
        .executeTakeFirstOrThrow();
      lagOrders.set(Number(due.n));
      const oldest = due.oldest === null ? undefined : Date.parse(due.oldest);
      lagSeconds.set(oldest === undefined ? 0 : Math.max(0, (now - oldest - settings.afterSalesDays * DAY_MS) / 1000));

      for (const g of [poolCash, poolSupply, poolPrice, waiting, waitingFen]) g.reset();
      for (const pool of await poolViews(db)) {
        if (pool.campaign === null) continue;
        poolCash.set({ campaign: pool.campaign }, Number(pool.cashFen));
        poolSupply.set({ campaign: pool.campaign }, Number(pool.supplyUnits));
        poolPrice.set({ campaign: pool.campaign }, pool.priceFenPerPoint);
      }
      const open = await db
        .selectFrom('withdrawals')
        .select((eb) => ['status', eb.fn.countAll<bigint>().as('n'), eb.fn.sum<bigint>('amount_fen').as('fen')])
        .where('status', 'in', ['requested', 'approved'])
        .groupBy('status')
        .execute();
      for (const status of ['requested', 'approved']) {
        const row = open.find((r) => r.status === status);
        waiting.set({ status }, Number(row?.n ?? 0n));
        waitingFen.set({ status }, Number(row?.fen ?? 0n));
      }
      leaders.set(leaderCount);
    },
  };
}
