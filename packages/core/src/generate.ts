import { intDiv } from './integers';
import type { ParamSchema } from './params';

/**
 * Synthetic scenarios for trying parameters before launch and for benchmarks. Deterministic: the same options
 * and seed always give the same events.
 */
export interface GenerateOptions {
  /** Number of settled orders. */
  orders: number;
  /** Order amounts in fen; each order picks one at random (one value: every order the same gift pack). */
  amountsFen: readonly number[];
  /** How many shoppers each shopper invites: the invitation tree is filled breadth-first. 0 means nobody invites. */
  fanout: number;
  /** Chance (bps) that an order is a repeat purchase by an existing shopper instead of a new one. */
  repeatBps: number;
  /** Chance (bps) after each order that an earlier buyer redeems `redeemUnits` of their position. */
  redeemBps: number;
  redeemUnits: number;
  seed: number;
  /** Plan configuration, as in a scenario file (a plan's entry may hold `products`). */
  plans: Readonly<Record<string, unknown>>;
  /** Member level thresholds in fen (levels L1, L2, ... lowest first); empty: no levels. */
  levelsFen?: readonly number[];
  /** Chance (bps) after each order that an admin sets a random shopper's level (levels required). */
  setLevelBps?: number;
  /** Region mix: provinces, cities per province, districts per city; 0 provinces: orders carry no region. */
  regions?: { provinces: number; cities: number; districts: number };
  /** Regional agents: the first shoppers are appointed, cycling through province, city and district tiers. */
  agents?: number;
  /** A periodClose after every this many orders (0: never). */
  periodOrders?: number;
  /** Products p1..pN; each order gets one or two lines over them (0: orders carry no lines). */
  products?: number;
}

export const DEFAULT_GENERATE: GenerateOptions = {
  orders: 1000,
  amountsFen: [100_000],
  fanout: 3,
  repeatBps: 0,
  redeemBps: 0,
  redeemUnits: 10_000_000,
  seed: 1,
  plans: { referralCycle: {}, appreciationPool: {} },
};

/** mulberry32 as unsigned 32-bit integers: small, fast and good enough to spread synthetic orders. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export type ScenarioEventJson =
  | { type: 'join'; user: string; referrer?: string }
  | {
      type: 'settle';
      user: string;
      order: string;
      amountFen: number;
      lines?: { product: string; amountFen: number }[];
      region?: string[];
    }
  | { type: 'redeem'; user: string; order: string; units: number }
  | { type: 'setLevel'; user: string; level: string }
  | { type: 'appoint'; user: string; region: string[] }
  | { type: 'periodClose' };

export interface ScenarioJson {
  levels?: { code: string; minSpendFen: number }[];
  plans: Readonly<Record<string, unknown>>;
  events: ScenarioEventJson[];
}

export function generateScenario(options: GenerateOptions): ScenarioJson {
  const next = random(options.seed);
  // Modulo bias of at most n / 2^32 does not matter for synthetic traffic.
  const pick = (n: number): number => next() % n;
  const events: ScenarioEventJson[] = [];
  const users: string[] = [];
  const settled: { user: string; order: string }[] = [];
  const levels = (options.levelsFen ?? []).map((minSpendFen, i) => ({ code: `L${i + 1}`, minSpendFen }));
  const regions = options.regions ?? { provinces: 0, cities: 0, districts: 0 };
  const regionOf = (): string[] => [
    `P${pick(regions.provinces) + 1}`,
    `C${pick(Math.max(1, regions.cities)) + 1}`,
    `D${pick(Math.max(1, regions.districts)) + 1}`,
  ];
  const agents = options.agents ?? 0;
  const products = options.products ?? 0;
  for (let i = 0; i < options.orders; i += 1) {
    let buyer: string;
    if (users.length > 0 && pick(10_000) < options.repeatBps) {
      buyer = users[pick(users.length)] as string;
    } else {
      buyer = `u${users.length + 1}`;
      const referrerIndex = options.fanout > 0 && users.length > 0 ? intDiv(users.length - 1, options.fanout) : -1;
      const referrer = referrerIndex >= 0 ? users[referrerIndex] : undefined;
      events.push(referrer === undefined ? { type: 'join', user: buyer } : { type: 'join', user: buyer, referrer });
      if (users.length < agents && regions.provinces > 0) {
        events.push({ type: 'appoint', user: buyer, region: regionOf().slice(0, (users.length % 3) + 1) });
      }
      users.push(buyer);
    }
    const order = `o${i + 1}`;
    const amountFen = options.amountsFen[pick(options.amountsFen.length)] as number;
    const settle: Extract<ScenarioEventJson, { type: 'settle' }> = { type: 'settle', user: buyer, order, amountFen };
    if (products > 0) {
      const first = `p${pick(products) + 1}`;
      if (products > 1 && pick(2) === 1) {
        const half = intDiv(amountFen, 2);
        settle.lines = [
          { product: first, amountFen: half },
          { product: `p${pick(products) + 1}`, amountFen: amountFen - half },
        ];
      } else {
        settle.lines = [{ product: first, amountFen }];
      }
    }
    // One order in ten ships without a region, so agents are not paid on every order.
    if (regions.provinces > 0 && pick(10) !== 0) settle.region = regionOf();
    events.push(settle);
    settled.push({ user: buyer, order });
    if (options.redeemBps > 0 && pick(10_000) < options.redeemBps) {
      const target = settled[pick(settled.length)] as { user: string; order: string };
      events.push({ type: 'redeem', user: target.user, order: target.order, units: options.redeemUnits });
    }
    if (levels.length > 0 && (options.setLevelBps ?? 0) > 0 && pick(10_000) < (options.setLevelBps ?? 0)) {
      events.push({
        type: 'setLevel',
        user: users[pick(users.length)] as string,
        level: `L${pick(levels.length) + 1}`,
      });
    }
    if ((options.periodOrders ?? 0) > 0 && (i + 1) % (options.periodOrders ?? 1) === 0) {
      events.push({ type: 'periodClose' });
    }
  }
  return levels.length > 0 ? { levels, plans: options.plans, events } : { plans: options.plans, events };
}

/** Level thresholds the generator uses when an enabled plan needs levels and none were given. */
export const DEFAULT_GENERATED_LEVELS_FEN: readonly number[] = [0, 300_000, 1_000_000];

/**
 * Fills what a generated run needs and the operator did not say: levels when a plan takes per-level parameters,
 * and a rising list (100, 200, 300, ...) for every per-level parameter left out. Reads only the schemas.
 */
export function completeGenerateOptions(
  options: GenerateOptions,
  plansByCode: ReadonlyMap<string, ParamSchema>,
): GenerateOptions {
  const plans: Record<string, unknown> = {};
  let levelsFen = options.levelsFen ?? [];
  const needsLevels = Object.keys(options.plans).some((code) =>
    Object.values(plansByCode.get(code) ?? {}).some((spec) => spec.kind === 'perLevel'),
  );
  if (needsLevels && levelsFen.length === 0) levelsFen = DEFAULT_GENERATED_LEVELS_FEN;
  for (const [code, raw] of Object.entries(options.plans)) {
    const params = { ...((raw ?? {}) as Record<string, unknown>) };
    for (const [name, spec] of Object.entries(plansByCode.get(code) ?? {})) {
      if (spec.kind === 'perLevel' && !Object.hasOwn(params, name)) {
        params[name] = levelsFen.map((_, i) => Math.min(spec.max, (i + 1) * 100));
      }
    }
    plans[code] = params;
  }
  return { ...options, plans, levelsFen };
}
