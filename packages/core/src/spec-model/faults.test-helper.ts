/**
 * One fault injected into a valid scenario, with the event index SPEC 4 says the error names ("naming the event
 * index where there is one"; configuration problems have none). Every fault is an item of SPEC 4's bad-input list.
 * Inserted events may be preceded by valid helper events (a fresh user, a fresh order, an appointment) so that the
 * fault is the only thing wrong with the scenario.
 */
import { regionOf, type JsonEvent, type ScenarioJson } from './scenario-builder.test-helper';

export type InvalidScenario = { scenario: unknown; index: number | undefined; fault: string };

const CONFIG_FAULTS = [
  'unknownPlan',
  'unknownParameter',
  'parameterOutOfRange',
  'parameterNotInteger',
  'unknownTopLevelKey',
  'eventsNotAList',
  'plansNotAnObject',
] as const;
const MODE_CONFIG_FAULTS = [
  'levelsNotIncreasing',
  'levelCodeTwice',
  'perLevelListWrong',
  'needsLevels',
  'badScope',
] as const;
const EVENT_FAULTS = [
  'unknownEventType',
  'eventNotAnObject',
  'unknownField',
  'missingField',
  'unknownUser',
  'duplicateUser',
  'unknownReferrer',
  'duplicateOrder',
  'unknownOrder',
  'badAmount',
  'badUnits',
  'badId',
] as const;
const MODE_EVENT_FAULTS = [
  'linesDoNotAddUp',
  'badLine',
  'badRegion',
  'unknownLevel',
  'appointTwice',
  'dismissAbsent',
] as const;

export const LEGACY_FAULTS: readonly FaultKind[] = [...CONFIG_FAULTS, ...EVENT_FAULTS];
export type FaultKind =
  | (typeof CONFIG_FAULTS)[number]
  | (typeof MODE_CONFIG_FAULTS)[number]
  | (typeof EVENT_FAULTS)[number]
  | (typeof MODE_EVENT_FAULTS)[number];
export const FAULTS: readonly FaultKind[] = [...LEGACY_FAULTS, ...MODE_CONFIG_FAULTS, ...MODE_EVENT_FAULTS];

const at = <T>(items: readonly T[], n: number): T => {
  const item = items[n % items.length];
  if (item === undefined) throw new Error('test bug: empty choice');
  return item;
};

// [plan, parameter, a value just out of its SPEC 3.5 range]; levelDifferential is left out (it needs levels).
const OUT_OF_RANGE: [string, string, unknown][] = [
  ['referralCycle', 'ratesBps', [1000, 10_001]],
  ['referralCycle', 'ratesBps', [-1]],
  ['referralCycle', 'ratesBps', []],
  ['referralCycle', 'ratesBps', Array.from({ length: 13 }, () => 100)],
  ['promotionCommission', 'level1Bps', 10_001],
  ['promotionCommission', 'level2Bps', -1],
  ['regionalAgent', 'cityBps', 10_001],
  ['cashback', 'installments', 0],
  ['cashback', 'installments', 37],
  ['cashback', 'rateBps', 10_001],
  ['queueRebate', 'capBps', 0],
  ['queueRebate', 'capBps', 1_000_001],
  ['queueRebate', 'payBps', 10_001],
  ['dividendPool', 'topN', 0],
  ['dividendPool', 'topN', 1001],
  ['dividendPool', 'accrueBps', 10_001],
  ['appreciationPool', 'exitMultipleBps', 0],
  ['appreciationPool', 'exitMultipleBps', 1_000_001],
  ['appreciationPool', 'initialPriceFen', 0],
  ['appreciationPool', 'initialPriceFen', 100_000_001],
  ['appreciationPool', 'poolShareBps', 10_001],
  ['appreciationPool', 'redeemFeeBps', -1],
];
const LEGACY_PLANS = new Set(['referralCycle', 'appreciationPool']);

function withPlan(s: ScenarioJson, plan: string, param: string, value: unknown): ScenarioJson {
  // A dividend plan added for the fault takes the ranking basis, which needs no levels.
  const base = s.plans[plan] ?? (plan === 'dividendPool' ? { basis: 'ranking' } : {});
  return { ...s, plans: { ...s.plans, [plan]: { ...base, [param]: value } } };
}

