/**
 * Turns abstract "intents" (random numbers drawn by fast-check) into concrete, VALID scenario events, resolved
 * against the state of the events so far: who has joined, which orders settled, which positions hold how many units,
 * who is agent where. The model is used only to look that state up; which events are valid is SPEC 4's rule, and the
 * builder checks the finished scenario with the model so a builder bug cannot pass off an invalid scenario.
 */
import { parseTopLevel } from './model-input.test-helper';
import { runModel, SpecModel } from './model.test-helper';

export type JsonEvent = Record<string, unknown>;
export type ScenarioJson = {
  plans: Record<string, Record<string, unknown>>;
  levels?: { code: string; minSpendFen: number }[];
  events: JsonEvent[];
};

export type Intent =
  | { kind: 'join'; name: number; referrer: number | null }
  | {
      kind: 'settle';
      user: number;
      order: number;
      /** 'repeat': the amount of the previous settlement, so equal positions (and exit-price ties) are common. */
      amountFen: bigint | 'repeat';
      /** Line products (indices into the product list, one past it for a product no plan lists) and cut points. */
      lines: { products: number[]; cuts: number[] } | null;
      region: number[] | null;
    }
  | { kind: 'redeem'; order: number; otherUser: number | null; units: UnitsChoice }
  | { kind: 'setLevel'; user: number; level: number }
  | { kind: 'appoint'; user: number; region: number[] }
  | { kind: 'dismiss'; pick: number }
  | { kind: 'periodClose' };

export type UnitsChoice = 'zero' | 'one' | 'half' | 'all' | 'allPlusOne' | 'point' | { random: number };

export interface BuildOptions {
  products: readonly string[];
  /** Only what today's engine implements and reads like SPEC 3.1/3.2 (see spec35.properties.test.ts). */
  legacy: boolean;
}

// Ids that trip naive code: prototype keys, integer-like keys (object key order), non-ASCII, and a pair whose code
// point order differs from its UTF-16 unit order (U+FF5E sorts before U+1F600 by code point, after it by unit).
const SPECIAL_USERS = ['__proto__', '10', '9', 'constructor', 'Ünï', '张三', '\uFF5E', '\u{1F600}', 'b', 'B', 'a10'];
const LEGACY_SPECIAL_USERS = SPECIAL_USERS.filter((u) => ![...u].some((c) => (c.codePointAt(0) ?? 0) > 0xffff));
export const PROVINCES = ['浙江', '江苏'];
export const CITIES = ['杭州', '宁波'];
export const DISTRICTS = ['西湖', '上城'];
const TWO_POW_32 = 4_294_967_296n;

export function regionOf(picks: readonly number[]): string[] {
  const parts = [PROVINCES, CITIES, DISTRICTS];
  return picks.slice(0, 3).map((p, i) => {
    const names = parts[i] ?? PROVINCES;
    return names[p % names.length] ?? '?';
  });
}

/** Splits an amount into lines at the given cut points (fractions of 2^32); lines of 0 fen happen. */
function splitLines(amountFen: bigint, products: string[], cuts: number[]): { product: string; amountFen: number }[] {
  const points = cuts
    .slice(0, products.length - 1)
    .map((c) => (amountFen * BigInt(c)) / TWO_POW_32)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const bounds = [0n, ...points, amountFen];
  return products.map((product, i) => ({ product, amountFen: Number((bounds[i + 1] ?? 0n) - (bounds[i] ?? 0n)) }));
}

function unitsFor(choice: UnitsChoice, held: bigint): bigint {
  if (choice === 'zero') return 0n;
  if (choice === 'one') return 1n;
  if (choice === 'half') return held / 2n;
  if (choice === 'all') return held;
  if (choice === 'allPlusOne') return held + 1n;
  if (choice === 'point') return 1_000_000n;
  return (BigInt(choice.random) * (held * 2n + 2n)) / TWO_POW_32;
}

const pick = <T>(items: readonly T[], n: number): T | undefined =>
  items.length === 0 ? undefined : items[n % items.length];

