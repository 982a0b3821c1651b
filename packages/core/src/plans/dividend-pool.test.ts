import { describe, expect, it } from 'vitest';
import { buy, close, join, refusal, result } from '../scenario.test-helper';

const levels = [
  { code: 'V1', minSpendFen: 0 },
  { code: 'V2', minSpendFen: 500000 },
];
const set = (user: string, level: string) => ({ type: 'setLevel', user, level });
const rows = (doc: unknown) => result(doc).rewards.map((r) => [r.kind, r.user, r.order, r.amountFen]);

describe('dividend pool by level (SPEC 3.5)', () => {
  it('accrues share(A, accrueBps) and pays floor(D * w / W) to every member in join order', () => {
    // accrue 200: share(100000) = 2000 + share(300000) = 6000, D = 8000. A, B at V1 (weight 1), C at V2 (3):
    // W = 1 + 1 + 3 = 5: A 1600, B 1600, C 4800; nothing carries.
    const doc = {
      levels,
      plans: { dividendPool: { weights: [1, 3] } },
      events: [join('A'), join('B'), join('C'), set('C', 'V2'), buy('A', 'a1', 100000), buy('B', 'b1', 300000), close],
    };
    expect(rows(doc)).toEqual([
      ['dividend', 'A', null, 1600],
      ['dividend', 'B', null, 1600],
      ['dividend', 'C', null, 4800],
    ]);
    expect(result(doc).dividendPool).toEqual({ cashFen: 0 });
  });

  it('carries the rounding remainder and everything when nobody qualifies', () => {
    // D = share(50000, 200) = 1000 over three V1 members: 333 each, 1 carries.
    const three = [join('A'), join('B'), join('C'), buy('A', 'a1', 50000), close];
    expect(result({ levels, plans: { dividendPool: { weights: [1, 0] } }, events: three })).toMatchObject({
      wallets: { A: 333, B: 333, C: 333 },
      dividendPool: { cashFen: 1 },
    });
    // weight only at V2, nobody there: W = 0, the 1000 carries; the next period adds 1000 and C (now V2) gets 2000
    const nobody = { levels, plans: { dividendPool: { weights: [0, 5] } }, events: three };
    expect(result(nobody)).toMatchObject({ rewards: [], dividendPool: { cashFen: 1000 } });
    const later = { ...nobody, events: [...three, set('C', 'V2'), buy('A', 'a2', 50000), close] };
    expect(rows(later)).toEqual([['dividend', 'C', null, 2000]]);
    expect(result(later).dividendPool).toEqual({ cashFen: 0 });
  });

  it('shows the undistributed pool between closes: the carry plus what accrued since', () => {
    const doc = {
      levels,
      plans: { dividendPool: { weights: [1, 0] } },
      events: [join('A'), join('B'), join('C'), buy('A', 'a1', 50000), close, buy('A', 'a2', 100)],
    };
    // carry 1 + share(100, 200) = 2
    expect(result(doc).dividendPool).toEqual({ cashFen: 3 });
  });
});

describe('dividend pool by ranking (SPEC 3.5)', () => {
  const plans = { dividendPool: { basis: 'ranking', topN: 2 } };

  it('pays the top N by period spend (ties: earlier join first) floor(D * s / T), listed in rank order', () => {
    // Period spends A 100000, B 300000, C 300000, D 50000; D = 2000 + 6000 + 6000 + 1000 = 15000.
    // Top 2: B (ties with C, joined first), C; T = 600000: 7500 each.
    const doc = {
      plans,
      events: [
        ...['A', 'B', 'C', 'D'].map((u) => join(u)),
        buy('C', 'c1', 300000),
        buy('A', 'a1', 100000),
        buy('B', 'b1', 300000),
        buy('D', 'd1', 50000),
        close,
      ],
    };
    expect(rows(doc)).toEqual([
      ['dividend', 'B', null, 7500],
      ['dividend', 'C', null, 7500],
    ]);
  });

  it('ranks by the in-scope spend of the period only, starting again from 0 after a close', () => {
    // Period 1: A 300 (tops). Close: A gets all 6 of share(300, 200). Period 2: only B buys: B gets share(100, 200) = 2.
    const doc = {
      plans: { dividendPool: { basis: 'ranking', topN: 1 } },
      events: [join('A'), join('B'), buy('A', 'a1', 300), close, buy('B', 'b1', 100), close, close],
    };
    expect(rows(doc)).toEqual([
      ['dividend', 'A', null, 6],
      ['dividend', 'B', null, 2],
    ]);
  });

  it('ignores weights with the ranking basis and carries when nobody spent', () => {
    const doc = { plans: { dividendPool: { basis: 'ranking', weights: 'ignored' } }, events: [join('A'), close] };
    expect(result(doc)).toMatchObject({ rewards: [], dividendPool: { cashFen: 0 } });
  });

  it('refuses a level basis without levels or weights, and a topN out of range', () => {
    expect(refusal({ plans: { dividendPool: {} }, events: [] }).message).toMatch(/weights needs member levels/);
    expect(refusal({ levels, plans: { dividendPool: {} }, events: [] }).message).toMatch(/weights is required/);
    expect(refusal({ plans: { dividendPool: { basis: 'ranking', topN: 1001 } }, events: [] }).message).toMatch(/topN/);
  });
});

describe('period close order (SPEC 3.5)', () => {
  it('pays cashback installments first, then the dividend', () => {
    const doc = {
      plans: { cashback: { installments: 2 }, dividendPool: { basis: 'ranking' } },
      events: [join('A'), buy('A', 'a1', 100000), close],
    };
    // cashback 5000: 2500 now and 2500 at the close; dividend share(100000, 200) = 2000 to A at the close
    expect(rows(doc)).toEqual([
      ['cashback', 'A', 'a1', 2500],
      ['cashback', 'A', 'a1', 2500],
      ['dividend', 'A', null, 2000],
    ]);
  });
});
