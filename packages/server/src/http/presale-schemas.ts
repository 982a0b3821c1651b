import { arr, int, nullable, obj, str, type Schema } from './schemas';

/** The presale's schemas: a presale with its rules (shop and admin), the admin's counts, an order's presale part. */
const ruleSchema: Schema = obj(
  { code: str({ enum: ['deposit', 'balance', 'refund', 'forfeit', 'promotions'] }), zh: str(), en: str() },
  ['code', 'zh', 'en'],
);

export const presaleSchema: Schema = obj(
  {
    id: str(),
    productId: str(),
    skuId: str(),
    title: str(),
    skuName: str(),
    imageUrl: str(),
    skuPriceFen: int(),
    priceFen: int(),
    depositFen: int(),
    countsAsFen: int(),
    balanceFen: int(),
    totalPaidFen: int(),
    depositStartsAt: str(),
    depositEndsAt: str(),
    balanceStartsAt: str(),
    balanceEndsAt: str(),
    status: str({ enum: ['scheduled', 'cancelled'] }),
    phase: str({ enum: ['upcoming', 'deposit', 'waiting_balance', 'balance', 'ended', 'cancelled'] }),
    rules: arr(ruleSchema),
  },
  ['id', 'productId', 'skuId', 'priceFen', 'depositFen', 'countsAsFen', 'balanceFen', 'phase', 'rules'],
);

const countsSchema: Schema = obj(
  {
    depositsPaid: int(),
    balancesPaid: int(),
    forfeited: int(),
    refunded: int(),
    depositFen: int(),
    balanceFen: int(),
    forfeitedFen: int(),
  },
  ['depositsPaid', 'balancesPaid', 'forfeited', 'refunded'],
);

export const adminPresaleSchema: Schema = obj(
  { ...(presaleSchema.properties as Record<string, Schema>), counts: countsSchema },
  ['id', 'phase', 'counts'],
);

export const presaleOrderSchema: Schema = obj(
  {
    presaleId: str(),
    quantity: int(),
    depositFen: int(),
    balanceFen: int(),
    status: str({
      enum: ['awaiting_deposit', 'deposit_paid', 'balance_paid', 'deposit_refunded', 'forfeited', 'cancelled'],
    }),
    balanceStartsAt: str(),
    balanceEndsAt: str(),
    depositPaidAt: nullable(str()),
    balancePaidAt: nullable(str()),
    next: str({ enum: ['pay_deposit', 'pay_balance', 'wait_balance', 'none'] }),
  },
  ['presaleId', 'depositFen', 'balanceFen', 'status', 'next'],
);
