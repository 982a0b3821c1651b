/**
 * Test-only: fast-check arbitraries of VALID scenario documents (SPEC 4 plans form) using every plan of the mode
 * library together or in subsets: levels (with a first level at 0 or not, or none), product scopes and lines,
 * regions and agents (appointed, dismissed, re-appointed), setLevel up and down, period closes, redemptions
 * (valid and refused) and zero-amount orders, with parameters across their ranges.
 */
import fc from 'fast-check';

export interface ScenarioDoc {
  levels?: { code: string; minSpendFen: number }[];
  plans: Record<string, Record<string, unknown>>;
  events: Record<string, unknown>[];
}

const PRODUCTS = ['p1', 'p2', 'p3'];
const REGIONS: string[][] = [['GD'], ['GD', 'SZ'], ['GD', 'SZ', 'NS'], ['GD', 'GZ'], ['ZJ', 'HZ', 'XH']];

const bps = (usual: number) =>
  fc.oneof(fc.constant(usual), fc.constantFrom(0, 10_000), fc.integer({ min: 0, max: 10_000 }));

const levelsArb = fc.oneof(
  fc.constant([] as number[]),
  fc
    .uniqueArray(fc.integer({ min: 1, max: 400_000 }), { minLength: 1, maxLength: 3 })
    .chain((xs) => fc.boolean().map((zero) => [...(zero ? [0] : []), ...xs.sort((a, b) => a - b)].slice(0, 3))),
);

const scopeArb = fc.option(fc.subarray(PRODUCTS), { nil: undefined, freq: 3 });

function planArbs(levelCount: number): Record<string, fc.Arbitrary<Record<string, unknown>>> {
  const perLevel = (max: number) =>
    fc.array(fc.integer({ min: 0, max }), { minLength: levelCount, maxLength: levelCount });
  const arbs: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
    referralCycle: fc.record({
      ratesBps: fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 4 }),
    }),
    promotionCommission: fc.record({ level1Bps: bps(1000), level2Bps: bps(500), buyersOnly: fc.boolean() }),
    regionalAgent: fc.record({ provinceBps: bps(100), cityBps: bps(200), districtBps: bps(300) }),
    cashback: fc.record({
      rateBps: bps(500),
      installments: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 5 }), fc.constant(36)),
    }),
    queueRebate: fc.record({
      capBps: fc.oneof(fc.constant(10_000), fc.integer({ min: 1, max: 30_000 }), fc.constant(1_000_000)),
      payBps: bps(2000),
    }),
    dividendPool:
      levelCount > 0
        ? fc.oneof(
            fc.record({ accrueBps: bps(200), basis: fc.constant('level'), weights: perLevel(20) }),
            fc.record({ accrueBps: bps(200), basis: fc.constant('ranking'), topN: fc.integer({ min: 1, max: 4 }) }),
          )
        : fc.record({ accrueBps: bps(200), basis: fc.constant('ranking'), topN: fc.integer({ min: 1, max: 4 }) }),
    appreciationPool: fc.record({
      poolShareBps: bps(3000),
      creditShareBps: bps(7000),
      initialPriceFen: fc.oneof(fc.constant(100), fc.integer({ min: 1, max: 1000 })),
      exitMultipleBps: fc.oneof(fc.constant(20_000), fc.integer({ min: 1, max: 30_000 })),
      exitCashShareBps: bps(8000),
      redeemFeeBps: bps(2000),
    }),
  };
  if (levelCount > 0) arbs.levelDifferential = fc.record({ ratesBps: perLevel(3000) });
  return arbs;
}

type Intent =
  | { kind: 'join'; referrer: number | null }
  | { kind: 'settle'; user: number; amountFen: number; lines: number; region: number }
  | { kind: 'redeem'; pick: number; units: number; byOther: boolean }
  | { kind: 'setLevel'; user: number; level: number }
  | { kind: 'agent'; user: number; region: number }
  | { kind: 'close' };

const amountArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 100 }) },
  { weight: 6, arbitrary: fc.constantFrom(10_000, 50_000, 100_000, 300_000) },
  { weight: 3, arbitrary: fc.integer({ min: 101, max: 1_000_000 }) },
);

const intentArb: fc.Arbitrary<Intent> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('join' as const), referrer: fc.option(fc.nat(), { nil: null, freq: 4 }) }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      user: fc.nat(),
      amountFen: amountArb,
      lines: fc.integer({ min: 0, max: 4 }),
      region: fc.integer({ min: -1, max: REGIONS.length - 1 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('redeem' as const),
      pick: fc.nat(),
      units: fc.oneof(
        fc.constant(0),
        fc.constantFrom(1, 1_000_000, 10_000_000, 50_000_000, 100_000_000),
        fc.integer({ min: 1, max: 300_000_000 }),
      ),
      byOther: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('setLevel' as const), user: fc.nat(), level: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('agent' as const), user: fc.nat(), region: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'close' as const }) },
);

