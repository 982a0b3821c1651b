/**
 * A plan that exists only in this file (issue 8 acceptance): registered here, it must appear in the summary,
 * audit, dashboard lookup, simulator, rules page and margin warning with no other file changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_REVENUE } from '../accounts';
import { BigIntColumn } from '../columns';
import { compliancePolicy, marginWarnings, plannedPayoutBps } from '../compliance';
import { generateScenario, completeGenerateOptions, DEFAULT_GENERATE } from '../generate';
import { share } from '../money';
import { checkPlanContract } from '../plan-contract.test-helper';
import { definePlan, pushCredit, pushRecord, type PlanEnv, type PlanInstance } from '../plan';
import { diffRecords, replayForAudit } from '../records';
import { rulesPage, rulesSection } from '../rules';
import { parseScenario, resultToJson, runScenario } from '../scenario';
import { SummaryCollector, formatSummary, summaryToJson } from '../summary';
import { stringifyJson } from '../json';
import { PLANS, planOfRewardKind, registerPlan } from './registry';

declare module '../effects' {
  interface RewardKindRegistry {
    loyaltyStamp: true;
  }
}

const CODE = 'loyaltyStamp';

interface LoyaltyInstance extends PlanInstance {
  stamps(userIndex: number): bigint;
  readonly cards: number;
}

function instance(env: PlanEnv, every: bigint, bonusBps: bigint, stamps: BigIntColumn, cards: number): LoyaltyInstance {
  const { campaign, directory } = env;
  let n = every;
  let bonus = bonusBps;
  return {
    campaign,
    stamps: (u) => stamps.get(u),
    get cards() {
      return cards;
    },
    settle(order, amountFen, out) {
      const count = stamps.get(order.userIndex) + 1n;
      if (count === 1n) cards += 1;
      // every n-th in-scope order of a shopper pays share(A, bonusBps) back, and the card starts again
      const full = count === n;
      stamps.set(order.userIndex, full ? 0n : count);
      if (full)
        pushCredit(
          out,
          campaign,
          'loyaltyStamp',
          order.order,
          PLATFORM_REVENUE,
          env.directory,
          order.userIndex,
          share(amountFen, bonus),
          order.order,
        );
      pushRecord(out, campaign, 'card', order.user, order.user, { stamps: full ? 0n : count });
    },
    periodClose(_period, out) {
      // cards expire at every period close
      for (let u = 0; u < directory.userCount(); u += 1) {
        if (stamps.get(u) === 0n) continue;
        stamps.set(u, 0n);
        pushRecord(out, campaign, 'card', directory.userId(u), directory.userId(u), { stamps: 0n });
      }
    },
    reconfigure(params) {
      n = BigInt(params.every as number);
      bonus = BigInt(params.bonusBps as number);
    },
    fork: (next) => instance(next, n, bonus, stamps.clone(), cards),
  };
}

const loyaltyStamp = definePlan({
  code: CODE,
  title: { zh: '集章返现', en: 'Loyalty stamps' },
  summary: { zh: '每集满若干单返还一笔现金。', en: 'Every few orders earn cash back.' },
  highRisk: false,
  referralLevels: 0,
  params: {
    every: { kind: 'integer', default: 3, min: 1, max: 20, label: { zh: '集满单数', en: 'Orders per card' } },
    bonusBps: { kind: 'bps', default: 3000, min: 0, max: 10_000, label: { zh: '返现比例（基点）', en: 'Bonus (bps)' } },
  },
  rewardKinds: { loyaltyStamp: { zh: '集章返现', en: 'Stamp bonus' } },
  records: { card: { zh: '集章卡', en: 'Stamp card' } },
  events: ['periodClose'],
  // one order can complete at most one card, paying share(A, bonusBps)
  payoutBoundBps: (p) => BigInt(p.bonusBps),
  create: (p, env) => instance(env, BigInt(p.every), BigInt(p.bonusBps), new BigIntColumn(), 0),
  facts: (i) => [{ key: 'cards', label: { zh: '集章卡', en: 'Stamp cards' }, value: BigInt(i.cards), unit: 'count' }],
  rules: (p) => ({
    clauses: [
      {
        zh: `每 ${p.every} 单返还最后一单的 ${p.bonusBps / 100}%。`,
        en: `Every ${p.every}th order pays ${p.bonusBps / 100}% back.`,
      },
    ],
    example: {
      description: { zh: 'A 连续购买', en: 'A buys several times' },
      steps: [
        { label: { zh: 'A 加入', en: 'A joins' }, events: [{ type: 'join', user: 'A' }] },
        ...[1, 2, 3].map((k) => ({
          label: { zh: `第 ${k} 单`, en: `Order ${k}` },
          events: [{ type: 'settle' as const, user: 'A', order: `a${k}`, amountFen: 10_000n }],
        })),
      ],
    },
  }),
  result: {
    rank: 20,
    json: (i) => ({ loyalty: { cards: i.cards } }),
  },
});

let unregister: () => void = () => undefined;
beforeAll(() => {
  unregister = registerPlan(loyaltyStamp);
});
afterAll(() => unregister());

// A buys three times (every 3rd pays share(100000, 3000) = 30000), B twice; a period close wipes B's card.
const doc = {
  plans: { loyaltyStamp: {}, cashback: {} },
  events: [
    { type: 'join', user: 'A' },
    { type: 'join', user: 'B' },
    ...[1, 2, 3].map((k) => ({ type: 'settle', user: 'A', order: `a${k}`, amountFen: 100000 })),
    ...[1, 2].map((k) => ({ type: 'settle', user: 'B', order: `b${k}`, amountFen: 100000 })),
    { type: 'periodClose' },
    { type: 'settle', user: 'B', order: 'b3', amountFen: 100000 },
  ],
};

describe('a plan registered only in a test (issue 8)', () => {
  it('passes the plan contract', () => {
    checkPlanContract(CODE, 30);
  });

  it('runs in the simulator: its rewards, its place in the order and its result section', () => {
    const result = runScenario(parseScenario(doc));
    const json = JSON.parse(stringifyJson(resultToJson(result))) as Record<string, unknown>;
    // registered last: it acts after cashback on a3
    expect(result.rewards.filter((r) => r.order === 'a3').map((r) => r.kind)).toEqual(['cashback', 'loyaltyStamp']);
    expect(result.wallets.get('A')).toBe(3n * 5000n + 30000n);
    expect(result.wallets.get('B')).toBe(3n * 5000n);
    expect(Object.keys(json)).toEqual(['pool', 'positions', 'wallets', 'rewards', 'cashback', 'loyalty']);
    // cards started: A's one, B's before and after the close
    expect(json.loyalty).toEqual({ cards: 3 });
    // the generator takes it like any other plan
    const generated = generateScenario(
      completeGenerateOptions(
        { ...DEFAULT_GENERATE, orders: 30, repeatBps: 8000, plans: { loyaltyStamp: {} } },
        new Map(PLANS.map((p) => [p.code, p.params])),
      ),
    );
    expect(runScenario(parseScenario(generated)).rewards.some((r) => r.kind === 'loyaltyStamp')).toBe(true);
  });

  it('appears in the summary with its label, payout, share and facts', () => {
    const scenario = parseScenario(doc);
    const collector = new SummaryCollector(scenario.events.length);
    const { engine } = runScenario(scenario, {
      onEvent: (i, e, effects, eng) => collector.onEvent(i, e, effects, eng),
    });
    const summary = collector.result(engine);
    expect(summary.kinds.find((k) => k.kind === 'loyaltyStamp')).toMatchObject({
      count: 1,
      amountFen: 30000n,
      label: { en: 'Stamp bonus' },
    });
    expect(summary.campaigns.find((c) => c.id === CODE)).toMatchObject({
      plan: CODE,
      payoutFen: 30000n,
      facts: [{ key: 'cards', value: 3n }],
    });
    const text = formatSummary(summary, { marginBps: 3000 });
    expect(text).toMatch(/集章返现 Stamp bonus \(¥\)\s+300\.00\s+5\.00%/);
    expect(text).toMatch(/loyaltyStamp: 集章卡 Stamp cards\s+3/);
    expect(
      JSON.stringify(summaryToJson(summary), (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)),
    ).toContain('"kind":"loyaltyStamp"');
  });

  it('is audited: a replay gives its records and transfers, a changed record is a difference', () => {
    const scenario = parseScenario(doc);
    const replay = replayForAudit(scenario.config, scenario.events);
    const cards = [...replay.records.values()].filter((r) => r.plan === CODE);
    expect(cards.map((c) => [c.key, c.data.stamps])).toEqual([
      ['A', 0n],
      ['B', 1n],
    ]);
    expect([...replay.transfers.keys()]).toContain('loyaltyStamp:loyaltyStamp:a3');
    const stored = [...replay.records.values()].map((r) =>
      r.key === 'B' && r.plan === CODE ? { ...r, data: { stamps: 2n } } : r,
    );
    expect(diffRecords(replay.records, stored)).toEqual([
      { key: { campaign: CODE, kind: 'card', key: 'B' }, expected: 'B stamps=1', actual: 'B stamps=2' },
    ]);
  });

  it('is found by the dashboard lookup, the rules page, the margin warning and the compliance guard', () => {
    expect(planOfRewardKind('loyaltyStamp')?.plan.code).toBe(CODE);
    const { engine } = runScenario(parseScenario(doc));
    const page = rulesPage(engine);
    const section = page.find((s) => s.plan === CODE);
    expect(section?.example.fromToday).toBe(true);
    // A's example card starts empty on the fork: the 3rd example order pays share(10000, 3000) = 3000
    expect(section?.example.steps[3]?.rewards).toEqual([
      { user: 'A', kind: 'loyaltyStamp', label: { zh: '集章返现', en: 'Stamp bonus' }, order: 'a3', amountFen: 3000n },
    ]);
    expect(rulesSection(CODE, { every: 2 }).clauses[0]?.en).toMatch(/Every 2th order pays 30% back/);
    expect(
      plannedPayoutBps([
        { plan: CODE, params: { bonusBps: 2500 } },
        { plan: 'cashback', params: {} },
      ]),
    ).toBe(3000n);
    expect(marginWarnings([{ plan: CODE, params: {} }], [{ name: 'tea', priceFen: 10000n, costFen: 8000n }])).toEqual([
      { sku: 'tea', priceFen: 10000n, marginFen: 2000n, payoutFen: 3000n },
    ]);
    expect(compliancePolicy(CODE)).toMatchObject({ highRisk: false, referralLevels: 0, refused: undefined });
  });
});
