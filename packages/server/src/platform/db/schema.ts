import type { ColumnType } from 'kysely';
import type { PresaleTables } from './schema-presale';
import type {
  AfterSaleLinesTable,
  AfterSaleTransitionsTable,
  AfterSalesTable,
  GatewayNotificationsTable,
  ReconciliationsTable,
  RefundsTable,
  UserOpenidsTable,
} from './schema-payments';
import type {
  AddressesTable,
  CouponTemplatesTable,
  CouponsTable,
  DefaultedText,
  FlashReservationsTable,
  FlashSalesTable,
  FreightTemplatesTable,
  OptionalText,
  SpendThresholdsTable,
} from './schema-checkout';
import type {
  CampaignsTable,
  CampaignVersionsTable,
  CampaignAuditTable,
  IncentiveEventsTable,
  PlanRecordsTable,
  PoolHistoryTable,
} from './schema-incentives';
import type { AgentsTable, MemberAuditTable, MemberLevelsTable, PeriodClosesTable } from './schema-modes';
import type {
  BlindBoxAgesTable,
  BlindBoxDrawsTable,
  BlindBoxItemsTable,
  BlindBoxLinesTable,
  BlindBoxSeriesTable,
} from './schema-blind-box';
import type { GroupBuyActivitiesTable, GroupBuyGroupsTable, GroupBuyMembersTable } from './schema-group-buy';
import type { OperationLogTable, PageLayoutsTable, RolesTable, UploadsTable } from './schema-operator';

export type {
  AfterSaleLinesTable,
  AfterSaleTransitionsTable,
  AfterSalesTable,
  GatewayNotificationsTable,
  ReconciliationsTable,
  RefundsTable,
  UserOpenidsTable,
};
export type { OperationLogTable, PageLayoutsTable, RolesTable, UploadsTable };
export type {
  CampaignsTable,
  CampaignVersionsTable,
  CampaignAuditTable,
  IncentiveEventsTable,
  PlanRecordsTable,
  PoolHistoryTable,
};

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
  /** A roles.code. */
  role: string;
  created_at: string;
  disabled: DefaultedBigint;
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  totp_pending: ColumnType<string | null, string | null | undefined, string | null>;
  totp_last_step: DefaultedBigint;
  /** JSON array of SHA-256 hashes of unused recovery codes. */
  recovery_codes: ColumnType<string, string | undefined, string>;
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
  /** Null for a top-level category; the tree has two levels. */
  parent_id: ColumnType<string | null, string | null | undefined, string | null>;
  icon_url: ColumnType<string, string | undefined, string>;
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
  /** JSON [{name, values}]: the spec attributes whose values make the SKU matrix. */
  specs: ColumnType<string, string | undefined, string>;
  /** The freight template its lines are charged by; null ships free (包邮). */
  freight_template_id: OptionalText;
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
  /** The merchant's SKU code (商家编码), unique when set. */
  code: ColumnType<string | null, string | null | undefined, string | null>;
  image_url: ColumnType<string, string | undefined, string>;
  /** JSON array: this SKU's value of each of the product's specs, in the specs' order. */
  spec_values: ColumnType<string, string | undefined, string>;
  /** 1: left out of the product's SKUs (stock 0, hidden); kept because orders point at it. */
  retired: DefaultedBigint;
  /** For weight-based freight templates. */
  weight_grams: DefaultedBigint;
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
  /** Refunded before settlement (after-sales by line); settlement settles amount_fen - refunded_fen. */
  refunded_fen: DefaultedBigint;
  /** Sum of line amounts before discounts. */
  subtotal_fen: DefaultedBigint;
  /** 满减 plus coupon. */
  discount_fen: DefaultedBigint;
  shipping_fen: DefaultedBigint;
  coupon_id: OptionalText;
  threshold_activity_id: OptionalText;
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
  /** What the shopper paid for the line: price x quantity less any order discount allocated to it. */
  paid_fen: DefaultedBigint;
  refunded_quantity: DefaultedBigint;
  refunded_fen: DefaultedBigint;
  /** The product's category when the order was placed: campaigns scoped by category read it at settlement. */
  category_id: OptionalText;
  /** Quantity x the SKU's cost when the order was placed (frozen: the dashboard's margin reads it). */
  cost_fen: DefaultedBigint;
  /** The unit price charged: the SKU price or a special (flash) price. */
  unit_price_fen: DefaultedBigint;
  /** sku | flash | group | presale */
  price_source: DefaultedText;
  threshold_discount_fen: DefaultedBigint;
  coupon_discount_fen: DefaultedBigint;
  flash_sale_id: OptionalText;
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
  refunded_fen: DefaultedBigint;
  /** Set when the gateway reports something finance must look at (an amount that is not ours). */
  problem: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the open-payment job last asked the gateway about it. */
  checked_at: ColumnType<string | null, string | null | undefined, string | null>;
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

export interface RateLimitsTable {
  key: string;
  hits: bigint;
  window_ends_ms: bigint;
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
  /** Alipay: the payee's user id (2088...) or login id; WeChat payouts use the bound openid. */
  payee: OptionalText;
  payee_name: OptionalText;
  /** How it was paid out: wechat / alipay (gateway transfer) or manual (marked paid by hand). */
  payout_channel: OptionalText;
  gateway_transfer_id: OptionalText;
  /** WeChat user-confirm transfers: what wx.requestMerchantTransfer needs. */
  package_info: OptionalText;
  failure_reason: OptionalText;
}

/** A campaign (营销活动): a plan instance with a product scope, a time window and a status. */
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

export interface Database extends PresaleTables {
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
  after_sales: AfterSalesTable;
  after_sale_lines: AfterSaleLinesTable;
  after_sale_transitions: AfterSaleTransitionsTable;
  refunds: RefundsTable;
  user_openids: UserOpenidsTable;
  gateway_notifications: GatewayNotificationsTable;
  reconciliations: ReconciliationsTable;
  roles: RolesTable;
  operation_log: OperationLogTable;
  uploads: UploadsTable;
  page_layouts: PageLayoutsTable;
  rate_limits: RateLimitsTable;
  addresses: AddressesTable;
  freight_templates: FreightTemplatesTable;
  coupon_templates: CouponTemplatesTable;
  coupons: CouponsTable;
  spend_thresholds: SpendThresholdsTable;
  flash_sales: FlashSalesTable;
  flash_reservations: FlashReservationsTable;
  blind_box_series: BlindBoxSeriesTable;
  blind_box_items: BlindBoxItemsTable;
  blind_box_lines: BlindBoxLinesTable;
  blind_box_draws: BlindBoxDrawsTable;
  blind_box_ages: BlindBoxAgesTable;
  group_buy_activities: GroupBuyActivitiesTable;
  group_buy_groups: GroupBuyGroupsTable;
  group_buy_members: GroupBuyMembersTable;
}
