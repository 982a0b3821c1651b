/** What the engine returns: facts to write, never written by the engine itself. */
export type RewardReason = 'referralCycle' | 'appreciationExit' | 'appreciationRedeem';

export interface TransferEffect {
  type: 'transfer';
  /** Derived from the cause, so writing the same effect twice is a no-op in the ledger. */
  id: string;
  plan: string;
  reason: RewardReason | 'poolContribution';
  from: string;
  to: string;
  amountFen: bigint;
  order: string;
  /** The credited user, for transfers into a wallet. */
  user?: string;
}

export type PositionStatus = 'open' | 'exited' | 'closed';

export interface PositionEffect {
  type: 'position';
  plan: string;
  order: string;
  user: string;
  units: bigint;
  capFen: bigint;
  realizedFen: bigint;
  paidFen: bigint;
  status: PositionStatus;
  /** Ordinal of the position in creation order. */
  ordinal: number;
}

export interface PoolEffect {
  type: 'pool';
  plan: string;
  cashFen: bigint;
  supplyUnits: bigint;
}

export interface ReferralProgressEffect {
  type: 'referralProgress';
  plan: string;
  user: string;
  merchant: boolean;
  baseFen: bigint;
  rewardCount: number;
}

export interface RejectedEffect {
  type: 'rejected';
  plan: string;
  user: string;
  order: string;
  code: 'position_not_open' | 'not_enough_units' | 'over_cap';
  message: string;
}

export type Effect = TransferEffect | PositionEffect | PoolEffect | ReferralProgressEffect | RejectedEffect;
