/** The checkout's answers as the web apps read them (amounts in fen as JSON numbers). */
export interface SavedAddress {
  id: string;
  name: string;
  phone: string;
  region: string[];
  detail: string;
  isDefault: boolean;
}

export type PricingScope =
  { kind: 'all' } | { kind: 'products'; productIds: string[] } | { kind: 'categories'; categoryIds: string[] };

export type CouponValidity =
  { kind: 'fixed'; validFromMs: number; expiresAtMs: number } | { kind: 'daysFromClaim'; days: number };

export interface CouponTerms {
  kind: 'fixed' | 'percentage';
  valueFen: number;
  offBps: number;
  capFen: number | null;
  thresholdFen: number;
  scope: PricingScope;
  validity: CouponValidity;
}

export interface ShopperCoupon extends CouponTerms {
  id: string;
  templateId: string;
  name: string;
  status: 'unused' | 'used' | 'expired';
  orderId: string | null;
  validFrom: string;
  expiresAt: string;
}

export interface CentreCoupon extends CouponTerms {
  id: string;
  name: string;
  totalQuantity: number;
  issued: number;
  perUserLimit: number;
  held: number;
  canClaim: boolean;
}

export interface CouponTemplate extends CouponTerms {
  id: string;
  name: string;
  totalQuantity: number;
  issued: number;
  used: number;
  perUserLimit: number;
  claimable: boolean;
  newShopperGift: boolean;
  status: 'active' | 'stopped';
  createdAt: string;
}

export interface QuoteLine {
  skuId: string;
  productId: string;
  title: string;
  skuName: string;
  imageUrl: string;
  quantity: number;
  unitPriceFen: number;
  priceSource: string;
  amountFen: number;
  thresholdDiscountFen: number;
  couponDiscountFen: number;
  paidFen: number;
  flashSaleId: string | null;
}

export interface Quote {
  lines: QuoteLine[];
  subtotalFen: number;
  thresholdDiscountFen: number;
  couponDiscountFen: number;
  discountFen: number;
  goodsPaidFen: number;
  shippingFen: number;
  shippingKnown: boolean;
  totalFen: number;
  paymentRequired: boolean;
  threshold: {
    activityId: string;
    applied: boolean;
    reason: string | null;
    discountFen: number;
    thresholdFen: number | null;
    next: { thresholdFen: number; offFen: number; missingFen: number } | null;
  } | null;
  couponId: string | null;
}

export interface CouponChoice {
  coupon: {
    id: string;
    name: string;
    kind: 'fixed' | 'percentage';
    valueFen: number;
    offBps: number;
    capFen: number | null;
    thresholdFen: number;
    expiresAt: string | null;
  };
  usable: boolean;
  reason: string | null;
  missingFen: number;
  couponDiscountFen: number;
  discountFen: number;
  totalFen: number;
  best: boolean;
}

export interface SpendTier {
  thresholdFen: number;
  offFen: number;
}

export interface SpendThreshold {
  id: string;
  name: string;
  tiers: SpendTier[];
  scope: PricingScope;
  startsAt: string;
  endsAt: string;
  status?: 'active' | 'stopped';
  orders?: number;
  discountFen?: number;
}

export interface FlashSale {
  id: string;
  productId: string;
  skuId: string;
  title: string;
  skuName: string;
  imageUrl: string;
  skuPriceFen: number;
  priceFen: number;
  quantity: number;
  sold: number;
  reserved: number;
  remaining: number;
  perUserLimit: number;
  timeoutMinutes: number;
  startsAt: string;
  endsAt: string;
  state: 'upcoming' | 'running' | 'ended' | 'cancelled';
}

export interface Promotions {
  spendThresholds: SpendThreshold[];
  flashSales: FlashSale[];
  serverTime: string;
}

export interface FreightCharge {
  firstUnits: number;
  firstFeeFen: number;
  additionalUnits: number;
  additionalFeeFen: number;
  freeOverFen?: number | null;
}

export interface FreightTemplate {
  id: string;
  name: string;
  basis: 'piece' | 'weight';
  defaultCharge: FreightCharge;
  regionCharges: { regions: string[][]; charge: FreightCharge }[];
  notDelivered: string[][];
  productCount: number;
}

/** Whether a promotion's scope covers a product (its category included). */
export function scopeCovers(scope: PricingScope, productId: string, categoryId: string | null | undefined): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'products') return scope.productIds.includes(productId);
  return categoryId !== null && categoryId !== undefined && scope.categoryIds.includes(categoryId);
}
