import type { AccountAddress, EngineMovement, ServerTransferReason } from './accounts';

/**
 * Every reward kind a plan can credit to a wallet. An interface rather than a union so that a plan living in
 * its own file (a test fixture, a future plan) can add its kind by declaration merging:
 * `declare module '../effects' { interface RewardKindRegistry { myKind: true } }`.
 */
export interface RewardKindRegistry {
  referralCycle: true;
  promotionCommission: true;
  levelDifferential: true;
  regionalAgent: true;
  cashback: true;
  queueRebate: true;
  dividend: true;
  appreciationExit: true;
  appreciationRedeem: true;
}
export type RewardKind = keyof RewardKindRegistry & string;

export type EngineTransferReason = RewardKind | EngineMovement;
export type TransferReason = EngineTransferReason | ServerTransferReason;

/** What the engine returns: facts to write, never written by the engine itself. */
export interface TransferEffect {
  type: 'transfer';
  /** Derived from the cause (reason, campaign, then the order or event last), so a replay posts nothing twice. */
  id: string;
  plan: string;
  campaign: string;
  /** The campaign's parameter version in force when the transfer was caused. */
  version: number;
  reason: EngineTransferReason;
  from: AccountAddress;
  to: AccountAddress;
  amountFen: bigint;
  /** The order the transfer belongs to; null for a dividend (it belongs to a period, not an order). */
  order: string | null;
  /** The credited user, for transfers into a wallet (then `reason` is a reward kind). */
  user?: string;
}

/** A plain value a record may hold: what a JSON column can store, bigint kept exact. */
export type RecordValue = string | number | bigint | boolean | null;
export type RecordData = Readonly<Record<string, RecordValue>>;

/**
 * Persisted plan state, one generic contract: the server upserts records by (campaign, kind, key) into one
 * table and answers shopper pages from them; audit compares the records a replay produces with the stored ones.
 * The engine itself is rebuilt from the event log, never from records.
 */
export interface RecordEffect {
  type: 'record';
  plan: string;
  campaign: string;
  kind: string;
  /** Unique within (campaign, kind): an order id, a user id, or '' for the campaign's single record. */
  key: string;
  /** The shopper the record belongs to, when it belongs to one. */
  user?: string;
  data: RecordData;
}

export type RejectionCode =
  'invalid_units' | 'not_holder' | 'no_position' | 'plan_off' | 'position_not_open' | 'not_enough_units' | 'over_cap';

export interface RejectedEffect {
  type: 'rejected';
  plan: string;
  /** The campaign asked, or null when no campaign could hold the order. */
  campaign: string | null;
  user: string;
  order: string;
  code: RejectionCode;
  message: string;
}

export type Effect = TransferEffect | RecordEffect | RejectedEffect;

export type PositionStatus = 'open' | 'exited' | 'closed';