function configFault(
  s: ScenarioJson,
  kind: FaultKind,
  v: number,
  legacy: boolean,
): { scenario: unknown; what: string } {
  const levels = s.levels ?? [];
  const last = levels[levels.length - 1];
  switch (kind) {
    case 'unknownPlan':
      return { scenario: { ...s, plans: { ...s.plans, pyramidBonus: {} } }, what: 'an unknown plan' };
    case 'unknownParameter': {
      const plan = Object.keys(s.plans)[0] ?? 'referralCycle';
      return { scenario: withPlan(s, plan, 'bonusBps', 5), what: `an unknown parameter of ${plan}` };
    }
    case 'parameterOutOfRange': {
      const [plan, param, value] = at(legacy ? OUT_OF_RANGE.filter(([p]) => LEGACY_PLANS.has(p)) : OUT_OF_RANGE, v);
      return { scenario: withPlan(s, plan, param, value), what: `${plan}.${param} = ${JSON.stringify(value)}` };
    }
    case 'parameterNotInteger': {
      const value = at([12.5, '5', true, null], v >> 2);
      const [plan, param] = at(
        [
          ['appreciationPool', 'redeemFeeBps'],
          ['appreciationPool', 'initialPriceFen'],
          ['cashback', 'installments'],
          ['promotionCommission', 'buyersOnly'],
        ].filter(([p]) => !legacy || LEGACY_PLANS.has(p ?? '')),
        v,
      );
      const bad = param === 'buyersOnly' ? at(['yes', 1, null], v) : value;
      return { scenario: withPlan(s, plan ?? '', param ?? '', bad), what: `${plan}.${param} = ${JSON.stringify(bad)}` };
    }
    case 'unknownTopLevelKey':
      return { scenario: { ...s, seed: 1 }, what: 'an unknown top-level key' };
    case 'eventsNotAList':
      return { scenario: { ...s, events: { 0: s.events[0] ?? null } }, what: 'events that are not a list' };
    case 'plansNotAnObject':
      return {
        scenario: { ...s, plans: at<unknown>([[], 'referralCycle', 7], v) },
        what: 'plans that are not an object',
      };
    case 'levelsNotIncreasing': {
      const minSpendFen = last === undefined ? -1 : at([last.minSpendFen, last.minSpendFen - 1], v);
      const bad = [...levels, { code: 'VX', minSpendFen }];
      return { scenario: { ...s, levels: bad }, what: 'levels not strictly increasing (or negative)' };
    }
    case 'levelCodeTwice': {
      const bad = [...levels, { code: levels[0]?.code ?? 'VX', minSpendFen: (last?.minSpendFen ?? 0) + 1 }];
      return { scenario: { ...s, levels: last === undefined ? [bad[0], bad[0]] : bad }, what: 'a level code twice' };
    }
    case 'perLevelListWrong': {
      if (levels.length === 0) return configFault(s, 'needsLevels', v, legacy);
      const wrong = Array.from({ length: levels.length + at([1, -1], v) }, () => 100);
      const scenario =
        v % 3 === 0
          ? withPlan(s, 'levelDifferential', 'ratesBps', wrong)
          : v % 3 === 1
            ? { ...s, plans: { ...s.plans, dividendPool: { basis: 'level', weights: wrong } } }
            : { ...s, plans: { ...s.plans, dividendPool: { basis: 'level' } } };
      return { scenario, what: 'a per-level list of the wrong length (or missing)' };
    }
    case 'needsLevels': {
      const plans = { ...s.plans };
      if (v % 2 === 0) plans.levelDifferential = { ratesBps: [] };
      else plans.dividendPool = { basis: 'level', weights: [] };
      const { levels: _dropped, ...rest } = s;
      // without levels, setLevel events would be wrong too; they go with them, so the config is the one fault
      const events = s.events.filter((e) => e.type !== 'setLevel');
      return { scenario: { ...rest, plans, events }, what: 'a plan that needs levels without any' };
    }
    case 'badScope': {
      const plan = Object.keys(s.plans)[0] ?? 'cashback';
      return {
        scenario: withPlan(s, plan, 'products', at<unknown>(['p1', [1]], v)),
        what: 'products not a list of ids',
      };
    }
    default:
      throw new Error(`test bug: ${kind} is not a configuration fault`);
  }
}

