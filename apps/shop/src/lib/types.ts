export interface ShopUser {
  id: string;
  phone?: string;
  inviteCode: string;
  referrer?: { id: string; phoneMasked: string } | null;
  merchant?: boolean;
}

export interface Category {
  id: string;
  name: string;
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
}

export interface ShopSettings {
  withdrawMinFen: number;
  withdrawFeeBps: number;
  afterSalesDays: number;
  unpaidTimeoutMinutes: number;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type Localized = string | { zh: string; en: string };

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

export interface PricePoint {
  at: string;
  cashFen: number;
  supplyUnits: number | string;
  priceFenPerPoint: number | string;
}
