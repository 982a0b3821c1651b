import type { ColumnType } from 'kysely';
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
  plans: string;
  created_at: string;
  /** Most units one shopper may hold in open orders of this product (限购); 0 = no limit. */
  purchase_limit: DefaultedBigint;
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
  plans: string;
  /** The unit price charged: the SKU price or a special (flash) price. */
  unit_price_fen: DefaultedBigint;
  /** sku | flash | group | presale */
  price_source: DefaultedText;
  threshold_discount_fen: DefaultedBigint;
  coupon_discount_fen: DefaultedBigint;
  /** What the shopper paid for the line: price x quantity less any order discount allocated to it. */
  paid_fen: DefaultedBigint;
  /** The product's category when ordered. */
  category_id: OptionalText;
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

export interface PlansTable {
  code: string;
  enabled: bigint;
  params: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  in_use: bigint;
}

export interface PlanAuditTable {
  id: string;
  code: string;
  actor: string;
  action: string;
  enabled: bigint;
  params: string;
  acknowledgement: string | null;
  at: string;
}

export interface IncentiveEventsTable {
  seq: bigint;
  type: string;
  user_id: string;
  referrer_id: string | null;
  order_id: string | null;
  amount_fen: bigint | null;
  units: bigint | null;
  plans: string | null;
  at: string;
}

export interface PositionsTable {
  order_id: string;
  plan: string;
  user_id: string;
  ordinal: bigint;
  units: bigint;
  cap_fen: bigint;
  realized_fen: bigint;
  paid_fen: bigint;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface PoolStateTable {
  plan: string;
  cash_fen: bigint;
  supply_units: bigint;
  updated_at: string;
}

export interface PoolHistoryTable {
  seq: bigint;
  plan: string;
  cash_fen: bigint;
  supply_units: bigint;
  at: string;
}

export interface ReferralProgressTable {
  user_id: string;
  merchant: bigint;
  base_fen: bigint;
  reward_count: bigint;
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
  plans: PlansTable;
  plan_audit: PlanAuditTable;
  incentive_events: IncentiveEventsTable;
  positions: PositionsTable;
  pool_state: PoolStateTable;
  pool_history: PoolHistoryTable;
  referral_progress: ReferralProgressTable;
  idempotency: IdempotencyTable;
  locks: LocksTable;
  addresses: AddressesTable;
  freight_templates: FreightTemplatesTable;
  coupon_templates: CouponTemplatesTable;
  coupons: CouponsTable;
  spend_thresholds: SpendThresholdsTable;
  flash_sales: FlashSalesTable;
  flash_reservations: FlashReservationsTable;
}
