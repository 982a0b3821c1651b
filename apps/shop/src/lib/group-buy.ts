import { digestFromHex, drawMessage, drawWinners } from '@mall/core/fair-draw';
import type { SavedAddress } from '@mall/web-common/checkout-types';
import { api, newIdempotencyKey } from './http';
import { chosenAddress } from './addresses';

/** Group buys in the storefront: the API's shapes, placing a group order, and the draw's check with WebCrypto. */
export interface GroupBuyActivity {
  id: string;
  productId: string;
  skuId: string;
  title: string;
  imageUrl: string;
  skuPriceFen: number;
  priceFen: number;
  groupSize: number;
  hours: number;
  lotteryWinners: number;
  startsAt: string;
  endsAt: string;
  state: string;
}

export interface GroupMember {
  seat: number;
  name: string;
  leader: boolean;
  outcome: string;
  orderId: string;
}

export interface Group {
  id: string;
  activityId: string;
  productId: string;
  title: string;
  imageUrl: string;
  priceFen: number;
  skuPriceFen: number;
  size: number;
  lotteryWinners: number;
  status: 'open' | 'succeeded' | 'failed';
  paidCount: number;
  seatsLeft: number;
  timeLeftMs: number;
  expiresAt: string;
  members: GroupMember[];
  draw: { seedHash: string; serverSeed: string | null; groupSeed: string | null; winners: string[] };
  mine: { orderId: string; status: string; orderStatus: string } | null;
}

/** The address a group order ships to: the one chosen at checkout, else the default, else the first; null: none. */
async function addressId(): Promise<string | null> {
  const items = (await api.get<{ items: SavedAddress[] }>('/api/shop/me/addresses')).items;
  const found = items.find((a) => a.id === chosenAddress.id) ?? items.find((a) => a.isDefault) ?? items[0];
  return found?.id ?? null;
}

/** Opens or joins a group: the order's id to pay at the cashier, or null when the shopper has no address yet. */
export async function placeGroupOrder(kind: 'open' | 'join', id: string): Promise<string | null> {
  const address = await addressId();
  if (address === null) return null;
  const path = kind === 'open' ? `/api/shop/group-buys/${id}/open` : `/api/shop/groups/${id}/join`;
  const res = await api.post<{ order: { id: string } }>(
    path,
    { addressId: address },
    { 'Idempotency-Key': newIdempotencyKey() },
  );
  return res.order.id;
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Recomputes a closed lottery group in the browser: sha256(serverSeed) must be the hash published at opening, the
 * group seed must name this group's members in seat order, and winner k is core's mapping of
 * HMAC-SHA256(serverSeed, groupSeed:k), the same mapping the server used.
 */
export async function verifyDraw(group: Group): Promise<boolean> {
  const { serverSeed, groupSeed, winners, seedHash } = group.draw;
  if (serverSeed === null || groupSeed === null) return false;
  const enc = new TextEncoder();
  const hash = hex(await crypto.subtle.digest('SHA-256', enc.encode(serverSeed)));
  if (hash !== seedHash) return false;
  const bySeat = [...group.members].sort((a, b) => a.seat - b.seat).map((m) => m.orderId);
  if (groupSeed !== `${group.id}|${bySeat.join(',')}`) return false;
  const key = await crypto.subtle.importKey('raw', enc.encode(serverSeed), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const digests: Uint8Array[] = [];
  for (let k = 0; k < group.lotteryWinners; k += 1) {
    const mac = await crypto.subtle.sign('HMAC', key, enc.encode(drawMessage(groupSeed, k)));
    digests.push(digestFromHex(hex(mac)));
  }
  const drawn = drawWinners(digests, bySeat.length).map((i) => bySeat[i]);
  return drawn.length === winners.length && drawn.every((id, i) => id === winners[i]);
}
