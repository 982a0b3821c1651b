import { describe, expect, it } from 'vitest';
import { Engine } from './engine';
import { parseScenario, runScenario } from './scenario';
import { buy, join, refusal, resultText } from './scenario.test-helper';

interface CampaignsResult {
  campaigns: Record<
    string,
    { plan: string; version: number; pool?: unknown; positions?: { order: string; units: number }[] }
  >;
  wallets: Record<string, number>;
  rewards: {
    kind: string;
    campaign: string | null;
    version: number | null;
    user: string;
    order: string | null;
    amountFen: number;
  }[];
}
const run = (doc: unknown) => JSON.parse(resultText(doc)) as CampaignsResult;
const gift = (amountFen: number) => ({ product: 'gift', amountFen });
const tea = (amountFen: number) => ({ product: 'tea', amountFen });
const rows = (r: CampaignsResult) => r.rewards.map((x) => [x.campaign, x.version, x.user, x.order, x.amountFen]);

const twoCycles = [
  { id: 'gift-rc', plan: 'referralCycle', params: { ratesBps: [1000, 2000, 7000] }, products: ['gift'] },
  { id: 'tea-rc', plan: 'referralCycle', params: { ratesBps: [500, 1000, 2000] }, products: ['tea'] },
];

describe('campaigns: several of one plan side by side (issue 8)', () => {
  it('runs two referral-cycle campaigns on two products with their own rates, counts and bases', () => {
    const doc = {
      campaigns: twoCycles,
      events: [
        join('A'),
        join('B', 'A'),
        join('C', 'A'),
        buy('A', 'a1', 100000, { lines: [gift(100000)] }), // A: gift base 100000
        buy('A', 'a2', 10000, { lines: [tea(10000)] }), // A: tea base 10000
        buy('B', 'b1', 100000, { lines: [gift(100000)] }), // gift k=0: share(100000, 1000) = 10000
        buy('B', 'b2', 10000, { lines: [tea(10000)] }), // tea k=0: share(10000, 500) = 500
        // both lines: gift k=1: share(100000, 2000) = 20000, then tea k=1: share(min(10000, 10000), 1000) = 1000
        buy('C', 'c1', 110000, { lines: [gift(100000), tea(10000)] }),
      ],
    };
    const out = run(doc);
    expect(rows(out)).toEqual([
      ['gift-rc', 1, 'A', 'b1', 10000],
      ['tea-rc', 1, 'A', 'b2', 500],
      ['gift-rc', 1, 'A', 'c1', 20000],
      ['tea-rc', 1, 'A', 'c1', 1000],
    ]);
    expect(out.campaigns).toEqual({
      'gift-rc': { plan: 'referralCycle', version: 1 },
      'tea-rc': { plan: 'referralCycle', version: 1 },
    });
    expect(out.wallets).toEqual({ A: 31500 });
  });

  it('keeps two appreciation pools apart, each with its own price and positions', () => {
    const doc = {
      campaigns: [
        { id: 'pool-gift', plan: 'appreciationPool', params: {}, products: ['gift'] },
        { id: 'pool-tea', plan: 'appreciationPool', params: { initialPriceFen: 50 }, products: ['tea'] },
      ],
      events: [
        join('A'),
        // gift: c = 30000, v = 21000: 210 points at 1 yuan; tea: c = 3000, v = 2100: 42 points at 0.5 yuan
        buy('A', 'a1', 110000, { lines: [gift(100000), tea(10000)] }),
        buy('A', 'a2', 100000, { lines: [gift(100000)] }),
      ],
    };
    const out = run(doc);
    expect(out.campaigns['pool-gift']).toMatchObject({
      pool: { cashFen: 60000, supplyUnits: 357000000 },
      positions: [
        { order: 'a1', units: 210000000 },
        { order: 'a2', units: 147000000 },
      ],
    });
    expect(out.campaigns['pool-tea']).toMatchObject({
      pool: { cashFen: 3000, supplyUnits: 42000000 },
      positions: [{ order: 'a1', units: 42000000 }],
    });
  });

  it('redeems from the campaign named, refuses an ambiguous redemption, and takes the only holder otherwise', () => {
    const campaigns = [
      { id: 'pool-gift', plan: 'appreciationPool', products: ['gift'] },
      { id: 'pool-tea', plan: 'appreciationPool', products: ['tea'] },
    ];
    const events = [
      join('A'),
      buy('A', 'a1', 110000, { lines: [gift(100000), tea(10000)] }),
      buy('A', 'a2', 100000, { lines: [gift(100000)] }),
    ];
    const ambiguous = refusal({
      campaigns,
      events: [...events, { type: 'redeem', user: 'A', order: 'a1', units: 1000000 }],
    });
    expect([ambiguous.index, ambiguous.code]).toEqual([3, 'ambiguous_redeem']);
    const named = run({
      campaigns,
      events: [...events, { type: 'redeem', user: 'A', order: 'a1', units: 1000000, campaign: 'pool-tea' }],
    });
    // tea pool: P 3000, S 21e6 (initial price 1 yuan): gross = floor(1e6 * 3000 / 21e6) = 142, paid share(142, 8000) = 113
    expect(rows(named)).toEqual([['pool-tea', 1, 'A', 'a1', 113]]);
    const only = run({ campaigns, events: [...events, { type: 'redeem', user: 'A', order: 'a2', units: 1000000 }] });
    expect(only.rewards[0]?.campaign).toBe('pool-gift');
  });

  it('gives a campaign a new version mid-way: later orders use the new parameters, state is kept, rewards name the version', () => {
    const doc = {
      campaigns: [twoCycles[0]],
      events: [
        join('A'),
        ...['B', 'C', 'D'].map((u) => join(u, 'A')),
        buy('A', 'a1', 100000, { lines: [gift(100000)] }),
        buy('B', 'b1', 100000, { lines: [gift(100000)] }), // v1, k=0: 10000
        { type: 'campaign', id: 'gift-rc', params: { ratesBps: [3000, 3000, 3000] } },
        buy('C', 'c1', 100000, { lines: [gift(100000)] }), // v2, k=1 (the count is kept): 30000
        { type: 'campaign', id: 'gift-rc', params: {}, products: ['tea'] }, // v3: default rates, now on tea only
        buy('D', 'd1', 100000, { lines: [gift(100000)] }), // gift is out of scope now: nothing
      ],
    };
    const out = run(doc);
    expect(rows(out)).toEqual([
      ['gift-rc', 1, 'A', 'b1', 10000],
      ['gift-rc', 2, 'A', 'c1', 30000],
    ]);
    expect(out.campaigns['gift-rc']?.version).toBe(3);
  });

  it('creates a campaign mid-way and acts only with the campaigns a settle event names', () => {
    const doc = {
      campaigns: [{ id: 'cb-1', plan: 'cashback', params: { rateBps: 100 } }],
      events: [
        join('A'),
        buy('A', 'a1', 100000), // cb-1: 1000
        { type: 'campaign', id: 'cb-2', plan: 'cashback', params: { rateBps: 200 } },
        buy('A', 'a2', 100000), // cb-1: 1000, cb-2: 2000 (creation order within the plan)
        buy('A', 'a3', 100000, { campaigns: ['cb-2'] }), // only cb-2: 2000
        buy('A', 'a4', 100000, { campaigns: [] }), // no campaign acts
      ],
    };
    expect(rows(run(doc))).toEqual([
      ['cb-1', 1, 'A', 'a1', 1000],
      ['cb-1', 1, 'A', 'a2', 1000],
      ['cb-2', 1, 'A', 'a2', 2000],
      ['cb-2', 1, 'A', 'a3', 2000],
    ]);
  });

  it('refuses unknown campaigns, a campaign changing plan, a duplicate id and a bad id', () => {
    const base = { campaigns: [{ id: 'cb', plan: 'cashback' }] };
    expect(refusal({ ...base, events: [join('A'), buy('A', 'a1', 1, { campaigns: ['nope'] })] }).code).toBe(
      'unknown_campaign',
    );
    expect(refusal({ ...base, events: [{ type: 'campaign', id: 'cb', plan: 'queueRebate' }] }).code).toBe(
      'invalid_campaign',
    );
    expect(refusal({ ...base, events: [{ type: 'campaign', id: 'new' }] }).message).toMatch(/needs a plan/);
    expect(refusal({ ...base, events: [{ type: 'campaign', id: 'cb', params: { rateBps: -1 } }] }).index).toBe(0);
    expect(refusal({ campaigns: [base.campaigns[0], base.campaigns[0]], events: [] }).message).toMatch(/used twice/);
    expect(refusal({ campaigns: [{ id: 'a:b', plan: 'cashback' }], events: [] }).message).toMatch(/campaign id/);
    expect(refusal({ plans: {}, campaigns: [], events: [] }).message).toMatch(/either "plans" or "campaigns"/);
  });

  it('derives transfer ids from campaign and cause, so two campaigns of one plan never collide', () => {
    const scenario = parseScenario({
      campaigns: [
        { id: 'q1', plan: 'queueRebate' },
        { id: 'q2', plan: 'queueRebate' },
        { id: 'p1', plan: 'appreciationPool' },
        { id: 'p2', plan: 'appreciationPool' },
      ],
      events: [join('A'), buy('A', 'a1', 100000), buy('A', 'a2', 100000)],
    });
    const ids: string[] = [];
    runScenario(scenario, {
      onEvent: (_i, _e, effects) => effects.forEach((e) => e.type === 'transfer' && ids.push(e.id)),
    });
    expect(ids.length).toBeGreaterThan(4);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('queueRebate:q2:0:a2');
    expect(ids).toContain('poolContribution:p2:a1');
  });

  it('forks an engine that shares no state with the original', () => {
    const scenario = parseScenario({
      campaigns: [{ id: 'p', plan: 'appreciationPool' }],
      events: [join('A'), buy('A', 'a1', 100000)],
    });
    const { engine } = runScenario(scenario);
    const fork = engine.fork();
    fork.apply({ type: 'join', user: 'B' });
    fork.apply({ type: 'settle', user: 'B', order: 'b1', amountFen: 100000n });
    expect(engine.hasUser('B')).toBe(false);
    expect(engine.facts('p').find((f) => f.key === 'cashFen')?.value).toBe(30000n);
    expect(fork.facts('p').find((f) => f.key === 'cashFen')?.value).toBe(60000n);
    expect(engine).toBeInstanceOf(Engine);
  });
});