/** The state at event i, read from the events before it (who joined, which orders settled, who is agent where). */
function stateAt(events: readonly JsonEvent[], i: number) {
  const users: string[] = [];
  const orders: string[] = [];
  const agents: { user: string; region: string[] }[] = [];
  const same = (a: string[], b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const e of events.slice(0, i)) {
    if (e.type === 'join') users.push(String(e.user));
    if (e.type === 'settle') orders.push(String(e.order));
    if (e.type === 'appoint') agents.push({ user: String(e.user), region: e.region as string[] });
    if (e.type === 'dismiss')
      agents.splice(
        agents.findIndex((a) => a.user === e.user && same(a.region, e.region)),
        1,
      );
  }
  const later = events.slice(i);
  return {
    users,
    orders,
    agents,
    later,
    isAgent: (u: string, r: string[]) => agents.some((a) => a.user === u && same(a.region, r)),
  };
}

function eventFault(s: ScenarioJson, kind: FaultKind, atN: number, v: number, legacy: boolean): InvalidScenario {
  const i = atN % (s.events.length + 1);
  const st = stateAt(s.events, i);
  const helpers: JsonEvent[] = [];
  const fresh = `fresh-${i}`;
  // a known user and a settled order for the faulty event, inserting valid ones when there are none yet
  const user = (): string => {
    if (st.users.length > 0) return at(st.users, v);
    if (!helpers.some((h) => h.type === 'join')) helpers.push({ type: 'join', user: `${fresh}-u` });
    return `${fresh}-u`;
  };
  const order = (): string => {
    if (st.orders.length > 0) return at(st.orders, v);
    const u = user();
    helpers.push({ type: 'settle', user: u, order: `${fresh}-o`, amountFen: 100_000 });
    return `${fresh}-o`;
  };
  const settle = (extra: JsonEvent): JsonEvent => ({
    type: 'settle',
    user: user(),
    order: fresh,
    amountFen: 100,
    ...extra,
  });
  let bad: unknown;
  let replace = false;
  switch (kind) {
    case 'unknownEventType':
      bad = at([{ type: 'buy', user: 'x' }, { type: 'Join', user: fresh }, { type: 5 }, { user: fresh }], v);
      break;
    case 'eventNotAnObject':
      bad = at(['join', null, [], 7], v);
      break;
    case 'unknownField': {
      const target = s.events[i];
      const variants = legacy ? ['extra'] : ['extra', 'plans'];
      const field = at(variants, v);
      if (target !== undefined) {
        bad = { ...target, [field]: field === 'plans' ? [] : true };
        replace = true;
      } else bad = legacy ? { type: 'join', user: fresh, inviter: 'x' } : { type: 'periodClose', at: 1 };
      break;
    }
    case 'missingField': {
      const target = s.events[i];
      const required: Record<string, string[]> = {
        join: ['user'],
        settle: ['user', 'order', 'amountFen'],
        redeem: ['user', 'order', 'units'],
        setLevel: ['user', 'level'],
        appoint: ['user', 'region'],
        dismiss: ['user', 'region'],
      };
      const fields = target === undefined ? undefined : required[String(target.type)];
      if (target !== undefined && fields !== undefined) {
        const drop = at(fields, v);
        bad = Object.fromEntries(Object.entries(target).filter(([k]) => k !== drop));
        replace = true;
      } else bad = { type: 'settle', user: user(), order: fresh };
      break;
    }
    case 'unknownUser': {
      const ghost = 'ghost';
      const options: JsonEvent[] = [
        { type: 'settle', user: ghost, order: fresh, amountFen: 100 },
        { type: 'redeem', user: ghost, order: order(), units: 1 },
      ];
      if (!legacy) {
        options.push({ type: 'setLevel', user: ghost, level: s.levels?.[0]?.code ?? 'V1' });
        options.push({ type: 'appoint', user: ghost, region: regionOf([v]) });
      }
      bad = at(options, v);
      break;
    }
    case 'duplicateUser':
      bad = { type: 'join', user: user() };
      break;
    case 'unknownReferrer': {
      const joinsLater = st.later.filter((e) => e.type === 'join').map((e) => String(e.user));
      bad = { type: 'join', user: fresh, referrer: at(['ghost', fresh, ...joinsLater], v) };
      break;
    }
    case 'duplicateOrder':
      bad = { type: 'settle', user: user(), order: order(), amountFen: at([0, 1, 100_000], v) };
      break;
    case 'unknownOrder': {
      const settlesLater = st.later.filter((e) => e.type === 'settle').map((e) => String(e.order));
      bad = { type: 'redeem', user: user(), order: at(['ghost-order', ...settlesLater], v), units: 1 };
      break;
    }
    case 'badAmount':
      bad = settle({ amountFen: at([-1, 1.5, '100', true, null, 2 ** 60, -0.5], v) });
      break;
    case 'badUnits':
      bad = { type: 'redeem', user: user(), order: order(), units: at([-1, 2.5, '5', true, null, 2 ** 60], v) };
      break;
    case 'badId':
      bad = at<JsonEvent>(
        [
          { type: 'join', user: '' },
          { type: 'join', user: 7 },
          { type: 'join', user: fresh, referrer: 7 },
          { type: 'settle', user: user(), order: '', amountFen: 1 },
          { type: 'settle', user: user(), order: 12, amountFen: 1 },
        ],
        v,
      );
      break;
    case 'linesDoNotAddUp':
      bad = settle({
        amountFen: at([99, 101, 0], v),
        lines: [
          { product: 'p1', amountFen: 60 },
          { product: 'p2', amountFen: 40 },
        ],
      });
      break;
    case 'badLine':
      bad = settle(
        at<JsonEvent>(
          [
            { lines: 'p1' },
            { lines: [{ product: 'p1' }] },
            {
              amountFen: 0,
              lines: [
                { product: 'p1', amountFen: -5 },
                { product: 'p2', amountFen: 5 },
              ],
            },
            { amountFen: 5, lines: [{ product: '', amountFen: 5 }] },
            { amountFen: 5, lines: [{ product: 3, amountFen: 5 }] },
            { amountFen: 5, lines: [{ product: 'p1', amountFen: 5, sku: 'x' }] },
            {
              amountFen: 2,
              lines: [
                { product: 'p1', amountFen: 1.5 },
                { product: 'p2', amountFen: 0.5 },
              ],
            },
          ],
          v,
        ),
      );
      break;
    case 'badRegion': {
      const region = at<unknown>([[], ['a', 'b', 'c', 'd'], [''], ['浙江', 1], '浙江', null], v);
      bad = v % 2 === 0 ? settle({ region }) : { type: 'appoint', user: user(), region };
      break;
    }
    case 'unknownLevel':
      bad = { type: 'setLevel', user: user(), level: at(['NOPE', '', 'v1'], v) };
      break;
    case 'appointTwice': {
      const agent = st.agents.length > 0 ? at(st.agents, v) : undefined;
      if (agent !== undefined) bad = { type: 'appoint', user: agent.user, region: agent.region };
      else {
        const u = user();
        const region = regionOf([v, v >> 1, v >> 2].slice(0, 1 + (v % 3)));
        helpers.push({ type: 'appoint', user: u, region });
        bad = { type: 'appoint', user: u, region };
      }
      break;
    }
    case 'dismissAbsent': {
      const u = user();
      const regions = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => regionOf([k, k >> 1, k >> 2].slice(0, 1 + ((v + k) % 3))));
      const region = regions.find((r) => !st.isAgent(u, r)) ?? ['nowhere'];
      bad = { type: 'dismiss', user: u, region };
      break;
    }
    default:
      throw new Error(`test bug: ${kind} is not an event fault`);
  }
  const events: unknown[] = [...s.events.slice(0, i), ...helpers, bad, ...s.events.slice(replace ? i + 1 : i)];
  return { scenario: { ...s, events }, index: i + helpers.length, fault: `${kind} at event ${i + helpers.length}` };
}

export function injectFault(s: ScenarioJson, kind: FaultKind, atN: number, v: number, legacy = false): InvalidScenario {
  if ((CONFIG_FAULTS as readonly string[]).includes(kind) || (MODE_CONFIG_FAULTS as readonly string[]).includes(kind)) {
    const { scenario, what } = configFault(s, kind, v, legacy);
    return { scenario, index: undefined, fault: what };
  }
  return eventFault(s, kind, atN, v, legacy);
}
