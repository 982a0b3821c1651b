/** Tables of blind boxes (migration 0011). */

/** A series (盲盒系列): one box SKU; server_seed stays secret until status is closed, seed_hash = sha256(seed). */
export interface BlindBoxSeriesTable {
  id: string;
  name: string;
  product_id: string;
  sku_id: string;
  /** draft | open | closed */
  status: string;
  server_seed: string;
  seed_hash: string;
  /** Most a shopper may spend on this series per Asia/Shanghai day; 0: no cap. */
  daily_cap_fen: bigint;
  /** The guarantee rule (保底) as shown before paying; empty: none (the storefront says every draw is independent). */
  guarantee: string;
  created_at: string;
  opened_at: string | null;
  closed_at: string | null;
}

/** An item of a series: idx is its position in the published weights. */
export interface BlindBoxItemsTable {
  series_id: string;
  idx: bigint;
  name: string;
  value_fen: bigint;
  weight: bigint;
}

/** A box line of an order, written when it is placed: the seed the buyer chose, drawn when the order is paid. */
export interface BlindBoxLinesTable {
  order_id: string;
  line: bigint;
  series_id: string;
  user_id: string;
  buyer_seed: string;
  quantity: bigint;
  paid_fen: bigint;
  created_at: string;
}

/** One draw: digest = HMAC-SHA256(server_seed, buyer_seed:nonce) in hex, item_idx = drawIndex(digest, weights). */
export interface BlindBoxDrawsTable {
  id: string;
  series_id: string;
  order_id: string;
  unit: bigint;
  user_id: string;
  buyer_seed: string;
  nonce: bigint;
  digest: string;
  item_idx: bigint;
  drawn_at: string;
}

/** A shopper's answer to "are you 8 or older" (SAMR 2023), given once at the first box purchase. */
export interface BlindBoxAgesTable {
  user_id: string;
  at_least_8: bigint;
  answered_at: string;
}
