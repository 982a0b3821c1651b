/** Tables of migration 0003_payments (issue 10): after-sales, refunds, openids, notification receipts, reconciliations. */
/** 售后单: one request of a shopper (or a goodwill refund by staff) over some lines of one order. */
export interface AfterSalesTable {
  id: string;
  order_id: string;
  user_id: string;
  /** refund_only (仅退款), return_refund (退货退款) or goodwill (staff, after settlement). */
  kind: string;
  status: string;
  reason: string;
  decision_note: string | null;
  amount_fen: bigint;
  /** original (the payment's channel) or wallet. */
  destination: string;
  restock: bigint;
  return_carrier: string | null;
  return_tracking_no: string | null;
  refund_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface AfterSaleLinesTable {
  after_sale_id: string;
  line: bigint;
  quantity: bigint;
  amount_fen: bigint;
}

export interface AfterSaleTransitionsTable {
  id: string;
  after_sale_id: string;
  from_status: string;
  to_status: string;
  actor: string;
  at: string;
  note: string | null;
}

/** One refund of a payment; its id is the gateway's out_refund_no (idempotent there). */
export interface RefundsTable {
  id: string;
  order_id: string;
  payment_id: string;
  after_sale_id: string | null;
  channel: string;
  amount_fen: bigint;
  simulated_fen: bigint;
  /** escrow (before settlement), goodwill (platform expense after settlement) or late_payment. */
  source: string;
  destination: string;
  /** processing, succeeded or failed. */
  status: string;
  gateway_refund_id: string | null;
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export interface UserOpenidsTable {
  user_id: string;
  appid: string;
  openid: string;
  created_at: string;
}

export interface GatewayNotificationsTable {
  /** `{gateway}:{notification id}`: retries of one notification share it. */
  id: string;
  gateway: string;
  kind: string;
  subject: string;
  verdict: string;
  deliveries: bigint;
  first_at: string;
  last_at: string;
}

export interface ReconciliationsTable {
  id: string;
  gateway: string;
  bill_date: string;
  source: string;
  created_by: string;
  created_at: string;
  differences: bigint;
  /** JSON: totals on both sides and the differences. */
  result: string;
}