/** Resolves intents against what exists so far, so every event is valid. */
function resolve(intents: readonly Intent[], levelCodes: readonly string[]): Record<string, unknown>[] {
  const users: string[] = [];
  const orders: { order: string; user: string }[] = [];
  const agents = new Set<string>();
  const events: Record<string, unknown>[] = [];
  for (const intent of intents) {
    if (intent.kind === 'join' || users.length === 0) {
      const user = `u${users.length}`;
      const referrer =
        intent.kind === 'join' && intent.referrer !== null && users.length > 0
          ? users[intent.referrer % users.length]
          : undefined;
      users.push(user);
      events.push(referrer === undefined ? { type: 'join', user } : { type: 'join', user, referrer });
      continue;
    }
    switch (intent.kind) {
      case 'settle': {
        const user = users[intent.user % users.length] as string;
        const order = `o${orders.length}`;
        const event: Record<string, unknown> = { type: 'settle', user, order, amountFen: intent.amountFen };
        if (intent.lines > 0) {
          // split the amount over up to three products (the last line takes the remainder)
          const count = Math.min(intent.lines, 3);
          const lines = [];
          let left = intent.amountFen;
          for (let i = 0; i < count; i += 1) {
            const amount = i === count - 1 ? left : left - (left >> 1);
            left -= amount;
            lines.push({ product: PRODUCTS[(intent.user + i) % PRODUCTS.length], amountFen: amount });
          }
          event.lines = lines;
        }
        if (intent.region >= 0) event.region = REGIONS[intent.region];
        orders.push({ order, user });
        events.push(event);
        break;
      }
      case 'redeem': {
        if (orders.length === 0) break;
        const target = orders[intent.pick % orders.length] as { order: string; user: string };
        const user = intent.byOther ? (users[(intent.pick >> 3) % users.length] as string) : target.user;
        events.push({ type: 'redeem', user, order: target.order, units: intent.units });
        break;
      }
      case 'setLevel':
        if (levelCodes.length > 0) {
          events.push({
            type: 'setLevel',
            user: users[intent.user % users.length],
            level: levelCodes[intent.level % levelCodes.length],
          });
        }
        break;
      case 'agent': {
        const user = users[intent.user % users.length] as string;
        const region = REGIONS[intent.region % REGIONS.length] as string[];
        const key = `${user}|${region.join('/')}`;
        events.push({ type: agents.has(key) ? 'dismiss' : 'appoint', user, region });
        if (agents.has(key)) agents.delete(key);
        else agents.add(key);
        break;
      }
      default:
        events.push({ type: 'periodClose' });
    }
  }
  return events;
}

/** A valid scenario with the given plans on (all when omitted, else each of `only`), random parameters and scopes. */
export function scenarioArb(
  options: { only?: readonly string[]; maxEvents?: number; needLevels?: boolean } = {},
): fc.Arbitrary<ScenarioDoc> {
  const levelChoices = options.needLevels === true ? levelsArb.filter((l) => l.length > 0) : levelsArb;
  return levelChoices.chain((levelsFen) => {
    const levels = levelsFen.map((minSpendFen, i) => ({ code: `V${i + 1}`, minSpendFen }));
    const arbs = planArbs(levels.length);
    // A plan this file does not know (a test fixture) runs with its defaults.
    const codes = options.only ?? Object.keys(arbs);
    const planEntries = codes.map((code) =>
      fc.tuple(fc.constant(code), arbs[code] ?? fc.constant({}), scopeArb, fc.boolean()),
    );
    return fc
      .tuple(
        fc.tuple(...planEntries),
        fc.array(intentArb, { minLength: 1, maxLength: options.maxEvents ?? 80, size: 'max' }),
      )
      .map(([entries, intents]) => {
        const plans: Record<string, Record<string, unknown>> = {};
        // with `only`, every listed plan is on; otherwise each plan is on with probability 1/2 (at least one)
        for (const [code, params, scope, on] of entries) {
          if (options.only === undefined && !on) continue;
          plans[code] = scope === undefined ? params : { ...params, products: scope };
        }
        const [first] = entries;
        if (Object.keys(plans).length === 0 && first !== undefined) plans[first[0]] = first[1];
        const events = resolve(
          intents,
          levels.map((l) => l.code),
        );
        return levels.length > 0 ? { levels, plans, events } : { plans, events };
      });
  });
}
