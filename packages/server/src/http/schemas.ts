import { PHONE_PATTERN } from '../platform/identity/shoppers';

/**
 * JSON schema helpers: request bodies and query strings are closed objects (an unknown field is 422 unknown_field),
 * amounts are safe integers (converted to bigint in handlers). What they emit is also the OpenAPI 3.0 document, so
 * they emit only what OpenAPI 3.0 allows (no empty `required`, null as `nullable`).
 */
export type Schema = Record<string, unknown>;

export const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
export const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
export const bool: Schema = { type: 'boolean' };
export const fen: Schema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
export const positiveFen: Schema = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
export const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
export const arr = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
export const anyObject: Schema = { type: 'object', additionalProperties: true };

export function obj(properties: Record<string, Schema>, required: string[] = [], closed = true): Schema {
  // OpenAPI 3.0 forbids an empty `required`; no list says the same.
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: !closed };
}

/** The ids the server makes (`ord_01J...`) and the demo's codes: letters, digits, `_` and `-`. */
export const ID_PATTERN = '^[A-Za-z0-9_-]+$';
export const id = (maxLength = 100): Schema => str({ minLength: 1, maxLength, pattern: ID_PATTERN });
/** A shopper's mobile number, as registration checks it. */
export const phone: Schema = str({ minLength: 6, maxLength: 16, pattern: PHONE_PATTERN });

export const idParam = obj({ id: id() }, ['id']);

/**
 * The `Idempotency-Key` header. Required where the handler refuses a request without one (a missing or empty key is
 * 400 idempotency_key_required), optional where it only deduplicates.
 */
export const idempotencyKeyHeader = (required: boolean): Schema =>
  obj({ 'idempotency-key': str({ minLength: 1, maxLength: 100 }) }, required ? ['idempotency-key'] : [], false);
export const pageQuery: Record<string, Schema> = {
  page: int({ minimum: 1, maximum: 100000 }),
  pageSize: int({ minimum: 1, maximum: 200 }),
};

/**
 * The one error shape; `codes` lists the codes this answer can carry (the document's enum). `requestId` names the
 * request in the logs (also the X-Request-Id header).
 */
export const errorSchema = (codes?: readonly string[]): Schema =>
  obj(
    {
      error: obj({ code: str(codes === undefined ? {} : { enum: [...codes] }), message: str(), requestId: str() }, [
        'code',
        'message',
      ]),
    },
    ['error'],
  );

export const userSchema: Schema = obj(
  {
    id: str(),
    phone: str(),
    inviteCode: str(),
    referrer: nullable(obj({ id: str(), phoneMasked: str() })),
    merchant: bool,
  },
  ['id', 'inviteCode'],
);

export const authAnswer: Schema = obj({ token: str(), user: userSchema }, ['token', 'user']);

const orderItem = obj({
  skuId: str(),
  productId: str(),
  title: str(),
  skuName: str(),
  priceFen: int(),
  quantity: int(),
  paidFen: int(),
  refundedQuantity: int(),
  refundedFen: int(),
  unitPriceFen: int(),
  priceSource: str({ enum: ['sku', 'flash', 'group', 'presale'] }),
  thresholdDiscountFen: int(),
  couponDiscountFen: int(),
  flashSaleId: nullable(str()),
});

export const orderSchema: Schema = obj(
  {
    id: str(),
    userId: str(),
    userPhone: str(),
    status: str(),
    amountFen: int(),
    subtotalFen: int(),
    discountFen: int(),
    shippingFen: int(),
    couponId: nullable(str()),
    items: arr(orderItem),
    address: anyObject,
    createdAt: str(),
    paidAt: nullable(str()),
    receivedAt: nullable(str()),
    settledAt: nullable(str()),
    transitions: arr(obj({ from: str(), to: str(), at: str(), actor: str(), note: nullable(str()) })),
    refund: nullable(obj({ status: str(), reason: nullable(str()) })),
    refundedFen: int(),
    afterSales: arr(obj({ id: str(), kind: str(), status: str(), amountFen: int() })),
    payment: nullable(obj({ id: str(), channel: str(), status: str() })),
    shipment: nullable(obj({ carrier: str(), carrierName: str(), trackingNo: str() })),
  },
  ['id', 'status', 'amountFen'],
);

