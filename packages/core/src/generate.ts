import { intDiv } from './integers';

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
  /** Plan configuration, as in a scenario file. */
  plans: Readonly<Record<string, unknown>>;
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
  | { type: 'settle'; user: string; order: string; amountFen: number }
  | { type: 'redeem'; user: string; order: string; units: number };

export interface ScenarioJson {
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
  for (let i = 0; i < options.orders; i += 1) {
    let buyer: string;
    if (users.length > 0 && pick(10_000) < options.repeatBps) {
      buyer = users[pick(users.length)] as string;
    } else {
      buyer = `u${users.length + 1}`;
      const referrerIndex = options.fanout > 0 && users.length > 0 ? intDiv(users.length - 1, options.fanout) : -1;
      const referrer = referrerIndex >= 0 ? users[referrerIndex] : undefined;
      events.push(referrer === undefined ? { type: 'join', user: buyer } : { type: 'join', user: buyer, referrer });
      users.push(buyer);
    }
    const order = `o${i + 1}`;
    const amountFen = options.amountsFen[pick(options.amountsFen.length)] as number;
    events.push({ type: 'settle', user: buyer, order, amountFen });
    settled.push({ user: buyer, order });
    if (options.redeemBps > 0 && pick(10_000) < options.redeemBps) {
      const target = settled[pick(settled.length)] as { user: string; order: string };
      events.push({ type: 'redeem', user: target.user, order: target.order, units: options.redeemUnits });
    }
  }
  return { plans: options.plans, events };
}
