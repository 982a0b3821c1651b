/** Tables of the incentives (migration 0006): campaigns, their versions and log, the event log, plan records, pool history. */
export interface CampaignsTable {
  id: string;
  /** Creation order: several campaigns of one plan act in this order. */
  ordinal: bigint;
  plan: string;
  name: string;
  status: string;
  /** The window [starts_at, ends_at) that an order's payment time must fall in; null is open-ended. */
  starts_at: string | null;
  ends_at: string | null;
  /** JSON lists of product and category ids; both null: every product. */
  scope_products: string | null;
  scope_categories: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

/** Every parameter version of a campaign, with the event-log position where it took effect. */
export interface CampaignVersionsTable {
  campaign: string;
  version: bigint;
  params: string;
  scope_products: string | null;
  scope_categories: string | null;
  seq: bigint;
  at: string;
  actor: string;
}

/** Who created, edited, enabled (with the SPEC 3.4 acknowledgement), paused or ended a campaign. */
export interface CampaignAuditTable {
  id: string;
  campaign: string;
  actor: string;
  action: string;
  detail: string;
  acknowledgement: string | null;
  at: string;
}

/** The engine's event log: fixed columns for what is queried, a JSON payload for the rest of the event. */
export interface IncentiveEventsTable {
  seq: bigint;
  type: string;
  user_id: string | null;
  referrer_id: string | null;
  order_id: string | null;
  amount_fen: bigint | null;
  units: bigint | null;
  payload: string | null;
  at: string;
}

/** Plan state as record effects leave it (core's RecordEffect), upserted by campaign, kind and key. */
export interface PlanRecordsTable {
  campaign: string;
  kind: string;
  key: string;
  plan: string;
  user_id: string | null;
  data: string;
  updated_at: string;
}

export interface PoolHistoryTable {
  campaign: string;
  seq: bigint;
  cash_fen: bigint;
  supply_units: bigint;
  at: string;
}
