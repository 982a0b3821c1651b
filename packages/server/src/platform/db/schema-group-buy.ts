/** Tables of group buys (拼团) and lottery groups (拼团抽奖), migration 0010. */

/** An activity: one SKU sold at `price_fen` to groups of `group_size` that must fill within `hours`. */
export interface GroupBuyActivitiesTable {
  id: string;
  product_id: string;
  sku_id: string;
  price_fen: bigint;
  group_size: bigint;
  hours: bigint;
  /** 0: a plain group (every member buys); K > 0: a lottery group, K members win, the others are refunded. */
  lottery_winners: bigint;
  /** A coupon template each lottery loser is given, or null. */
  consolation_template_id: string | null;
  starts_at: string;
  ends_at: string;
  /** active | closed */
  status: string;
  created_at: string;
}

/**
 * One group. `paid_count` is the seat counter: a payment takes a seat only by the conditional UPDATE
 * `paid_count < size AND status = 'open' AND expires_at > now`, so concurrent payments never over-fill it.
 */
export interface GroupBuyGroupsTable {
  id: string;
  activity_id: string;
  leader_id: string;
  size: bigint;
  lottery_winners: bigint;
  price_fen: bigint;
  /** open | succeeded | failed */
  status: string;
  paid_count: bigint;
  /** Hex sha256 of the server seed, published when the group opens. */
  seed_hash: string;
  /** Hex server seed; kept secret until the draw (lottery) or the group closes, then shown. */
  server_seed: string;
  /** The public group seed the draw signed (group id and the members' order ids in seat order); null before. */
  group_seed: string | null;
  /** JSON array of winning order ids in draw order (lottery only); null before the draw. */
  winners: string | null;
  opened_at: string;
  expires_at: string;
  closed_at: string | null;
}

/** A member: one order tied to one group. `seat` is given when the payment lands (1..size), unique per group. */
export interface GroupBuyMembersTable {
  order_id: string;
  group_id: string;
  user_id: string;
  /** leader | member */
  role: string;
  /** pending (unpaid) | seated (paid, group open) | kept (goods ship) | refunded | cancelled */
  status: string;
  seat: bigint | null;
  joined_at: string;
  paid_at: string | null;
}
