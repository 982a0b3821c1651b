import { drawWinners } from './fair-draw';

/**
 * Group buys (拼团) and lottery groups (拼团抽奖): the rules the server, its views and the storefront share. A group of
 * `size` is `open` until its `size`-th payment lands (`succeeded`) or its deadline passes unfilled (`failed`). Only a
 * paid order takes a seat, so no member is fake; a payment that finds no seat is refunded. A lottery group draws
 * `winners` of its members when it fills; the others are refunded. Pure: times are passed in as epoch ms.
 */
export type GroupStatus = 'open' | 'succeeded' | 'failed';

export interface GroupTerms {
  size: number;
  hours: number;
  /** 0 for a plain group; otherwise how many members a lottery group's draw keeps (1 .. size - 1). */
  lotteryWinners: number;
}

export const GROUP_LIMITS = { minSize: 2, maxSize: 100, minHours: 1, maxHours: 720 } as const;

/** Why an activity's terms are unusable, or null when they are fine. */
export function groupTermsProblem(terms: GroupTerms): string | null {
  const { minSize, maxSize, minHours, maxHours } = GROUP_LIMITS;
  if (!Number.isSafeInteger(terms.size) || terms.size < minSize || terms.size > maxSize)
    return `groupSize must be an integer from ${minSize} to ${maxSize}`;
  if (!Number.isSafeInteger(terms.hours) || terms.hours < minHours || terms.hours > maxHours)
    return `hours must be an integer from ${minHours} to ${maxHours}`;
  if (!Number.isSafeInteger(terms.lotteryWinners) || terms.lotteryWinners < 0 || terms.lotteryWinners >= terms.size)
    return 'lotteryWinners must be 0 (no lottery) or from 1 to groupSize - 1';
  return null;
}

export interface GroupFacts {
  status: GroupStatus;
  size: number;
  paidCount: number;
  expiresAtMs: number;
}

export type SeatDecision =
  | { kind: 'seat'; seat: number; fills: boolean }
  | { kind: 'refuse'; reason: 'group_full' | 'group_closed' | 'group_expired' };

/**
 * What a payment that lands at `nowMs` gets: the next seat, or a refusal (its money goes back). The server takes the
 * seat with one conditional UPDATE stating exactly these conditions.
 */
export function seatDecision(group: GroupFacts, nowMs: number): SeatDecision {
  if (group.status !== 'open') return { kind: 'refuse', reason: 'group_closed' };
  if (group.paidCount >= group.size) return { kind: 'refuse', reason: 'group_full' };
  if (nowMs >= group.expiresAtMs) return { kind: 'refuse', reason: 'group_expired' };
  const seat = group.paidCount + 1;
  return { kind: 'seat', seat, fills: seat === group.size };
}

/** An open group whose deadline has passed unfilled fails (every paid member is refunded). */
export function failsAtDeadline(group: GroupFacts, nowMs: number): boolean {
  return group.status === 'open' && group.paidCount < group.size && nowMs >= group.expiresAtMs;
}

/** What the storefront shows: the state, the seats left and the time left (0 once closed or past the deadline). */
export function groupProgress(group: GroupFacts, nowMs: number) {
  const status: GroupStatus = failsAtDeadline(group, nowMs) ? 'failed' : group.status;
  return {
    status,
    seatsLeft: status === 'open' ? group.size - group.paidCount : 0,
    timeLeftMs: status === 'open' ? Math.max(0, group.expiresAtMs - nowMs) : 0,
  };
}

/** The public seed a lottery's draw signs: the group id and its members' order ids in seat order. */
export function groupSeed(groupId: string, orderIdsBySeat: readonly string[]): string {
  return `${groupId}|${orderIdsBySeat.join(',')}`;
}

export interface GroupOutcome {
  /** Order ids whose goods ship, in seat order (every member of a plain group; the winners of a lottery). */
  keep: string[];
  /** Order ids refunded in full, in seat order. */
  refund: string[];
  /** Lottery only: the winners in draw order. */
  winners: string[];
}

/**
 * Who keeps and who is refunded when a group fills. `digests[k]` is winner k's HMAC-SHA256 digest (lottery only;
 * exactly `lotteryWinners` of them), mapped to members by core's one fair-draw mapping.
 */
export function filledGroupOutcome(
  orderIdsBySeat: readonly string[],
  lotteryWinners: number,
  digests: readonly Uint8Array[],
): GroupOutcome {
  if (lotteryWinners === 0) return { keep: [...orderIdsBySeat], refund: [], winners: [] };
  if (digests.length !== lotteryWinners)
    throw new RangeError(`a lottery of ${lotteryWinners} winners needs ${lotteryWinners} digests`);
  const winners = drawWinners(digests, orderIdsBySeat.length).map((i) => orderIdsBySeat[i] ?? '');
  const won = new Set(winners);
  return {
    keep: orderIdsBySeat.filter((id) => won.has(id)),
    refund: orderIdsBySeat.filter((id) => !won.has(id)),
    winners,
  };
}

/** Goods of a group order ship only once its group succeeded and the member kept its seat (won, for a lottery). */
export function groupOrderMayShip(groupStatus: GroupStatus, memberStatus: string): boolean {
  return groupStatus === 'succeeded' && memberStatus === 'kept';
}

/** A member as others see them: a phone as 138****0000, anything shorter as its first character and stars. */
export function maskMember(phone: string): string {
  if (phone.length >= 7) return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  return `${phone.slice(0, 1)}***`;
}
