import type { Effect } from './effects';
import type { Label, ParamSchema, ParamValues } from './params';

/** A settled order as every settlement plan sees it. */
export interface SettledOrder {
  /** Position of the event in the totally ordered stream. */
  seq: number;
  order: string;
  /** Dense index of the order among settled orders (0, 1, 2, ...), for plans that keep columns. */
  orderIndex: number;
  user: string;
  /** Dense index of the buyer among joined shoppers. */
  userIndex: number;
  amountFen: bigint;
}

export interface RedeemCommand {
  seq: number;
  user: string;
  userIndex: number;
  order: string;
  orderIndex: number;
  units: bigint;
}

/** Read-only facts about shoppers and orders that plans may use, addressed by dense index. */
export interface Directory {
  /** The referrer's index, or -1 when the shopper joined without one. */
  referrerOf(userIndex: number): number;
  userId(userIndex: number): string;
  orderId(orderIndex: number): string;
  /** Index of a settled order, or -1. */
  orderIndex(order: string): number;
}

export interface PlanRuntimeOptions {
  /** 'scan' is the naive reference used by tests and the benchmark; production uses the index. */
  exitDetection: 'index' | 'scan';
}

/** A running plan: mutable state behind deterministic methods. Same calls in the same order, same effects. */
export interface PlanInstance {
  readonly code: string;
  settle(order: SettledOrder, out: Effect[]): void;
  /** Plan-specific command: only plans that hold redeemable positions implement it. */
  redeem?(command: RedeemCommand, out: Effect[]): void;
  /** Whether this order has something the plan can act on later (a position, for instance). */
  holdsOrder?(orderIndex: number): boolean;
}

export interface PlanDefinition<S extends ParamSchema = ParamSchema> {
  code: string;
  title: Label;
  summary: Label;
  /** High-risk plans stay off until an admin enables them with a logged acknowledgement (SPEC 3.4). */
  highRisk: boolean;
  /** Levels of invitation the plan pays on; the compliance guard refuses more than two. */
  referralLevels: number;
  params: S;
  create(params: ParamValues<S>, directory: Directory, options: PlanRuntimeOptions): PlanInstance;
}

/** Identity function that keeps the parameter types of a plan definition. */
export function definePlan<S extends ParamSchema>(definition: PlanDefinition<S>): PlanDefinition<S> {
  return definition;
}
