/**
 * The HTTP API's answers as the web apps read them (amounts in fen, points in micro-points, as JSON numbers or,
 * where they may exceed 2^53, strings). One source for both apps: shop answers first, then the admin's.
 */
// Shared
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type Localized = string | { zh: string; en: string };

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Category {
  id: string;
  name: string;
}

export interface Address {
  name: string;
  phone: string;
  region: string[];
  detail: string;
}

export interface OrderItem {
  skuId: string;
  productId: string;
  title: string;
  skuName: string;
  priceFen: number;
  quantity: number;
}

export interface Transition {
  from: string | null;
  to: string;
  at: string;
  actor: string;
}

export interface Position {
  orderId: string;
  units: number | string;
  capFen: number;
  realizedFen: number;
  paidFen?: number;
  status: string;
  valueFen: number;
  createdAt?: string;
}

export interface PricePoint {
  at: string;
  cashFen: number;
  supplyUnits: number | string;
  priceFenPerPoint: number | string;
}

export interface Settings {
  afterSalesDays: number;
  withdrawMinFen: number;
  withdrawFeeBps: number;
  unpaidTimeoutMinutes: number;
  maxUnpaidOrders: number;
  /** demo: payments are simulated by the sandbox gateway. */
  environment?: 'demo' | 'production';
}

// Shop
export interface ShopUser {
  id: string;
  phone?: string;
  inviteCode: string;
  referrer?: { id: string; phoneMasked: string } | null;
  merchant?: boolean;
}

export interface Sku {
  id: string;
  name: string;
  priceFen: number;
  stock: number;
}

export interface Product {
  id: string;
  title: string;
  subtitle?: string;
  description?: string;
  imageUrl?: string;
  images?: string[];
  categoryId?: string;
  skus: Sku[];
  plans: string[];
}

export interface Order {
  id: string;
  status: string;
  amountFen: number;
  items: OrderItem[];
  address?: Address;
  createdAt: string;
  paidAt?: string | null;
  transitions?: Transition[];
  refund?: { status: string; reason: string } | null;
  payment?: { id: string; channel: string; status: string } | null;
  shipment?: { carrier: string; trackingNo: string } | null;
}

export interface Payment {
  id: string;
  channel: string;
  amountFen: number;
  status: string;
  payUrl?: string;
  orderId?: string;
  merchantName?: string;
}

export interface WalletEntry {
  id: string;
  amountFen: number;
  reason: string;
  orderId?: string | null;
  createdAt: string;
}

export interface Wallet {
  balanceFen: number;
  /** Simulated (sandbox) money in the balance: shown, never paid out for real. */
  simulatedFen?: number;
  pendingFen: number;
  entries: WalletEntry[];
}

export interface Positions {
  priceFenPerPoint: number | string;
  cashFen: number;
  supplyUnits: number | string;
  positions: Position[];
}

export interface RedeemQuote {
  grossFen: number;
  feeFen: number;
  paidFen: number;
}

export interface Invitee {
  id: string;
  phoneMasked: string;
  joinedAt: string;
  merchant: boolean;
}

export interface Invitations {
  inviteCode: string;
  referrer: { id: string; phoneMasked: string } | null;
  invitees: Invitee[];
  cycle: {
    enabled: boolean;
    merchant: boolean;
    baseFen: number;
    rewardCount: number;
    ratesBps: number[];
    nextRateBps: number | null;
  };
}

export interface Withdrawal {
  id: string;
  amountFen: number;
  feeFen: number;
  channel: string;
  status: string;
  reason?: string | null;
  createdAt: string;
  /** Simulated (sandbox) money in it: paid back to the sandbox in demo mode, refused in production. */
  simulatedFen?: number;
}

export interface RulePlan {
  code: string;
  title: Localized;
  summary: Localized;
  params: Record<string, JsonValue>;
}

export interface RuleExampleStep {
  buyer: string;
  amountFen: number;
  rewards: { user: string; reason: string; amountFen: number }[];
  pool: { cashFen: number; supplyUnits: number | string };
}

export interface Rules {
  plans: RulePlan[];
  pool: { cashFen: number; supplyUnits: number | string; priceFenPerPoint: number | string };
  example: { description?: string; steps?: RuleExampleStep[] } | null;
}

// Admin
export interface Staff {
  id: string;
  username: string;
  role: 'admin' | 'operator' | 'finance' | string;
  permissions: string[];
}

export interface AdminSku {
  id?: string;
  name: string;
  priceFen: number;
  costFen: number;
  stock: number;
}

export interface AdminProduct {
  id: string;
  title: string;
  subtitle?: string;
  description?: string;
  categoryId?: string | null;
  onShelf: boolean;
  purchaseLimit?: number;
  imageUrl?: string;
  skus: AdminSku[];
  plans: string[];
  freightTemplateId?: string | null;
}

export interface Warning {
  code: string;
  message: string;
}

export interface AdminOrder extends Order {
  userId: string;
  userPhone?: string;
}

export interface AdminUser {
  id: string;
  phone: string;
  inviteCode: string;
  referrerId?: string | null;
  merchant: boolean;
  createdAt: string;
  balanceFen: number;
}

export interface UserDetail {
  user: AdminUser & { referrer?: { id: string; phone?: string; phoneMasked?: string } | null };
  wallet: { balanceFen: number; pendingFen: number };
  positions: Position[];
  cycle: Record<string, JsonValue>;
  inviteeCount: number;
}

export interface AdminInvitee {
  id: string;
  phone: string;
  merchant: boolean;
  inviteeCount: number;
}

export interface ParamSpec {
  kind: 'bps' | 'fen' | 'integer' | 'bpsList' | 'choice';
  default: JsonValue;
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  choices?: { value: string; label: { zh: string; en: string } }[];
  label: { zh: string; en: string };
  help?: { zh: string; en: string };
}

export interface Plan {
  code: string;
  title: string | { zh: string; en: string };
  summary: string | { zh: string; en: string };
  highRisk: boolean;
  enabled: boolean;
  acknowledgedAt?: string | null;
  acknowledgedBy?: string | null;
  params: Record<string, JsonValue>;
  schema: Record<string, ParamSpec>;
}

export interface AdminWithdrawal extends Withdrawal {
  userId: string;
  userPhone?: string;
}

export interface LedgerEntry {
  id: string;
  transferId: string;
  from: string;
  to: string;
  amountFen: number;
  reason: string;
  createdAt: string;
}

export interface Dashboard {
  salesFen: number;
  orderCount: number;
  paidOrderCount: number;
  userCount: number;
  payoutsByPlan: Record<string, number>;
  pool: { cashFen: number; supplyUnits: number | string; priceFenPerPoint: number | string };
  salesByDay: { day: string; salesFen: number; orders: number }[];
  exitsByDay: { day: string; count: number; paidFen: number }[];
  priceHistory: Pick<PricePoint, 'at' | 'priceFenPerPoint'>[];
}

export interface AuditResult {
  ok: boolean;
  events?: number;
  differences: unknown[];
}

export interface Simulation {
  status: 'running' | 'done' | 'failed';
  progress: number;
  summary?: Record<string, unknown> | null;
  series?: unknown;
  error?: unknown;
}
