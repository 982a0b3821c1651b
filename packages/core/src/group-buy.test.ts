import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { drawMessage } from './fair-draw';
import {
  failsAtDeadline,
  filledGroupOutcome,
  groupOrderMayShip,
  groupProgress,
  groupSeed,
  groupTermsProblem,
  maskMember,
  seatDecision,
  type GroupFacts,
} from './group-buy';

const open = (size: number, paidCount: number, expiresAtMs = 1000): GroupFacts => ({
  status: 'open',
  size,
  paidCount,
  expiresAtMs,
});

function digests(seed: string, message: string, k: number): Uint8Array[] {
  return Array.from({ length: k }, (_, i) =>
    Uint8Array.from(createHmac('sha256', seed).update(drawMessage(message, i)).digest()),
  );
}

describe('group buy rules', () => {
  it('gives the next seat and says when it fills the group', () => {
    expect(seatDecision(open(3, 0), 0)).toEqual({ kind: 'seat', seat: 1, fills: false });
    expect(seatDecision(open(3, 2), 0)).toEqual({ kind: 'seat', seat: 3, fills: true });
  });

  it('refuses a payment for a full, closed or expired group', () => {
    expect(seatDecision(open(3, 3), 0)).toEqual({ kind: 'refuse', reason: 'group_full' });
    expect(seatDecision({ ...open(3, 1), status: 'failed' }, 0)).toEqual({ kind: 'refuse', reason: 'group_closed' });
    expect(seatDecision(open(3, 1, 1000), 1000)).toEqual({ kind: 'refuse', reason: 'group_expired' });
  });

  it('never seats more payments than the group has seats, in any order of arrivals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 0, max: 200 }), (size, payments) => {
        let group = open(size, 0, 10);
        let seated = 0;
        let refused = 0;
        for (let i = 0; i < payments; i += 1) {
          const d = seatDecision(group, 0);
          if (d.kind === 'seat') {
            seated += 1;
            group = { ...group, paidCount: d.seat, status: d.fills ? 'succeeded' : 'open' };
          } else refused += 1;
        }
        expect(seated).toBe(Math.min(size, payments));
        expect(seated + refused).toBe(payments);
      }),
    );
  });

  it('fails an unfilled open group at its deadline, not before, and never a full one', () => {
    expect(failsAtDeadline(open(3, 2, 1000), 999)).toBe(false);
    expect(failsAtDeadline(open(3, 2, 1000), 1000)).toBe(true);
    expect(failsAtDeadline({ ...open(3, 3, 1000), status: 'succeeded' }, 5000)).toBe(false);
    expect(groupProgress(open(3, 1, 1000), 400)).toEqual({ status: 'open', seatsLeft: 2, timeLeftMs: 600 });
    expect(groupProgress(open(3, 1, 1000), 1400)).toEqual({ status: 'failed', seatsLeft: 0, timeLeftMs: 0 });
  });

  it('keeps every member of a plain group', () => {
    expect(filledGroupOutcome(['a', 'b', 'c'], 0, [])).toEqual({ keep: ['a', 'b', 'c'], refund: [], winners: [] });
  });

  it('draws exactly K distinct winners and refunds the others, recomputable from the seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.string(), (size, serverSeed) => {
        const k = 1 + (serverSeed.length % (size - 1));
        const ids = Array.from({ length: size }, (_, i) => `ord_${i}`);
        const message = groupSeed('grp_1', ids);
        const outcome = filledGroupOutcome(ids, k, digests(serverSeed, message, k));
        expect(new Set(outcome.winners).size).toBe(k);
        expect(outcome.keep.length + outcome.refund.length).toBe(size);
        expect(outcome.refund.some((id) => outcome.keep.includes(id))).toBe(false);
        expect(filledGroupOutcome(ids, k, digests(serverSeed, message, k))).toEqual(outcome);
      }),
    );
  });

  it('spreads lottery wins evenly over seats', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const wins = new Map<string, number>();
    for (let i = 0; i < 4000; i += 1) {
      const outcome = filledGroupOutcome(ids, 1, digests(`seed-${i}`, groupSeed('g', ids), 1));
      const w = outcome.winners[0] ?? '';
      wins.set(w, (wins.get(w) ?? 0) + 1);
    }
    // Each seat expects 1000 wins; 5 standard deviations (about 137) either side.
    for (const id of ids) expect(Math.abs((wins.get(id) ?? 0) - 1000)).toBeLessThan(140);
  });

  it('validates terms and ships only kept members of succeeded groups', () => {
    expect(groupTermsProblem({ size: 3, hours: 24, lotteryWinners: 0 })).toBeNull();
    expect(groupTermsProblem({ size: 1, hours: 24, lotteryWinners: 0 })).toMatch(/groupSize/);
    expect(groupTermsProblem({ size: 3, hours: 0, lotteryWinners: 0 })).toMatch(/hours/);
    expect(groupTermsProblem({ size: 3, hours: 24, lotteryWinners: 3 })).toMatch(/lotteryWinners/);
    expect(groupOrderMayShip('succeeded', 'kept')).toBe(true);
    expect(groupOrderMayShip('open', 'seated')).toBe(false);
    expect(groupOrderMayShip('succeeded', 'refunded')).toBe(false);
  });

  it('masks members', () => {
    expect(maskMember('13912345678')).toBe('139****5678');
    expect(maskMember('abc')).toBe('a***');
  });
});
