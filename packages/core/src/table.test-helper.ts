/**
 * Test-only helpers for table tests of the engine: short event builders and a runner that checks, after each
 * event, the rewards it produced, the running wallet balances, the pool and chosen positions. Not exported from
 * the package; imported only by *.test.ts files.
 */
import { expect } from 'vitest';
import type { Effect, PositionStatus } from './effects';
import { Engine, parseEngineConfig, type EngineConfig, type EngineEvent } from './engine';
import type { PlanRuntimeOptions } from './plan';
import { APPRECIATION_POOL, type AppreciationPoolInstance } from './plans/appreciation-pool';
import { memberFromRecord } from './plans/referral-cycle';

/** The plans-form pool (campaign id = plan code), if the pool plan is on. */
export function poolOf(engine: Engine): AppreciationPoolInstance | undefined {
  return engine.campaign(APPRECIATION_POOL) as AppreciationPoolInstance | undefined;
}

export function configOf(plans: Record<string, unknown>): EngineConfig {
  const parsed = parseEngineConfig(plans);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
  return parsed.config;
}

export function engineOf(plans: Record<string, unknown>, options?: PlanRuntimeOptions): Engine {
  return new Engine(configOf(plans), options);
}

export const join = (user: string, referrer?: string): EngineEvent => ({ type: 'join', user, referrer });
/** `campaigns` names the campaigns that act (in the plans form their ids are the plan codes). */
export const settle = (user: string, order: string, amountFen: bigint, campaigns?: string[]): EngineEvent => ({
  type: 'settle',
  user,
  order,
  amountFen,
  campaigns,
});
export const redeem = (user: string, order: string, units: bigint): EngineEvent => ({
  type: 'redeem',
  user,
  order,
  units,
});

/** [kind, user, order, amountFen] as SPEC 4 lists rewards; rejected redemptions carry their reason code instead. */
export type RewardRow = readonly [string, string, string | null, bigint | string];

export function rewardsOf(effects: readonly Effect[]): RewardRow[] {
  const rows: RewardRow[] = [];
  for (const e of effects) {
    if (e.type === 'transfer' && e.user !== undefined) rows.push([e.reason, e.user, e.order, e.amountFen]);
    if (e.type === 'rejected') rows.push(['rejected', e.user, e.order, e.code]);
  }
  return rows;
}

export interface PositionView {
  units: bigint;
  capFen: bigint;
  realizedFen: bigint;
  paidFen: bigint;
  status: PositionStatus;
}

export interface ProgressView {
  merchant: boolean;
  baseFen: bigint;
  rewardCount: number;
}

export interface Row {
  event: EngineEvent;
  /** Rewards this event produced, in order. Checked when given (an empty list means "none"). */
  rewards?: RewardRow[];
  /** Running wallet balances of the named users after the event (users not named are not checked). */
  wallets?: Record<string, bigint>;
  /** Pool [cashFen, supplyUnits] after the event. */
  pool?: readonly [bigint, bigint];
  positions?: Record<string, Partial<PositionView>>;
  /** Referral-cycle state of the named users after the event (from the latest progress effect). */
  progress?: Record<string, ProgressView | undefined>;
}

export interface TableRun {
  engine: Engine;
  wallets: Map<string, bigint>;
  effects: Effect[][];
}

/** Applies each row's event in order and checks the row's expectations right after it. */
export function runTable(engine: Engine, rows: readonly Row[]): TableRun {
  const wallets = new Map<string, bigint>();
  const progress = new Map<string, ProgressView>();
  const all: Effect[][] = [];
  rows.forEach((row, i) => {
    const effects = engine.apply(row.event);
    all.push(effects);
    for (const e of effects) {
      if (e.type === 'transfer' && e.user !== undefined) {
        wallets.set(e.user, (wallets.get(e.user) ?? 0n) + e.amountFen);
      }
      const member = e.type === 'record' ? memberFromRecord(e) : undefined;
      if (member !== undefined) {
        progress.set(member.user, {
          merchant: member.merchant,
          baseFen: member.baseFen,
          rewardCount: member.rewardCount,
        });
      }
    }
    const where = `row ${i} (${JSON.stringify(row.event, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v))})`;
    if (row.rewards !== undefined) expect(rewardsOf(effects), `rewards of ${where}`).toEqual(row.rewards);
    if (row.wallets !== undefined) {
      for (const [user, balance] of Object.entries(row.wallets)) {
        expect(wallets.get(user) ?? 0n, `wallet of ${user} after ${where}`).toBe(balance);
      }
    }
    if (row.pool !== undefined) {
      const state = poolOf(engine)?.state;
      expect([state?.cashFen, state?.supplyUnits], `pool after ${where}`).toEqual([...row.pool]);
    }
    if (row.positions !== undefined) {
      for (const [order, expected] of Object.entries(row.positions)) {
        const p = poolOf(engine)?.position(order);
        expect(p, `position ${order} after ${where}`).toBeDefined();
        const actual: Record<string, unknown> = {};
        for (const key of Object.keys(expected)) actual[key] = (p as unknown as Record<string, unknown>)[key];
        expect(actual, `position ${order} after ${where}`).toEqual(expected);
      }
    }
    if (row.progress !== undefined) {
      for (const [user, expected] of Object.entries(row.progress)) {
        expect(progress.get(user), `referral state of ${user} after ${where}`).toEqual(expected);
      }
    }
  });
  return { engine, wallets, effects: all };
}
