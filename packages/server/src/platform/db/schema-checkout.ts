import type { ColumnType } from 'kysely';

/** Tables of the checkout (migration 0007): addresses, freight templates, coupons, 满减, flash sales. */
export interface AddressesTable {
  id: string;
  user_id: string;
  name: string;
  phone: string;
  /** JSON array of 1 to 3 names: province, city, district. */
  region: string;
  detail: string;
  is_default: bigint;
  created_at: string;
  updated_at: string;
}

export interface FreightTemplatesTable {
  id: string;
  name: string;
  /** piece | weight */
  basis: string;
  /** JSON: defaultCharge, regionCharges, notDelivered; amounts and units as decimal strings. */
  rules: string;
  created_at: string;
  updated_at: string;
}

export interface CouponTemplatesTable {
  id: string;
  name: string;
  /** fixed | percentage */
  kind: string;
  value_fen: bigint;
  off_bps: bigint;
  cap_fen: bigint | null;
  threshold_fen: bigint;
  /** JSON PricingScope. */
  scope: string;
  /** JSON CouponValidity. */
  validity: string;
  /** 0: no limit. */
  total_quantity: bigint;
  issued: bigint;
  /** 0: no limit. */
  per_user_limit: bigint;
  /** Shown in the claim centre (领券中心). */
  claimable: bigint;
  /** Granted to every shopper who registers (新人礼). */
  new_shopper_gift: bigint;
  /** active | stopped */
  status: string;
  created_at: string;
}

export interface CouponsTable {
  id: string;
  template_id: string;
  user_id: string;
  /** claim | grant | gift */
  source: string;
  /** unused | used */
  status: string;
  order_id: string | null;
  valid_from: string;
  expires_at: string;
  claimed_at: string;
  used_at: string | null;
}

export interface SpendThresholdsTable {
  id: string;
  name: string;
  /** JSON [{thresholdFen, offFen}] as decimal strings. */
  tiers: string;
  scope: string;
  starts_at: string;
  ends_at: string;
  /** active | stopped */
  status: string;
  created_at: string;
}

export interface FlashSalesTable {
  id: string;
  product_id: string;
  sku_id: string;
  price_fen: bigint;
  /** Units set aside from the SKU's stock for the sale. */
  quantity: bigint;
  sold: bigint;
  reserved: bigint;
  /** 0: no limit. */
  per_user_limit: bigint;
  timeout_minutes: bigint;
  starts_at: string;
  ends_at: string;
  /** active | ended (leftover units went back to the SKU's stock) | cancelled */
  status: string;
  created_at: string;
}

export interface FlashReservationsTable {
  order_id: string;
  sale_id: string;
  user_id: string;
  quantity: bigint;
  /** reserved | paid | released */
  status: string;
  created_at: string;
}

/** A BIGINT column with a default: optional on insert. */
export type DefaultedBigint = ColumnType<bigint, bigint | undefined, bigint>;
/** A nullable text column added later: optional on insert. */
export type OptionalText = ColumnType<string | null, string | null | undefined, string | null>;
export type DefaultedText = ColumnType<string, string | undefined, string>;