export const walletSchema: Schema = obj(
  {
    balanceFen: int(),
    simulatedFen: int(),
    pendingFen: int(),
    entries: arr(
      obj({
        id: str(),
        amountFen: int(),
        reason: str(),
        orderId: nullable(str()),
        createdAt: str(),
        plan: nullable(str()),
        campaign: nullable(str()),
        label: nullable(obj({ zh: str(), en: str() })),
      }),
    ),
  },
  ['balanceFen', 'pendingFen', 'entries'],
);

export const positionSchema: Schema = obj({
  campaign: str(),
  orderId: str(),
  userId: str(),
  units: int(),
  capFen: int(),
  realizedFen: int(),
  paidFen: int(),
  status: str(),
  valueFen: int(),
  createdAt: str(),
});

const poolSchema: Schema = obj({
  campaign: str(),
  name: str(),
  status: str(),
  cashFen: int(),
  supplyUnits: int(),
  priceFenPerPoint: { type: 'number' },
});

/** The top-level pool numbers are the asked pool's, or the default pool's; `pools` lists every pool shown. */
export const positionsSchema: Schema = obj(
  {
    campaign: nullable(str()),
    priceFenPerPoint: { type: 'number' },
    cashFen: int(),
    supplyUnits: int(),
    pools: arr(poolSchema),
    positions: arr(positionSchema),
  },
  ['priceFenPerPoint', 'positions'],
);

export const withdrawalSchema: Schema = obj({
  id: str(),
  userId: str(),
  userPhone: str(),
  amountFen: int(),
  feeFen: int(),
  channel: str(),
  status: str(),
  reason: nullable(str()),
  createdAt: str(),
  updatedAt: str(),
  simulatedFen: int(),
  payee: nullable(str()),
  payoutChannel: nullable(str()),
  packageInfo: nullable(str()),
  failureReason: nullable(str()),
});

export const redeemAnswer: Schema = obj({ campaign: str(), grossFen: int(), feeFen: int(), paidFen: int() }, [
  'grossFen',
  'feeFen',
  'paidFen',
]);

/** One point of the pool's price path; the price is a display number beside the exact cash and supply. */
export const pricePointSchema: Schema = obj(
  { at: str(), cashFen: int(), supplyUnits: int(), priceFenPerPoint: { type: 'number' } },
  ['at', 'cashFen', 'supplyUnits', 'priceFenPerPoint'],
);

/** A file answer (CSV, XLSX): documented by its media types; the handler sends the bytes, nothing is serialised. */
export const fileAnswer = (...types: string[]): Schema => ({
  description: 'The file',
  content: Object.fromEntries(types.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
});
export const sheetAnswer = fileAnswer('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');

export const list = (item: Schema, paged = true): Schema =>
  obj(paged ? { items: arr(item), total: int(), page: int(), pageSize: int() } : { items: arr(item) }, ['items']);

export const settingsSchema: Schema = obj({
  afterSalesDays: int(),
  withdrawMinFen: int(),
  withdrawFeeBps: int(),
  unpaidTimeoutMinutes: int(),
  maxUnpaidOrders: int(),
  autoReceiveDays: int(),
  periodKind: str({ enum: ['day', 'week', 'month'] }),
  environment: str({ enum: ['demo', 'production'] }),
});

export const addressSchema: Schema = obj(
  {
    name: str({ minLength: 1, maxLength: 50 }),
    phone: str({ minLength: 3, maxLength: 20 }),
    region: arr(str({ maxLength: 50 }), { minItems: 1, maxItems: 3 }),
    detail: str({ minLength: 1, maxLength: 200 }),
  },
  ['name', 'phone', 'region', 'detail'],
);

export const shopTags = ['shop'];
/** Documentation of a shop route anyone may call (no bearer token). */
export const publicShop = { tags: shopTags, security: [] };
