/** Tables of the presale (migration 0012): presales on a SKU, each presale order's deposit and balance, payment parts. */
export interface PresalesTable {
  id: string;
  product_id: string;
  sku_id: string;
  /** The presale price per unit; the deposit and what it counts for, per unit. */
  price_fen: bigint;
  deposit_fen: bigint;
  counts_as_fen: bigint;
  deposit_starts_at: string;
  deposit_ends_at: string;
  balance_starts_at: string;
  balance_ends_at: string;
  /** scheduled | cancelled (a cancelled presale takes no new deposits; paid deposits keep their rules). */
  status: string;
  created_at: string;
}

export interface PresaleOrdersTable {
  order_id: string;
  presale_id: string;
  user_id: string;
  quantity: bigint;
  deposit_fen: bigint;
  balance_fen: bigint;
  /** Copied from the presale so the forfeit sweep reads one indexed table. */
  balance_starts_at: string;
  balance_ends_at: string;
  /** awaiting_deposit | deposit_paid | balance_paid | deposit_refunded | forfeited | cancelled */
  status: string;
  deposit_payment_id: string | null;
  deposit_paid_at: string | null;
  /** The simulated part of the deposit (sandbox money, or the wallet's simulated money): refunds and forfeits carry it. */
  deposit_simulated_fen: bigint;
  balance_payment_id: string | null;
  balance_paid_at: string | null;
  /** When the deposit was refunded or forfeited. */
  closed_at: string | null;
  created_at: string;
}

/** Which part of a presale order a payment pays: decided when the payment is created, read when its money lands. */
export interface PresalePaymentsTable {
  payment_id: string;
  order_id: string;
  /** deposit | balance */
  part: string;
}

export interface PresaleTables {
  presales: PresalesTable;
  presale_orders: PresaleOrdersTable;
  presale_payments: PresalePaymentsTable;
}
