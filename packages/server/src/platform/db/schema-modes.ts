/** Tables of member levels, regional agents and periods (migration 0008). */

/** A member level (会员等级): rank 0 is the lowest; reaching min_spend_fen of settled spend promotes at settlement. */
export interface MemberLevelsTable {
  code: string;
  name: string;
  rank: bigint;
  min_spend_fen: bigint;
  created_at: string;
  updated_at: string;
}

/** What staff did to levels, shoppers' levels and agencies. */
export interface MemberAuditTable {
  id: string;
  user_id: string | null;
  actor: string;
  action: string;
  detail: string;
  at: string;
}

/** Regional agents now in office; region is the JSON list [province, city?, district?]. */
export interface AgentsTable {
  user_id: string;
  region: string;
  appointed_at: string;
  appointed_by: string;
}

/** One row per closed period: inserting it is the claim that closes the period exactly once. */
export interface PeriodClosesTable {
  period_key: string;
  seq: bigint;
  closed_at: string;
  closed_by: string;
}
