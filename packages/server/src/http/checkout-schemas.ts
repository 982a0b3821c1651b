import { arr, bool, fen, id, int, nullable, obj, positiveFen, str, type Schema } from './schemas';

/** The checkout's schemas: saved addresses, promotion scopes, tiers and validity, coupons, flash sales, lines. */
export const savedAddressSchema: Schema = obj(
  { id: str(), name: str(), phone: str(), region: arr(str()), detail: str(), isDefault: bool },
  ['id', 'name', 'phone', 'region', 'detail', 'isDefault'],
);

export const scopeSchema: Schema = obj(
  { kind: str({ enum: ['all', 'products', 'categories'] }), productIds: arr(id()), categoryIds: arr(id()) },
  ['kind'],
);

export const tierSchema: Schema = obj({ thresholdFen: fen, offFen: positiveFen }, ['thresholdFen', 'offFen']);

export const validitySchema: Schema = obj(
  {
    kind: str({ enum: ['fixed', 'daysFromClaim'] }),
    validFromMs: int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    expiresAtMs: int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    days: int({ minimum: 1, maximum: 3660 }),
  },
  ['kind'],
);

/** A coupon's terms as shoppers and staff read them. */
export const couponTermsProps: Record<string, Schema> = {
  kind: str({ enum: ['fixed', 'percentage'] }),
  valueFen: int(),
  offBps: int(),
  capFen: nullable(int()),
  thresholdFen: int(),
  scope: scopeSchema,
  validity: validitySchema,
};

export const shopperCouponSchema: Schema = obj(
  {
    id: str(),
    templateId: str(),
    name: str(),
    ...couponTermsProps,
    status: str({ enum: ['unused', 'used', 'expired'] }),
    orderId: nullable(str()),
    validFrom: str(),
    expiresAt: str(),
    claimedAt: str(),
  },
  ['id', 'name', 'kind', 'status', 'expiresAt'],
);

export const flashSaleSchema: Schema = obj(
  {
    id: str(),
    productId: str(),
    skuId: str(),
    title: str(),
    skuName: str(),
    imageUrl: str(),
    skuPriceFen: int(),
    priceFen: int(),
    quantity: int(),
    sold: int(),
    reserved: int(),
    remaining: int(),
    perUserLimit: int(),
    timeoutMinutes: int(),
    startsAt: str(),
    endsAt: str(),
    state: str({ enum: ['upcoming', 'running', 'ended', 'cancelled'] }),
  },
  ['id', 'skuId', 'priceFen', 'remaining', 'startsAt', 'endsAt', 'state'],
);

/** The lines of a checkout: a quote's and an order's. */
export const checkoutItemsSchema: Schema = arr(
  obj({ skuId: id(), quantity: int({ minimum: 1, maximum: 1000 }), flashSaleId: id() }, ['skuId', 'quantity']),
  { minItems: 1, maxItems: 50 },
);
