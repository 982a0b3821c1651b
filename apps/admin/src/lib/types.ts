export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Staff {
  id: string;
  username: string;
  role: 'admin' | 'operator' | 'finance' | string;
  permissions: string[];
}

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
}

export interface Warning {
  code: string;
  message: string;
}

export interface Transition {
  from: string | null;
  to: string;
  at: string;
  actor: string;
}

export interface AdminOrder {
  id: string;
  status: string;
  amountFen: number;
  userId: string;
  userPhone?: string;
  items: { skuId: string; productId: string; title: string; skuName: string; priceFen: number; quantity: number }[];
  address?: { name: string; phone: string; region: string[]; detail: string };
  createdAt: string;
  paidAt?: string | null;
  transitions?: Transition[];
  refund?: { status: string; reason: string } | null;
  payment?: { id: string; channel: string; status: string } | null;
  shipment?: { carrier: string; trackingNo: string } | null;
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

export interface UserDetail {
  user: AdminUser & { referrer?: { id: string; phone?: string; phoneMasked?: string } | null };
  wallet: { balanceFen: number; pendingFen: number };
  positions: Position[];
  cycle: Record<string, JsonValue>;
  inviteeCount: number;
}

export interface Invitee {
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

export interface AdminWithdrawal {
  id: string;
  userId: string;
  userPhone?: string;
  amountFen: number;
  feeFen: number;
  channel: string;
  status: string;
  reason?: string | null;
  createdAt: string;
  /** Simulated (sandbox) money in it: paid back to the sandbox in demo mode, refused in production. */
  simulatedFen?: number;
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

export interface PricePoint {
  at: string;
  cashFen?: number;
  supplyUnits?: number | string;
  priceFenPerPoint: number | string;
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
  priceHistory: PricePoint[];
}

export interface Settings {
  afterSalesDays: number;
  withdrawMinFen: number;
  withdrawFeeBps: number;
  unpaidTimeoutMinutes: number;
  maxUnpaidOrders: number;
  environment?: 'demo' | 'production';
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
