/** JSON schema helpers: request bodies are closed objects, amounts are safe integers (converted to bigint in handlers). */
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
  return { type: 'object', properties, required, additionalProperties: !closed };
}

export const idParam = obj({ id: str({ minLength: 1, maxLength: 100 }) }, ['id']);
export const pageQuery: Record<string, Schema> = {
  page: int({ minimum: 1, maximum: 100000 }),
  pageSize: int({ minimum: 1, maximum: 200 }),
};

export const errorSchema: Schema = obj({ error: obj({ code: str(), message: str() }, ['code', 'message']) }, ['error']);

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
});

export const orderSchema: Schema = obj(
  {
    id: str(),
    userId: str(),
    userPhone: str(),
    status: str(),
    amountFen: int(),
    items: arr(orderItem),
    address: anyObject,
    createdAt: str(),
    paidAt: nullable(str()),
    receivedAt: nullable(str()),
    settledAt: nullable(str()),
    transitions: arr(obj({ from: str(), to: str(), at: str(), actor: str(), note: nullable(str()) })),
    refund: nullable(obj({ status: str(), reason: nullable(str()) })),
    payment: nullable(obj({ id: str(), channel: str(), status: str() })),
    shipment: nullable(obj({ carrier: str(), trackingNo: str() })),
  },
  ['id', 'status', 'amountFen'],
);

export const skuSchema: Schema = obj({ id: str(), name: str(), priceFen: int(), costFen: int(), stock: int() }, [
  'id',
  'priceFen',
  'stock',
]);

export const productSchema: Schema = obj(
  {
    id: str(),
    title: str(),
    subtitle: str(),
    description: str(),
    imageUrl: str(),
    images: arr(str()),
    categoryId: nullable(str()),
    onShelf: bool,
    skus: arr(skuSchema),
    purchaseLimit: int(),
  },
  ['id', 'title', 'skus'],
);

/** A campaign as shoppers see it on a product: what plan it runs and where its rules are. */
export const publicCampaignSchema: Schema = obj(
  { id: str(), plan: str(), name: str(), title: obj({ zh: str(), en: str() }), endsAt: nullable(str()) },
  ['id', 'plan', 'name'],
);

export const publicSkuSchema: Schema = obj({ id: str(), name: str(), priceFen: int(), stock: int() }, [
  'id',
  'priceFen',
  'stock',
]);
/** `plans` are the plan codes of the live campaigns covering the product (SPEC 6), `campaigns` those campaigns. */
export const publicProductSchema: Schema = {
  ...productSchema,
  properties: {
    ...(productSchema.properties as Schema),
    skus: arr(publicSkuSchema),
    plans: arr(str()),
    campaigns: arr(publicCampaignSchema),
  },
  required: ['id', 'title', 'skus', 'plans'],
};

export const paymentSchema: Schema = obj(
  { id: str(), orderId: str(), channel: str(), amountFen: int(), status: str(), payUrl: str(), merchantName: str() },
  ['id', 'status'],
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
});

export const redeemAnswer: Schema = obj({ campaign: str(), grossFen: int(), feeFen: int(), paidFen: int() }, [
  'grossFen',
  'feeFen',
  'paidFen',
]);

export const list = (item: Schema, paged = true): Schema =>
  obj(paged ? { items: arr(item), total: int(), page: int(), pageSize: int() } : { items: arr(item) }, ['items']);

export const settingsSchema: Schema = obj(
  {
    afterSalesDays: int(),
    withdrawMinFen: int(),
    withdrawFeeBps: int(),
    unpaidTimeoutMinutes: int(),
    maxUnpaidOrders: int(),
    periodKind: str({ enum: ['day', 'week', 'month'] }),
    environment: str({ enum: ['demo', 'production'] }),
  },
  [],
);

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

/** Options of an admin route: its summary, request schemas and the 200 answer's schema. */
export function adminRoute(summary: string, extra: Record<string, unknown> = {}, response?: Schema) {
  return {
    schema: { tags: ['admin'], summary, ...extra, ...(response === undefined ? {} : { response: { 200: response } }) },
  };
}
