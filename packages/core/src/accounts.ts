/**
 * The chart of accounts: the only place that spells a ledger address. The engine's transfers and the server's
 * ledger both build addresses here, and the ledger refuses an address `isKnownAccount` does not recognise.
 *
 * - `platform:revenue`, `platform:escrow`, `platform:fees`, `platform:withdrawals`, `platform:payouts` (withdrawals
 *   handed to a gateway's transfer API, not yet answered), `platform:expense:goodwill` (goodwill refunds after
 *   settlement, paid by the platform): the operator's own accounts.
 * - `gateway:{channel}`: money held by (or owed to) a payment gateway or payout channel.
 * - `user:{id}:wallet`: a shopper's wallet (零钱); the only kind bounded below by zero.
 * - `pool:{campaign}:{bucket}`: money a campaign holds for later payouts (pool cash, dividend pool, cashback
 *   reserve). Campaign ids never contain ':', so the address parses back unambiguously.
 */
export const PLATFORM_ACCOUNTS = ['revenue', 'escrow', 'fees', 'withdrawals', 'payouts', 'expense:goodwill'] as const;
export type PlatformAccount = (typeof PLATFORM_ACCOUNTS)[number];

export const CAMPAIGN_BUCKETS = ['cash', 'dividend', 'cashback'] as const;
export type CampaignBucket = (typeof CAMPAIGN_BUCKETS)[number];

export type AccountAddress =
  `platform:${PlatformAccount}` | `gateway:${string}` | `user:${string}:wallet` | `pool:${string}:${CampaignBucket}`;

export const PLATFORM_REVENUE = 'platform:revenue' satisfies AccountAddress;
export const PLATFORM_ESCROW = 'platform:escrow' satisfies AccountAddress;
export const PLATFORM_FEES = 'platform:fees' satisfies AccountAddress;
export const PLATFORM_WITHDRAWALS = 'platform:withdrawals' satisfies AccountAddress;
export const PLATFORM_PAYOUTS = 'platform:payouts' satisfies AccountAddress;
export const PLATFORM_GOODWILL = 'platform:expense:goodwill' satisfies AccountAddress;

/** A campaign id: letters, digits, '_', '.', '-' (no ':' so addresses and transfer ids parse back). */
export const CAMPAIGN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const CHANNEL_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

export function platformAccount(name: PlatformAccount): AccountAddress {
  return `platform:${name}`;
}

export function userWallet(user: string): `user:${string}:wallet` {
  return `user:${user}:wallet`;
}

export function gatewayAccount(channel: string): `gateway:${string}` {
  if (!CHANNEL_PATTERN.test(channel)) throw new RangeError(`not a gateway channel: ${channel}`);
  return `gateway:${channel}`;
}

export function campaignAccount(campaign: string, bucket: CampaignBucket): `pool:${string}:${CampaignBucket}` {
  if (!CAMPAIGN_ID_PATTERN.test(campaign)) throw new RangeError(`not a campaign id: ${campaign}`);
  return `pool:${campaign}:${bucket}`;
}

/** The appreciation pool's cash account of a campaign (in the plans form the campaign id is the plan code). */
export function poolCash(campaign: string): `pool:${string}:cash` {
  return campaignAccount(campaign, 'cash') as `pool:${string}:cash`;
}

export type ParsedAccount =
  | { kind: 'platform'; name: PlatformAccount }
  | { kind: 'gateway'; channel: string }
  | { kind: 'wallet'; user: string }
  | { kind: 'campaign'; campaign: string; bucket: CampaignBucket };

/** Reads an address back into its parts, or undefined when the chart has no such account. */
export function parseAccount(address: string): ParsedAccount | undefined {
  if (address.startsWith('platform:')) {
    const name = address.slice('platform:'.length);
    return (PLATFORM_ACCOUNTS as readonly string[]).includes(name)
      ? { kind: 'platform', name: name as PlatformAccount }
      : undefined;
  }
  if (address.startsWith('gateway:')) {
    const channel = address.slice('gateway:'.length);
    return CHANNEL_PATTERN.test(channel) ? { kind: 'gateway', channel } : undefined;
  }
  if (address.startsWith('user:') && address.endsWith(':wallet')) {
    const user = address.slice('user:'.length, address.length - ':wallet'.length);
    return user.length > 0 ? { kind: 'wallet', user } : undefined;
  }
  if (address.startsWith('pool:')) {
    const rest = address.slice('pool:'.length);
    const colon = rest.lastIndexOf(':');
    const campaign = rest.slice(0, colon);
    const bucket = rest.slice(colon + 1);
    if (colon > 0 && CAMPAIGN_ID_PATTERN.test(campaign) && (CAMPAIGN_BUCKETS as readonly string[]).includes(bucket)) {
      return { kind: 'campaign', campaign, bucket: bucket as CampaignBucket };
    }
  }
  return undefined;
}

export function isKnownAccount(address: string): address is AccountAddress {
  return parseAccount(address) !== undefined;
}

export function isUserWalletAccount(address: string): address is `user:${string}:wallet` {
  return parseAccount(address)?.kind === 'wallet';
}

/**
 * Why money moved. The engine's reasons are the reward kinds it credits to wallets plus the movements into a
 * campaign's own accounts; the server's are the order and withdrawal flows. Plans may add reward kinds by
 * augmenting `RewardKindRegistry` (see effects.ts).
 */
export type EngineMovement = 'poolContribution' | 'cashbackReserve' | 'dividendAccrual';
export type ServerTransferReason =
  | 'payment'
  | 'revenue'
  | 'refund'
  | 'late_payment_refund'
  | 'presale_deposit_refund'
  | 'presale_forfeit'
  | 'goodwill_refund'
  | 'shipping'
  | 'withdrawal'
  | 'withdrawal_fee'
  | 'withdrawal_paid'
  | 'withdrawal_paid_simulated'
  | 'withdrawal_rejected'
  | 'withdrawal_payout_submitted'
  | 'withdrawal_payout_failed';
