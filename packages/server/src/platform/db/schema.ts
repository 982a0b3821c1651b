import type { ColumnType } from 'kysely';

/** A BIGINT column with a default: optional on insert. */
type DefaultedBigint = ColumnType<bigint, bigint | undefined, bigint>;

/**
 * Table types. Every integer column is BIGINT in storage and bigint here (better-sqlite3 runs with safe integers,
 * pg parses int8 and numeric to BigInt), so no amount ever passes through a float. Flags are 0n/1n, times are
 * ISO-8601 text (sortable as text), JSON is text.
 */
export interface KvTable {
  key: string;
  value: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface UsersTable {
  id: string;
  phone: string;
  password_hash: string | null;
  invite_code: string;
  referrer_id: string | null;
  created_at: string;
}

export interface StaffTable {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  created_at: string;
}

export interface SessionsTable {
  token_hash: string;
  kind: string;
  subject_id: string;
  expires_at: string;
  created_at: string;
}

export interface LoginCodesTable {
  phone: string;
  code_hash: string;
  expires_at: string;
  used: bigint;
  attempts: bigint;
  /** When the last code was sent, the Asia/Shanghai day of the count below, and codes sent that day. */
  sent_at: ColumnType<string, string | undefined, string>;
  send_day: ColumnType<string, string | undefined, string>;
  sends_today: DefaultedBigint;
}

export interface LoginFailuresTable {
  /** `shop:{phone}` or `staff:{username}`. */
  account: string;
  failures: bigint;
  locked_until: string;
  updated_at: string;
}

export interface CategoriesTable {
  id: string;
  name: string;
  sort: bigint;
}

export interface ProductsTable {
  id: string;
  title: string;
  subtitle: string;
  description: string;
  category_id: string | null;
  image_url: string;
  images: string;
  on_shelf: bigint;
  created_at: string;
  /** Most units one shopper may hold in open orders of this product (限购); 0 = no limit. */
  purchase_limit: DefaultedBigint;
}

export interface SkusTable {
  id: string;
  product_id: string;
  name: string;
  price_fen: bigint;
  cost_fen: bigint;
  stock: bigint;
  reserved: bigint;
  sold: bigint;
}

export interface OrdersTable {
  id: string;
  user_id: string;
  status: string;
  amount_fen: bigint;
  address: string;
  idempotency_key: string;
  request_hash: string;
  created_at: string;
  expires_at: string;
  paid_at: string | null;
  shipped_at: string | null;
  received_at: string | null;
  settled_at: string | null;
  carrier: string | null;
  tracking_no: string | null;
  payment_id: string | null;
  refund_status: string | null;
  refund_reason: string | null;
  refund_from: string | null;
  /** The part of the amount paid with simulated (sandbox) money. */
  simulated_fen: DefaultedBigint;
}

export interface OrderItemsTable {
  order_id: string;
  line: bigint;
  sku_id: string;
  product_id: string;
  title: string;
  sku_name: string;
  price_fen: bigint;
  quantity: bigint;
  /** The product's category when the order was placed: campaigns scoped by category read it at settlement. */
  category_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface OrderTransitionsTable {
  id: string;
  order_id: string;
  from_status: string;
  to_status: string;
  actor: string;
  at: string;
  note: string | null;
}

export interface PaymentsTable {
  id: string;
  order_id: string;
  user_id: string;
  channel: string;
  amount_fen: bigint;
  status: string;
  created_at: string;
  paid_at: string | null;
  provider_txn: string | null;
}

export interface AccountsTable {
  address: string;
  balance_fen: bigint;
  /** The part of the balance that is simulated money (it came through the sandbox gateway). */
  simulated_fen: DefaultedBigint;
}

export interface TransfersTable {
  id: string;
  from_account: string;
  to_account: string;
  amount_fen: bigint;
  reason: string;
  order_id: string | null;
  user_id: string | null;
  created_at: string;
  /** The part of the amount that is simulated money. */
  simulated_fen: DefaultedBigint;
  /** The plan, campaign and parameter version of an engine transfer; null for the mall's own transfers. */
  plan: ColumnType<string | null, string | null | undefined, string | null>;
  campaign: ColumnType<string | null, string | null | undefined, string | null>;
  version: ColumnType<bigint | null, bigint | null | undefined, bigint | null>;
}

export interface WithdrawalsTable {
  id: string;
  user_id: string;
  amount_fen: bigint;
  fee_fen: bigint;
  channel: string;
  status: string;
  reason: string | null;
  created_at: string;
  updated_at: string;
  /** The part of the amount that is simulated money: it can never be paid out through a real channel. */
  simulated_fen: DefaultedBigint;
}

/** A campaign (营销活动): a plan instance with a product scope, a time window and a status. */
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

export interface IdempotencyTable {
  scope: string;
  key: string;
  request_hash: string;
  response: string;
  created_at: string;
}

export interface LocksTable {
  name: string;
  holder: string;
  at: string;
}

export interface Database {
  kv: KvTable;
  settings: SettingsTable;
  users: UsersTable;
  staff: StaffTable;
  sessions: SessionsTable;
  login_codes: LoginCodesTable;
  login_failures: LoginFailuresTable;
  categories: CategoriesTable;
  products: ProductsTable;
  skus: SkusTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  order_transitions: OrderTransitionsTable;
  payments: PaymentsTable;
  accounts: AccountsTable;
  transfers: TransfersTable;
  withdrawals: WithdrawalsTable;
  campaigns: CampaignsTable;
  campaign_versions: CampaignVersionsTable;
  campaign_audit: CampaignAuditTable;
  incentive_events: IncentiveEventsTable;
  plan_records: PlanRecordsTable;
  pool_history: PoolHistoryTable;
  member_levels: MemberLevelsTable;
  member_audit: MemberAuditTable;
  agents: AgentsTable;
  period_closes: PeriodClosesTable;
  idempotency: IdempotencyTable;
  locks: LocksTable;
}
