import type { JsapiParams } from './payment-types';

/**
 * The HTTP API's answers as the web apps read them (amounts in fen, points in micro-points, as JSON numbers or,
 * where they may exceed 2^53, strings). One source for both apps: shop answers first, then the admin's.
 */

export type * from './plan-types';

// Shared
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
  /** null: a top-level category; the tree has two levels. */
  parentId?: string | null;
  iconUrl?: string;
  sort?: number;
}

export interface SpecAttribute {
  name: string;
  values: string[];
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
  /** What the shopper paid for the line (price x quantity less any order discount allocated to it). */
  paidFen?: number;
  refundedQuantity?: number;
  refundedFen?: number;
  /** Where the unit price came from: the SKU, a flash sale, a group buy or a presale. */
  priceSource?: 'sku' | 'flash' | 'group' | 'presale';
}

export interface Transition {
  from: string | null;
  to: string;
  at: string;
  actor: string;
}

export interface Position {
  campaign?: string;
  orderId: string;
  units: number | string;
  capFen: number;
  realizedFen: number;
  paidFen?: number;
  status: string;
  valueFen: number;
  createdAt?: string;
}

export interface Settings {
  afterSalesDays: number;
  withdrawMinFen: number;
  withdrawFeeBps: number;
  unpaidTimeoutMinutes: number;
  maxUnpaidOrders: number;
  /** Shipped orders are received automatically this many days after shipping. */
  autoReceiveDays?: number;
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
  imageUrl?: string;
  /** One value per spec attribute of the product, in order. */
  specValues?: string[];
}

/** A campaign running on a product, as shoppers see it: its rules section is /rules?campaign={id}. */
export interface PublicCampaign {
  id: string;
  plan: string;
  name: string;
  title: { zh: string; en: string };
  endsAt: string | null;
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
  /** Plan codes of the live campaigns covering it. */
  plans: string[];
  specs?: SpecAttribute[];
  campaigns?: PublicCampaign[];
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
  shipment?: { carrier: string; carrierName?: string; trackingNo: string } | null;
  /** Refunded before settlement, line by line. */
  refundedFen?: number;
  afterSales?: { id: string; kind: string; status: string; amountFen: number }[];
}

export interface Payment {
  id: string;
  channel: string;
  amountFen: number;
  status: string;
  /** The sandbox page (a storefront hash URL), WeChat's H5 cashier or Alipay's cashier. */
  payUrl?: string;
  /** WeChat Native: the weixin:// link to show as a QR code. */
  codeUrl?: string;
  /** WeChat JSAPI: what WeixinJSBridge getBrandWCPayRequest takes. */
  jsapiParams?: JsapiParams;
  orderId?: string;
  merchantName?: string;
}

export interface WalletEntry {
  id: string;
  amountFen: number;
  reason: string;
  orderId?: string | null;
  createdAt: string;
  /** The campaign that paid a reward; the reason's label from core (a reward's from its plan). */
  plan?: string | null;
  campaign?: string | null;
  label?: { zh: string; en: string } | null;
}

export interface Wallet {
  balanceFen: number;
  /** Simulated (sandbox) money in the balance: shown, never paid out for real. */
  simulatedFen?: number;
  pendingFen: number;
  entries: WalletEntry[];
}

export interface PoolSummary {
  campaign: string;
  name: string;
  status: string;
  cashFen: number;
  supplyUnits: number | string;
  priceFenPerPoint: number | string;
}

export interface Positions {
  campaign?: string | null;
  priceFenPerPoint: number | string;
  cashFen: number;
  supplyUnits: number | string;
  pools?: PoolSummary[];
  positions: Position[];
}

export interface RedeemQuote {
  campaign?: string;
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

/** The shopper's place in one referral-cycle campaign. */
export interface CycleProgress {
  campaign: string;
  name: string;
  status: string;
  merchant: boolean;
  baseFen: number;
  rewardCount: number;
  ratesBps: number[];
  nextRateBps: number;
}

export interface Invitations {
  inviteCode: string;
  referrer: { id: string; phoneMasked: string } | null;
  invitees: Invitee[];
  cycles: CycleProgress[];
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
  payee?: string | null;
  /** wechat / alipay (a gateway transfer) or manual. */
  payoutChannel?: string | null;
  /** A WeChat transfer waiting for the payee: what wx.requestMerchantTransfer takes. */
  packageInfo?: string | null;
  failureReason?: string | null;
}

// Admin
export interface Staff {
  id: string;
  username: string;
  role: 'admin' | 'operator' | 'finance' | string;
  /** The role's name as the admin console shows it (custom roles have their own). */
  roleName?: { zh: string; en: string };
  permissions: string[];
  totpEnabled?: boolean;
}

export type Link =
  | { kind: 'none' }
  | { kind: 'product' | 'category' | 'url'; target: string }
  | { kind: 'page'; target: 'rules' | 'invite' | 'points' | 'wallet' };

export interface BannerItem {
  imageUrl: string;
  title: string;
  link: Link;
}

/** A section as the storefront renders it: with the products and categories it shows. */
export type HomeSection =
  | { type: 'banner'; items: BannerItem[] }
  | { type: 'entries' }
  | { type: 'notice'; text: string }
  | { type: 'categories'; title: string; categories: Category[] }
  | { type: 'products'; title: string; products: Product[] }
  | { type: 'campaign'; title: string; plan: string; text: string; imageUrl: string; products: Product[] };

export interface AdminSku {
  id?: string;
  name: string;
  priceFen: number;
  costFen: number;
  stock: number;
  code?: string;
  imageUrl?: string;
  specValues?: string[];
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
  images?: string[];
  skus: AdminSku[];
  specs?: SpecAttribute[];
  freightTemplateId?: string | null;
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
  /** Member level code (null: no ladder). */
  level?: string | null;
}

export interface UserDetail {
  user: AdminUser & { referrer?: { id: string; phone?: string; phoneMasked?: string } | null };
  wallet: { balanceFen: number; pendingFen: number };
  positions: Position[];
  cycles: CycleProgress[];
  inviteeCount: number;
  agencies?: { region: string[]; appointedAt: string }[];
}

export interface AdminInvitee {
  id: string;
  phone: string;
  merchant: boolean;
  inviteeCount: number;
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
  campaign?: string | null;
  version?: number | null;
  /** The reason's label from core's one table; null for a reason nobody declared (show the code). */
  label: { zh: string; en: string } | null;
}

export type * from './check-types';
export type * from './dashboard-types';
export * from './payment-types';
