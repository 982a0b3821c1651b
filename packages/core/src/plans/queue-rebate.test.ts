import { describe, expect, it } from 'vitest';
import { buy, join, result } from '../scenario.test-helper';

describe('queue rebate (SPEC 3.5)', () => {
  it('pays share(A, payBps) to the head, then queues the order with share(A, capBps)', () => {
    // defaults capBps 10000, payBps 2000. A: budget 20000, empty queue: the platform keeps it; A queues 100000.
    // B: 20000 to A (80000 left); B queues 100000. C: share(50000, 2000) = 10000 to A (70000 left); C queues 50000.
    const doc = {
      plans: { queueRebate: {} },
      events: [join('A'), join('B'), join('C'), buy('A', 'a1', 100000), buy('B', 'b1', 100000), buy('C', 'c1', 50000)],
    };
    expect(result(doc)).toMatchObject({
      rewards: [
        { kind: 'queueRebate', user: 'A', order: 'a1', amountFen: 20000 },
        { kind: 'queueRebate', user: 'A', order: 'a1', amountFen: 10000 },
      ],
      queue: [
        { order: 'a1', user: 'A', remainingFen: 70000 },
        { order: 'b1', user: 'B', remainingFen: 100000 },
        { order: 'c1', user: 'C', remainingFen: 50000 },
      ],
    });
  });

  it('carries the budget down the queue past heads whose entitlement is met, the rest staying with the platform', () => {
    // payBps 10000: A queues 100. B: 30 to A (70 left); B queues 30. C: budget 200: 70 to A (leaves), 30 to B
    // (leaves), 100 left with the platform; C queues 200. Each reward names the order of the entry repaid.
    const doc = {
      plans: { queueRebate: { payBps: 10000 } },
      events: [join('A'), join('B'), join('C'), buy('A', 'a1', 100), buy('B', 'b1', 30), buy('C', 'c1', 200)],
    };
    expect(result(doc)).toMatchObject({
      wallets: { A: 100, B: 30 },
      rewards: [
        { kind: 'queueRebate', user: 'A', order: 'a1', amountFen: 30 },
        { kind: 'queueRebate', user: 'A', order: 'a1', amountFen: 70 },
        { kind: 'queueRebate', user: 'B', order: 'b1', amountFen: 30 },
      ],
      queue: [{ order: 'c1', user: 'C', remainingFen: 200 }],
    });
  });

  it('never pays an order to itself, and queues nothing for an entitlement of 0', () => {
    // A's own order pays into an empty queue. share(1, 5000) = 0: B does not queue.
    const doc = {
      plans: { queueRebate: { capBps: 5000, payBps: 10000 } },
      events: [join('A'), join('B'), buy('A', 'a1', 100), buy('B', 'b1', 1)],
    };
    expect(result(doc)).toMatchObject({
      rewards: [{ kind: 'queueRebate', user: 'A', order: 'a1', amountFen: 1 }],
      queue: [{ order: 'a1', user: 'A', remainingFen: 49 }],
    });
  });

  it('keeps one shopper’s several orders as separate entries', () => {
    const doc = {
      plans: { queueRebate: { payBps: 5000 } },
      events: [join('A'), buy('A', 'a1', 100), buy('A', 'a2', 100), buy('A', 'a3', 100)],
    };
    // a2 pays 50 to a1; a3 pays 50 to a1 (which leaves): a2 and a3 wait with 100 each
    expect(result(doc).queue).toEqual([
      { order: 'a2', user: 'A', remainingFen: 100 },
      { order: 'a3', user: 'A', remainingFen: 100 },
    ]);
  });
});
