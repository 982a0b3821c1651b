import { describe, expect, it } from 'vitest';
import { buy, close, join, refusal, result } from '../scenario.test-helper';

describe('cashback (SPEC 3.5)', () => {
  it('pays the whole total at settlement with one installment and keeps no schedule', () => {
    // total = share(100000, 500) = 5000
    expect(result({ plans: { cashback: {} }, events: [join('A'), buy('A', 'a1', 100000), close] })).toMatchObject({
      wallets: { A: 5000 },
      rewards: [{ kind: 'cashback', user: 'A', order: 'a1', amountFen: 5000 }],
      cashback: [],
    });
  });

  it('pays per = floor(total / n) at settlement and the next n - 2 closes, and the remainder at the (n - 1)-th close', () => {
    // total = share(100001, 1000) = 10000 (10000.1 floored); n = 3: per = 3333; 3333 + 3333 + 3334 = 10000
    const plans = { cashback: { rateBps: 1000, installments: 3 } };
    const events = [join('A'), buy('A', 'a1', 100001)];
    expect(result({ plans, events })).toMatchObject({
      rewards: [{ kind: 'cashback', user: 'A', order: 'a1', amountFen: 3333 }],
      cashback: [{ order: 'a1', user: 'A', remainingFen: 6667, installmentsLeft: 2 }],
    });
    expect(result({ plans, events: [...events, close] }).cashback).toEqual([
      { order: 'a1', user: 'A', remainingFen: 3334, installmentsLeft: 1 },
    ]);
    const done = result({ plans, events: [...events, close, close, close] });
    expect(done.rewards.map((r) => r.amountFen)).toEqual([3333, 3333, 3334]);
    expect(done.wallets).toEqual({ A: 10000 });
    expect(done.cashback).toEqual([]);
  });

  it('counts installments of 0 without listing them', () => {
    // total = share(100, 500) = 5, n = 6: per = 0 at settlement and 4 closes (not listed), 5 at the 5th close
    const plans = { cashback: { installments: 6 } };
    const base = [join('A'), buy('A', 'a1', 100)];
    expect(result({ plans, events: [...base, close, close, close, close] })).toMatchObject({
      rewards: [],
      cashback: [{ order: 'a1', user: 'A', remainingFen: 5, installmentsLeft: 1 }],
    });
    expect(result({ plans, events: [...base, close, close, close, close, close] })).toMatchObject({
      rewards: [{ kind: 'cashback', user: 'A', order: 'a1', amountFen: 5 }],
      cashback: [],
    });
  });

  it('creates no schedule for a total of 0 and pays schedules at a close in the order they were created', () => {
    const plans = { cashback: { installments: 2 } };
    const doc = {
      plans,
      events: [join('A'), join('B'), buy('A', 'a0', 10), buy('B', 'b1', 100000), buy('A', 'a1', 100000), close],
    };
    // a0: share(10, 500) = 0: nothing. b1, a1: 5000 each, per 2500 now and 2500 at the close, b1 first
    expect(result(doc).rewards.map((r) => [r.user, r.order, r.amountFen])).toEqual([
      ['B', 'b1', 2500],
      ['A', 'a1', 2500],
      ['B', 'b1', 2500],
      ['A', 'a1', 2500],
    ]);
  });

  it('refuses installments outside 1..36', () => {
    expect(refusal({ plans: { cashback: { installments: 37 } }, events: [] }).message).toMatch(
      /installments must be between 1 and 36/,
    );
    expect(refusal({ plans: { cashback: { installments: 0 } }, events: [] }).message).toMatch(/installments/);
  });
});
