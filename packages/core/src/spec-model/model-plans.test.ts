import { describe, expect, it } from 'vitest';
import { close, join, rows, run, settle, type Doc } from './golden.test-helper';

// Hand-computed goldens for each SPEC 3.5 settlement plan, arithmetic in comments. share(x, bps) = floor(x * bps / 10000).

describe('SPEC 3.5 promotionCommission', () => {
  const chain = [join('R2'), join('R1', 'R2'), join('U', 'R1')];

  it('pays R1 share(A, level1Bps) and R2 share(A, level2Bps), skipping who has not bought, with no roll-up', () => {
    const r = run({
      plans: { promotionCommission: {} },
      events: [...chain, settle('R2', 'r2', 10_000), settle('U', 'u1', 100_000)].concat(
        settle('R1', 'r1', 1), // R1's referrer R2 gets share(1, 1000) = 0: not listed
        settle('U', 'u2', 100_000),
      ),
    });
    // u1: R1 has spent 0 (skipped, its 10000 stays with the platform); R2 gets share(100000, 500) = 5000 only
    // u2: R1 has spent 1: share(100000, 1000) = 10000; R2 5000
    expect(rows(r)).toEqual([
      'promotionCommission R2 u1 5000',
      'promotionCommission R1 u2 10000',
      'promotionCommission R2 u2 5000',
    ]);
  });

  it('pays both levels to people who never bought when buyersOnly is false', () => {
    const r = run({
      plans: { promotionCommission: { level1Bps: 333, level2Bps: 1, buyersOnly: false } },
      events: [...chain, settle('U', 'u1', 99_999)],
    });
    // share(99999, 333) = floor(33299667 / 10000) = 3329; share(99999, 1) = 9
    expect(rows(r)).toEqual(['promotionCommission R1 u1 3329', 'promotionCommission R2 u1 9']);
  });
});

describe('SPEC 3.5 levelDifferential', () => {
  const levels = [
    { code: 'V1', minSpendFen: 0 },
    { code: 'V2', minSpendFen: 100_000 },
    { code: 'V3', minSpendFen: 500_000 },
  ];
  const plans = { levelDifferential: { ratesBps: [100, 300, 600] } };
  const chain = [join('R2'), join('R1', 'R2'), join('U', 'R1')];

  it('pays each upline the difference over the rate already paid', () => {
    const r = run({
      plans,
      levels,
      events: [...chain, { type: 'setLevel', user: 'R2', level: 'V3' }, settle('U', 'u1', 100_000)],
    });
    // everyone holds V1 from joining (minSpendFen 0). R1: rate 100 > 0: share(100000, 100) = 1000, paid = 100;
    // R2 at V3: 600 > 100: share(100000, 500) = 5000
    expect(rows(r)).toEqual(['levelDifferential R1 u1 1000', 'levelDifferential R2 u1 5000']);
  });

  it('pays R2 nothing when R1’s rate is already higher, and uses the higher of set and spend levels', () => {
    const r = run({
      plans,
      levels,
      events: [...chain, { type: 'setLevel', user: 'R1', level: 'V3' }, settle('R2', 'r2', 100_000)].concat(
        settle('U', 'u1', 100_000), // R1 600: 6000; R2 (V2 by spend) 300 < 600: nothing
        { type: 'setLevel', user: 'R1', level: 'V1' }, // replaced downwards: R1 at V1 (spend 0)
        { type: 'setLevel', user: 'R2', level: 'V1' }, // set V1, but spend 100000 keeps R2 at V2
        settle('U', 'u2', 100_000), // R1 100: 1000; R2 300 > 100: share(100000, 200) = 2000
      ),
    });
    expect(rows(r)).toEqual([
      'levelDifferential R1 u1 6000',
      'levelDifferential R1 u2 1000',
      'levelDifferential R2 u2 2000',
    ]);
  });
});

