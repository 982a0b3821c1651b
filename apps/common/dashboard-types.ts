import type { Fact, Label } from './plan-types';

/* Pool and dashboard views: the pool's state and price points, and the admin dashboard's answer. */

export interface PricePoint {
  at: string;
  cashFen: number;
  supplyUnits: number | string;
  priceFenPerPoint: number | string;
}

export interface PoolView {
  campaign: string | null;
  name: string | null;
  cashFen: number;
  supplyUnits: number | string;
  priceFenPerPoint: number | string;
}

/** The admin dashboard's answer (GET /api/admin/dashboard): sales, margin, payouts, pool promises, charts. */
export interface Dashboard {
  salesFen: number;
  /** Frozen cost of the units kept, and sales minus it (may be negative). */
  costFen: number;
  marginFen: number;
  orderCount: number;
  paidOrderCount: number;
  userCount: number;
  payoutsByPlan: Record<string, number>;
  /** The plan's payout as a share of sales and of margin, floored bps (null while the base is not positive). */
  plans: {
    code: string;
    title: Label;
    payoutFen: number;
    shareOfSalesBps?: number | null;
    shareOfMarginBps?: number | null;
  }[];
  /** Each pool campaign's promise (cap - realized over open positions) against its cash; coverBps = cash / promise. */
  poolPromises: {
    campaign: string;
    name: string;
    cashFen: number;
    promisedFen: number;
    openPositions: number;
    coverBps: number | null;
  }[];
  campaigns: {
    id: string;
    name: string;
    plan: string;
    planTitle: Label;
    status: string;
    version: number;
    payoutFen: number;
    kinds: { kind: string; label: Label; fen: number }[];
    facts: Fact[];
  }[];
  pool: PoolView;
  pools: PoolView[];
  salesByDay: { day: string; salesFen: number; orders: number }[];
  payoutsByDay: { day: string; kind: string; label: Label; count: number; paidFen: number }[];
  priceHistory: Pick<PricePoint, 'at' | 'priceFenPerPoint'>[];
}