/** Builds the events of one scenario. `config` is the scenario without events; it must be valid. */
export function buildScenario(config: Omit<ScenarioJson, 'events'>, intents: readonly Intent[], options: BuildOptions) {
  const model = new SpecModel(parseTopLevel({ ...config, events: [] }).config);
  const events: JsonEvent[] = [];
  const users: string[] = [];
  const orders: string[] = [];
  let lastAmountFen = 100_000n;
  const specials = options.legacy ? LEGACY_SPECIAL_USERS : SPECIAL_USERS;
  const push = (event: JsonEvent) => {
    model.apply(event, events.length);
    events.push(event);
  };
  for (const intent of intents) {
    if (intent.kind === 'join' || users.length === 0) {
      const name = intent.kind === 'join' ? intent.name : 1;
      let user = name % 4 === 0 ? (pick(specials, name >> 2) ?? 'X') : `U${users.length}`;
      if (model.users.has(user)) user = `U${users.length}`;
      if (model.users.has(user)) user = `U${users.length}-${events.length}`;
      const ref = intent.kind === 'join' ? intent.referrer : null;
      // mostly a recent user as referrer, so chains of two and more form
      const referrer = ref === null ? undefined : users[users.length - 1 - (ref % Math.min(users.length, 4))];
      push(referrer === undefined ? { type: 'join', user } : { type: 'join', user, referrer });
      users.push(user);
      if (intent.kind === 'join') continue;
    }
    switch (intent.kind) {
      case 'settle': {
        const user = pick(users, intent.user) ?? '';
        // Order ids may repeat a user id (separate namespaces) or look like integers.
        let order = intent.order % 5 === 0 ? user : intent.order % 7 === 0 ? `${orders.length}` : `o${orders.length}`;
        if (model.orders.has(order)) order = `o${orders.length}`;
        if (model.orders.has(order)) order = `o${orders.length}-${events.length}`;
        const amountFen = intent.amountFen === 'repeat' ? lastAmountFen : intent.amountFen;
        lastAmountFen = amountFen;
        const event: JsonEvent = { type: 'settle', user, order, amountFen: Number(amountFen) };
        if (intent.lines !== null && !options.legacy) {
          // one past the product list is a product no plan lists
          const names = intent.lines.products.map((p) => options.products[p % (options.products.length + 1)] ?? 'px');
          event.lines = splitLines(amountFen, names, intent.lines.cuts);
        }
        if (intent.region !== null && !options.legacy) event.region = regionOf(intent.region);
        push(event);
        orders.push(order);
        break;
      }
      case 'redeem': {
        const order = pick(orders, intent.order);
        if (order === undefined) break;
        const position = model.orders.get(order)?.position;
        if (options.legacy && (position === undefined || position.status !== 'open')) break;
        const holder = position?.user ?? pick(users, intent.order) ?? '';
        const user = intent.otherUser === null || options.legacy ? holder : (pick(users, intent.otherUser) ?? holder);
        let units = unitsFor(intent.units, position?.units ?? 0n);
        if (units > BigInt(Number.MAX_SAFE_INTEGER)) units = BigInt(Number.MAX_SAFE_INTEGER);
        if (options.legacy && units === 0n) units = 1n;
        push({ type: 'redeem', user, order, units: Number(units) });
        break;
      }
      case 'setLevel': {
        const level = pick(config.levels ?? [], intent.level);
        if (level === undefined || options.legacy) break;
        push({ type: 'setLevel', user: pick(users, intent.user), level: level.code });
        break;
      }
      case 'appoint': {
        const user = pick(users, intent.user) ?? '';
        const region = regionOf(intent.region);
        if (options.legacy || model.isAppointed(user, region)) break;
        push({ type: 'appoint', user, region });
        break;
      }
      case 'dismiss': {
        const agent = pick(model.agents, intent.pick);
        if (agent === undefined || options.legacy) break;
        push({ type: 'dismiss', user: agent.user.id, region: [...agent.region] });
        break;
      }
      case 'periodClose':
        if (!options.legacy) push({ type: 'periodClose' });
        break;
    }
  }
  const scenario: ScenarioJson = { ...config, events };
  const check = runModel(scenario);
  if (!check.ok) throw new Error(`builder bug: generated an invalid scenario (${check.message})`);
  return scenario;
}