describe('SPEC 3.5 regionalAgent', () => {
  const appoint = (user: string, region: string[]) => ({ type: 'appoint', user, region });
  const dismiss = (user: string, region: string[]) => ({ type: 'dismiss', user, region });
  const users = ['P', 'C1', 'C2', 'C3', 'D', 'X', 'B'].map((u) => join(u));

  it('pays each tier’s agents equal floors in appointment order, the remainder to the platform', () => {
    const r = run({
      plans: { regionalAgent: {} },
      events: [
        ...users,
        appoint('P', ['浙江']),
        appoint('C1', ['浙江', '杭州']),
        appoint('C2', ['浙江', '杭州']),
        appoint('D', ['浙江', '杭州', '西湖']),
        appoint('X', ['江苏', '杭州']), // another province's 杭州: not this order's city
        settle('B', 'o1', 100_000, { region: ['浙江', '杭州', '西湖'] }),
        appoint('C3', ['浙江', '杭州']),
        dismiss('C1', ['浙江', '杭州']),
        appoint('C1', ['浙江', '杭州']), // re-appointed: now after C2 and C3
        settle('B', 'o2', 100_001, { region: ['浙江', '杭州'] }),
        settle('B', 'o3', 100_000), // no region: no agent
      ],
    });
    // o1: province share(100000, 100) = 1000 / 1; city share(100000, 200) = 2000 / 2 = 1000 each;
    //     district share(100000, 300) = 3000
    // o2: province share(100001, 100) = 1000; city share(100001, 200) = 2000, / 3 = 666 each (2 stay)
    expect(rows(r)).toEqual([
      'regionalAgent P o1 1000',
      'regionalAgent C1 o1 1000',
      'regionalAgent C2 o1 1000',
      'regionalAgent D o1 3000',
      'regionalAgent P o2 1000',
      'regionalAgent C2 o2 666',
      'regionalAgent C3 o2 666',
      'regionalAgent C1 o2 666',
    ]);
  });

  it('pays one person once per matching tier, and a buyer who is their own agent', () => {
    const r = run({
      plans: { regionalAgent: { provinceBps: 10, cityBps: 20, districtBps: 0 } },
      events: [join('P'), appoint('P', ['江苏']), appoint('P', ['江苏', '宁波', '上城'])].concat(
        appoint('P', ['江苏', '宁波']),
        settle('P', 'p1', 50_000, { region: ['江苏', '宁波', '上城'] }),
      ),
    });
    // province share(50000, 10) = 50; city share(50000, 20) = 100; district 0 (not listed)
    expect(rows(r)).toEqual(['regionalAgent P p1 50', 'regionalAgent P p1 100']);
  });
});

describe('SPEC 3.5 cashback', () => {
  it('pays per = floor(total / n) now and at n - 2 closes, and the remainder at the (n - 1)-th close', () => {
    const doc = (closes: number): Doc => ({
      plans: { cashback: { installments: 3 } },
      events: [join('A'), settle('A', 'a1', 100_000), ...Array.from({ length: closes }, () => close)],
    });
    // total = share(100000, 500) = 5000; per = floor(5000 / 3) = 1666; last = 5000 - 1666 * 2 = 1668
    expect(run(doc(0)).cashback).toEqual([{ order: 'a1', user: 'A', remainingFen: 3334n, installmentsLeft: 2n }]);
    expect(run(doc(1)).cashback).toEqual([{ order: 'a1', user: 'A', remainingFen: 1668n, installmentsLeft: 1n }]);
    const done = run(doc(3));
    expect(done.cashback).toEqual([]);
    expect(rows(done)).toEqual(['cashback A a1 1666', 'cashback A a1 1666', 'cashback A a1 1668']);
  });

  it('pays the whole total at settlement with one installment, and makes no schedule for a total of 0', () => {
    const r = run({
      plans: { cashback: {} },
      events: [join('A'), settle('A', 'a1', 12_345), settle('A', 'a2', 19), close],
    });
    // share(12345, 500) = 617; share(19, 500) = floor(9500 / 10000) = 0: nothing, no schedule
    expect(rows(r)).toEqual(['cashback A a1 617']);
    expect(r.cashback).toEqual([]);
  });

  it('counts installments of 0 without listing them', () => {
    const events = [join('A'), settle('A', 'a1', 100), ...Array.from({ length: 34 }, () => close)];
    // total = share(100, 500) = 5; n = 36: per = 0 at settlement and 34 closes; the 35th close pays 5
    const waiting = run({ plans: { cashback: { installments: 36 } }, events });
    expect(waiting.rewards).toEqual([]);
    expect(waiting.cashback).toEqual([{ order: 'a1', user: 'A', remainingFen: 5n, installmentsLeft: 1n }]);
    const paid = run({ plans: { cashback: { installments: 36 } }, events: [...events, close] });
    expect(rows(paid)).toEqual(['cashback A a1 5']);
  });
});

