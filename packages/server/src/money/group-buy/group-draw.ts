import { createHmac } from 'node:crypto';
import { drawMessage, filledGroupOutcome, groupSeed, type GroupOutcome } from '@mall/core';

/**
 * The lottery's draw with node:crypto: winner k's digest is HMAC-SHA256(serverSeed, drawMessage(groupSeed, k)), where
 * the group seed is the group id and its members' order ids in seat order (fixed by the payments, public on the group
 * page). Core maps the digests to winners; the group page recomputes the same with WebCrypto once the seed is shown.
 */
export function drawDigests(serverSeed: string, seed: string, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, k) =>
    Uint8Array.from(createHmac('sha256', serverSeed).update(drawMessage(seed, k), 'utf8').digest()),
  );
}

export function drawGroup(
  groupId: string,
  serverSeed: string,
  orderIdsBySeat: readonly string[],
  lotteryWinners: number,
): GroupOutcome & { groupSeed: string } {
  const seed = groupSeed(groupId, orderIdsBySeat);
  const digests = lotteryWinners === 0 ? [] : drawDigests(serverSeed, seed, lotteryWinners);
  return { ...filledGroupOutcome(orderIdsBySeat, lotteryWinners, digests), groupSeed: seed };
}
