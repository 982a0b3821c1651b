import { describe, expect, it } from 'vitest';
import { engineOf, join, runTable, settle, type Row } from '../table.test-helper';

// Every expected amount below is share(min(base, amount), rate) = floor(min(base, amount) * rate / 10000),
// worked by hand from SPEC 3.1 with the default rates [1000, 2000, 7000].
const cycle = () => engineOf({ referralCycle: {} });

describe('referral cycle (SPEC 3.1)', () => {
  it('pays the referrer 100, 200, 700 yuan for three 1000-yuan invitees and repeats the cycle for the 4th to 6th', () => {
    const invitees = ['B', 'C', 'D', 'E', 'F', 'G'];
    const { wallets } = runTable(cycle(), [
      { event: join('A') },
      ...invitees.map((u) => ({ event: join(u, 'A') })),
      {
        event: settle('A', 'a1', 100000n),
        rewards: [],
        progress: { A: { merchant: true, baseFen: 100000n, rewardCount: 0 } },
      },
      { event: settle('B', 'b1', 100000n), rewards: [['referralCycle', 'A', 'b1', 10000n]], wallets: { A: 10000n } },
      { event: settle('C', 'c1', 100000n), rewards: [['referralCycle', 'A', 'c1', 20000n]], wallets: { A: 30000n } },
      {
        event: settle('D', 'd1', 100000n),
        rewards: [['referralCycle', 'A', 'd1', 70000n]],
        wallets: { A: 100000n },
        progress: { A: { merchant: true, baseFen: 100000n, rewardCount: 3 } },
      },
      { event: settle('E', 'e1', 100000n), rewards: [['referralCycle', 'A', 'e1', 10000n]], wallets: { A: 110000n } },
      { event: settle('F', 'f1', 100000n), rewards: [['referralCycle', 'A', 'f1', 20000n]], wallets: { A: 130000n } },
      {
        event: settle('G', 'g1', 100000n),
        rewards: [['referralCycle', 'A', 'g1', 70000n]],
        wallets: { A: 200000n },
        progress: { A: { merchant: true, baseFen: 100000n, rewardCount: 6 } },
      },
    ]);
    // Invitees have no referrer of their own here, so only A was ever credited.
    expect([...wallets.keys()]).toEqual(['A']);
  });

  it('pays nothing and does not move the count while the referrer is not yet a consumer-merchant', () => {
    runTable(cycle(), [
      { event: join('A') },
      { event: join('B', 'A') },
      { event: join('C', 'A') },
      // A has not bought: nothing for A, and A has no referral state at all (count did not move).
      {
        event: settle('B', 'b1', 100000n),
        rewards: [],
        wallets: { A: 0n },
        progress: { A: undefined, B: { merchant: true, baseFen: 100000n, rewardCount: 0 } },
      },
      // A becomes a consumer-merchant with base 500 yuan; A has no referrer, so nobody is paid.
      {
        event: settle('A', 'a1', 50000n),
        rewards: [],
        progress: { A: { merchant: true, baseFen: 50000n, rewardCount: 0 } },
      },
      // k = 0 (B's earlier order did not count): share(min(50000, 100000), 1000) = 5000
      {
        event: settle('C', 'c1', 100000n),
        rewards: [['referralCycle', 'A', 'c1', 5000n]],
        wallets: { A: 5000n },
        progress: { A: { merchant: true, baseFen: 50000n, rewardCount: 1 } },
      },
      // k = 1, the order is smaller than the base: share(min(50000, 30000), 2000) = 6000
      { event: settle('B', 'b2', 30000n), rewards: [['referralCycle', 'A', 'b2', 6000n]], wallets: { A: 11000n } },
      // k = 2, capped by the base: share(min(50000, 100000), 7000) = 35000
      { event: settle('C', 'c2', 100000n), rewards: [['referralCycle', 'A', 'c2', 35000n]], wallets: { A: 46000n } },
      // k = 3 wraps to the first rate; 33333 * 1000 / 10000 = 3333.3 floors to 3333
      {
        event: settle('B', 'b3', 33333n),
        rewards: [['referralCycle', 'A', 'b3', 3333n]],
        wallets: { A: 49333n },
        progress: { A: { merchant: true, baseFen: 50000n, rewardCount: 4 } },
      },
    ]);
  });

  it('takes the base as the largest of the referrer’s settled orders, not the latest', () => {
    runTable(cycle(), [
      { event: join('A') },
      { event: join('B', 'A') },
      { event: settle('A', 'a1', 20000n), progress: { A: { merchant: true, baseFen: 20000n, rewardCount: 0 } } },
      { event: settle('A', 'a2', 80000n), progress: { A: { merchant: true, baseFen: 80000n, rewardCount: 0 } } },
      // a smaller later order does not lower the base
      {
        event: settle('A', 'a3', 10000n),
        rewards: [],
        progress: { A: { merchant: true, baseFen: 80000n, rewardCount: 0 } },
      },
      // share(min(80000, 100000), 1000) = 8000
      { event: settle('B', 'b1', 100000n), rewards: [['referralCycle', 'A', 'b1', 8000n]], wallets: { A: 8000n } },
      // share(min(80000, 50000), 2000) = 10000
      { event: settle('B', 'b2', 50000n), rewards: [['referralCycle', 'A', 'b2', 10000n]], wallets: { A: 18000n } },
      {
        event: settle('A', 'a4', 90000n),
        rewards: [],
        progress: { A: { merchant: true, baseFen: 90000n, rewardCount: 2 } },
      },
      // share(min(90000, 100000), 7000) = 63000
      { event: settle('B', 'b3', 100000n), rewards: [['referralCycle', 'A', 'b3', 63000n]], wallets: { A: 81000n } },
    ]);
  });

  it('pays only the direct referrer, never the referrer’s referrer', () => {
    runTable(cycle(), [
      { event: join('A') },
      { event: join('B', 'A') },
      { event: join('C', 'B') },
      { event: settle('A', 'a1', 100000n), rewards: [] },
      { event: settle('B', 'b1', 60000n), rewards: [['referralCycle', 'A', 'b1', 6000n]] },
      // C's order pays B (k = 0 for B): share(min(60000, 100000), 1000) = 6000; A gets nothing and keeps count 1
      {
        event: settle('C', 'c1', 100000n),
        rewards: [['referralCycle', 'B', 'c1', 6000n]],
        wallets: { A: 6000n, B: 6000n, C: 0n },
        progress: {
          A: { merchant: true, baseFen: 100000n, rewardCount: 1 },
          B: { merchant: true, baseFen: 60000n, rewardCount: 1 },
        },
      },
    ]);
  });

  it('ignores an order of 0 fen entirely: no reward step for the referrer, no consumer-merchant status for the buyer (SPEC 3.5)', () => {
    const run = runTable(cycle(), [
      { event: join('A') },
      { event: join('B', 'A') },
      { event: join('C', 'B') },
      { event: settle('A', 'a1', 100000n) },
      // A = 0: A's count stays at 0, B does not become a consumer-merchant
      {
        event: settle('B', 'b1', 0n),
        rewards: [],
        wallets: { A: 0n },
        progress: { A: { merchant: true, baseFen: 100000n, rewardCount: 0 }, B: undefined },
      },
      // C's order: B is not a consumer-merchant, so nothing is paid and B's count does not move
      { event: settle('C', 'c1', 100000n), rewards: [], wallets: { B: 0n } },
      // k = 0 for A: share(min(100000, 100000), 1000) = 10000; B becomes a consumer-merchant with base 100000
      {
        event: settle('B', 'b2', 100000n),
        rewards: [['referralCycle', 'A', 'b2', 10000n]],
        wallets: { A: 10000n },
        progress: { B: { merchant: true, baseFen: 100000n, rewardCount: 0 } },
      },
      // C's second order pays B share(100000, 1000) = 10000
      { event: settle('C', 'c2', 100000n), rewards: [['referralCycle', 'B', 'c2', 10000n]], wallets: { B: 10000n } },
    ]);
    expect(run.effects[4]).toEqual([]);
  });

  it('moves the referrer to the next rate when A > 0 even if the reward rounds to 0', () => {
    runTable(cycle(), [
      { event: join('A') },
      { event: join('B', 'A') },
      { event: settle('A', 'a1', 100000n) },
      // k = 0: share(min(100000, 9), 1000) = floor(0.9) = 0: not listed, but the count moves
      {
        event: settle('B', 'b1', 9n),
        rewards: [],
        progress: { A: { merchant: true, baseFen: 100000n, rewardCount: 1 } },
      },
      // k = 1: share(100000, 2000) = 20000
      { event: settle('B', 'b2', 100000n), rewards: [['referralCycle', 'A', 'b2', 20000n]] },
    ]);
  });

  it('cycles through any configured rate list by k mod its length, a zero rate paying nothing', () => {
    const engine = engineOf({ referralCycle: { ratesBps: [500, 0, 10000, 2500] } });
    // Invitee orders of 40000: share(40000, r) for r = 500, 0, 10000, 2500, 500 = 2000, 0, 40000, 10000, 2000
    const expected = [2000n, 0n, 40000n, 10000n, 2000n];
    let total = 0n;
    const table: Row[] = [{ event: join('A') }, { event: settle('A', 'a1', 100000n) }];
    expected.forEach((amount, k) => {
      total += amount;
      table.push({ event: join(`U${k}`, 'A') });
      table.push({
        event: settle(`U${k}`, `u${k}`, 40000n),
        rewards: amount === 0n ? [] : [['referralCycle', 'A', `u${k}`, amount]],
        wallets: { A: total },
        progress: { A: { merchant: true, baseFen: 100000n, rewardCount: k + 1 } },
      });
    });
    runTable(engine, table);
    expect(total).toBe(54000n);
  });
});