describe('SPEC 3.5 queueRebate', () => {
  it('pays the head from each later order’s budget, moving on down the queue, the rest to the platform', () => {
    const r = run({
      plans: { queueRebate: {} },
      events: [join('A'), join('B'), join('C')].concat(
        settle('A', 'o1', 100_000), // budget 20000, empty queue: platform; joins with 100000
        settle('B', 'o2', 50_000), // budget 10000 -> o1 (90000 left); joins with 50000
        settle('C', 'o3', 500_000), // budget 100000 -> o1 90000 (leaves), 10000 -> o2 (40000 left); joins 500000
      ),
    });
    expect(rows(r)).toEqual(['queueRebate A o1 10000', 'queueRebate A o1 90000', 'queueRebate B o2 10000']);
    expect(r.queue).toEqual([
      { order: 'o2', user: 'B', remainingFen: 40_000n },
      { order: 'o3', user: 'C', remainingFen: 500_000n },
    ]);
  });

  it('lets an order pay its buyer’s earlier entry but never itself, and queues no entitlement of 0', () => {
    const r = run({
      plans: { queueRebate: { capBps: 1, payBps: 10_000 } },
      events: [join('A'), settle('A', 'a1', 9999), settle('A', 'a2', 20_000), settle('A', 'a3', 10)],
    });
    // a1: share(9999, 1) = 0: never queued (its budget 9999 finds an empty queue)
    // a2: budget 20000, queue empty; joins with share(20000, 1) = 2. a3: budget 10 -> a2 gets 2 and leaves
    expect(rows(r)).toEqual(['queueRebate A a2 2']);
    expect(r.queue).toEqual([]);
  });
});

describe('SPEC 3.5 dividendPool', () => {
  const levels = [
    { code: 'V1', minSpendFen: 0 },
    { code: 'V2', minSpendFen: 100_000 },
  ];

  it('pays by level weight in join order at a close, carrying the rounding over', () => {
    const r = run({
      plans: { dividendPool: { weights: [1, 3] } },
      levels,
      events: [join('A'), join('B'), join('C'), settle('B', 'b1', 100_050), settle('C', 'c1', 50_000), close].concat(
        close,
      ),
    });
    // accrued share(100050, 200) = 2001 + share(50000, 200) = 1000 -> D = 3001; weights A 1 (V1 from 0), B 3 (V2),
    // C 1: W = 5; A floor(3001 / 5) = 600, B floor(9003 / 5) = 1800, C 600; carry 1. Second close: D = 1, all 0.
    expect(rows(r)).toEqual(['dividend A null 600', 'dividend B null 1800', 'dividend C null 600']);
    expect(r.dividendPool).toEqual({ cashFen: 1n });
  });

  it('pays the top N period spenders in rank order (ties: earlier join), then resets period spend', () => {
    const r = run({
      plans: { dividendPool: { basis: 'ranking', topN: 2, accrueBps: 1000 } },
      events: [join('A'), join('B'), join('C'), join('D')].concat(
        settle('A', 'a', 100),
        settle('B', 'b', 300),
        settle('C', 'c', 500),
        settle('D', 'd', 300),
        close,
        settle('A', 'a2', 10),
        close,
      ),
    });
    // D = 10 + 30 + 50 + 30 = 120; top 2: C 500, B 300 (before D by join): T = 800; C floor(120*500/800) = 75,
    // B floor(120*300/800) = 45. Next period only A spent 10: D = 1, A floor(1 * 10 / 10) = 1
    expect(rows(r)).toEqual(['dividend C null 75', 'dividend B null 45', 'dividend A null 1']);
    expect(r.dividendPool).toEqual({ cashFen: 0n });
  });

  it('carries the whole pool when nobody qualifies', () => {
    const r = run({
      plans: { dividendPool: { weights: [0, 5] } },
      levels,
      events: [join('A'), settle('A', 'a', 50_000), close],
    });
    // share(50000, 200) = 1000; A is at V1 with weight 0: nobody; 1000 carries
    expect(r.rewards).toEqual([]);
    expect(r.dividendPool).toEqual({ cashFen: 1000n });
  });
});
