import { describe, expect, it } from 'vitest';
import { buy, join, result, rewardRows } from '../scenario.test-helper';

// share(x, bps) = floor(x * bps / 10000); defaults level1Bps 1000, level2Bps 500, buyersOnly true.
const plans = (params: Record<string, unknown> = {}) => ({ promotionCommission: params });

describe('promotion commission (SPEC 3.5)', () => {
  it('pays the referrer share(A, level1Bps) and the referrer’s referrer share(A, level2Bps), in that order', () => {
    // A invited B, B invited C. B's order: R1 = A (spend 100000 > 0) gets 10000; no R2.
    // C's order: R1 = B gets share(100000, 1000) = 10000, then R2 = A gets share(100000, 500) = 5000.
    expect(
      rewardRows({
        plans: plans(),
        events: [
          join('A'),
          join('B', 'A'),
          join('C', 'B'),
          buy('A', 'a1', 100000),
          buy('B', 'b1', 100000),
          buy('C', 'c1', 100000),
        ],
      }),
    ).toEqual([
      ['promotionCommission', 'A', 'b1', 10000],
      ['promotionCommission', 'B', 'c1', 10000],
      ['promotionCommission', 'A', 'c1', 5000],
    ]);
  });

  it('skips a person who has not bought when buyersOnly, without rolling the share up', () => {
    // B never bought: B's 10000 stays with the platform and A still gets only share(100000, 500) = 5000.
    const doc = {
      plans: plans(),
      events: [join('A'), join('B', 'A'), join('C', 'B'), buy('A', 'a1', 100000), buy('C', 'c1', 100000)],
    };
    expect(rewardRows(doc)).toEqual([['promotionCommission', 'A', 'c1', 5000]]);
  });

  it('pays everyone in the chain when buyersOnly is false, buyers or not', () => {
    const doc = {
      plans: plans({ buyersOnly: false }),
      events: [join('A'), join('B', 'A'), join('C', 'B'), buy('C', 'c1', 100000)],
    };
    expect(rewardRows(doc)).toEqual([
      ['promotionCommission', 'B', 'c1', 10000],
      ['promotionCommission', 'A', 'c1', 5000],
    ]);
  });

  it('counts spend from orders outside the plan’s scope, and pays on the in-scope amount only', () => {
    // The plan covers p1 only. A's p2 order does nothing in the plan but gives A spend 100000.
    // B's order: p1 60000 + p2 40000, so A = 60000: R1 = A gets share(60000, 1000) = 6000.
    const doc = {
      plans: plans({ products: ['p1'] }),
      events: [
        join('A'),
        join('B', 'A'),
        buy('A', 'a1', 100000, { lines: [{ product: 'p2', amountFen: 100000 }] }),
        buy('B', 'b1', 100000, {
          lines: [
            { product: 'p1', amountFen: 60000 },
            { product: 'p2', amountFen: 40000 },
          ],
        }),
        buy('B', 'b2', 100000), // no lines: nothing in scope
      ],
    };
    expect(rewardRows(doc)).toEqual([['promotionCommission', 'A', 'b1', 6000]]);
  });

  it('floors each share and lists no zero credit', () => {
    // 19 fen: share(19, 1000) = 1 (1.9 floored), share(19, 500) = 0 (0.95 floored, not listed).
    const doc = {
      plans: plans({ buyersOnly: false }),
      events: [join('A'), join('B', 'A'), join('C', 'B'), buy('C', 'c1', 19)],
    };
    expect(result(doc)).toMatchObject({
      wallets: { B: 1 },
      rewards: [{ kind: 'promotionCommission', user: 'B', order: 'c1', amountFen: 1 }],
    });
  });

  it('never pays a third level', () => {
    const doc = {
      plans: plans({ buyersOnly: false }),
      events: [join('A'), join('B', 'A'), join('C', 'B'), join('D', 'C'), buy('D', 'd1', 100000)],
    };
    expect(rewardRows(doc).map((r) => r[1])).toEqual(['C', 'B']);
  });
});
