/** API shapes of payments (gateway channels, JSAPI), after-sales, payment configuration and reconciliation. */
export interface JsapiParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: string;
  paySign: string;
}

export interface PaymentChannels {
  channels: string[];
  wechatOauth: boolean;
  /** Public ids WeChat's in-page calls name; null when WeChat Pay is not configured. */
  wechat: { appId: string; mchId: string } | null;
}

/** 售后单: a refund (仅退款), a return (退货退款) or, by staff after settlement, a goodwill refund. */
export interface AfterSale {
  id: string;
  orderId: string;
  userId?: string;
  userPhone?: string;
  kind: 'refund_only' | 'return_refund' | 'goodwill';
  status: string;
  open: boolean;
  reason: string;
  decisionNote: string | null;
  amountFen: number;
  destination: string;
  restock: boolean;
  returnShipment: { carrier: string; trackingNo: string } | null;
  refund: { id: string; status: string; channel: string; failureReason: string | null } | null;
  lines: { line: number; title: string; skuName: string; quantity: number; amountFen: number }[];
  transitions: { from: string; to: string; at: string; actor: string; note: string | null }[];
  createdAt: string;
  updatedAt: string;
}

export interface GatewaySummary {
  gateway: string;
  channels: string[];
  merchantId: string;
  appId: string;
  notifyUrl: string;
  apiBaseUrl: string;
  verifiers: string[];
  oauth: boolean;
  transfers: boolean;
}

export interface PaymentsConfig {
  environment: string;
  sandbox: boolean;
  channels: string[];
  gateways: GatewaySummary[];
}

export interface GatewayPayment {
  id: string;
  orderId: string;
  channel: string;
  amountFen: number;
  refundedFen: number;
  status: string;
  gatewayTxnId: string | null;
  problem: string | null;
  createdAt: string;
  paidAt: string | null;
}

export interface Refund {
  id: string;
  orderId: string;
  paymentId: string;
  afterSaleId: string | null;
  channel: string;
  amountFen: number;
  source: string;
  destination: string;
  status: string;
  failureReason: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface ReconTotals {
  payments: number;
  paidFen: number;
  refunds: number;
  refundFen: number;
}

export interface Reconciliation {
  id: string;
  gateway: string;
  billDate: string;
  source: string;
  createdBy: string;
  createdAt: string;
  matched: number;
  bill: ReconTotals;
  ours: ReconTotals;
  differences: {
    kind: 'missing_ours' | 'missing_theirs' | 'amount_mismatch';
    record: 'payment' | 'refund';
    outTradeNo: string;
    outRefundNo: string | null;
    oursFen: number | null;
    theirsFen: number | null;
  }[];
}
