import { arr, bool, int, nullable, obj, str, type Schema } from './schemas';

export const paymentSchema: Schema = obj(
  {
    id: str(),
    orderId: str(),
    channel: str(),
    amountFen: int(),
    status: str(),
    payUrl: str(),
    codeUrl: str(),
    jsapiParams: obj({
      appId: str(),
      timeStamp: str(),
      nonceStr: str(),
      package: str(),
      signType: str(),
      paySign: str(),
    }),
    merchantName: str(),
  },
  ['id', 'status'],
);

/** Answer schemas of the after-sales, payment configuration and reconciliation routes. */
export const afterSaleSchema: Schema = obj(
  {
    id: str(),
    orderId: str(),
    userId: str(),
    userPhone: str(),
    kind: str({ enum: ['refund_only', 'return_refund', 'goodwill'] }),
    status: str(),
    open: bool,
    reason: str(),
    decisionNote: nullable(str()),
    amountFen: int(),
    destination: str(),
    restock: bool,
    returnShipment: nullable(obj({ carrier: str(), trackingNo: str() })),
    refund: nullable(obj({ id: str(), status: str(), channel: str(), failureReason: nullable(str()) })),
    lines: arr(obj({ line: int(), title: str(), skuName: str(), quantity: int(), amountFen: int() })),
    transitions: arr(obj({ from: str(), to: str(), at: str(), actor: str(), note: nullable(str()) })),
    createdAt: str(),
    updatedAt: str(),
  },
  ['id', 'status'],
);

export const afterSaleAnswer: Schema = obj({ afterSale: afterSaleSchema }, ['afterSale']);

export const lineRequests: Schema = arr(
  obj({ line: int({ minimum: 0, maximum: 1000 }), quantity: int({ minimum: 1, maximum: 1000 }) }, ['line', 'quantity']),
  { minItems: 1, maxItems: 50 },
);

export const refundChoice: Record<string, Schema> = {
  note: str({ maxLength: 500 }),
  destination: str({ enum: ['original', 'wallet'] }),
  restock: bool,
};

export const gatewaySummarySchema: Schema = obj({
  gateway: str(),
  channels: arr(str()),
  merchantId: str(),
  appId: str(),
  notifyUrl: str(),
  apiBaseUrl: str(),
  verifiers: arr(str()),
  oauth: bool,
  transfers: bool,
});

const totals: Schema = obj({ payments: int(), paidFen: int(), refunds: int(), refundFen: int() });

export const reconciliationSchema: Schema = obj(
  {
    id: str(),
    gateway: str(),
    billDate: str(),
    source: str(),
    createdBy: str(),
    createdAt: str(),
    matched: int(),
    bill: totals,
    ours: totals,
    differences: arr(
      obj({
        kind: str({ enum: ['missing_ours', 'missing_theirs', 'amount_mismatch'] }),
        record: str({ enum: ['payment', 'refund'] }),
        outTradeNo: str(),
        outRefundNo: nullable(str()),
        oursFen: nullable(int()),
        theirsFen: nullable(int()),
      }),
    ),
  },
  ['id', 'differences'],
);

export const refundSchema: Schema = obj({
  id: str(),
  orderId: str(),
  paymentId: str(),
  afterSaleId: nullable(str()),
  channel: str(),
  amountFen: int(),
  source: str(),
  destination: str(),
  status: str(),
  failureReason: nullable(str()),
  createdAt: str(),
  completedAt: nullable(str()),
});
