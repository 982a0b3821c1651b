import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringifyJson } from './json';
import { PLANS } from './plans/registry';
import { scenarioArb } from './random-scenario.test-helper';
import {
  ScenarioError,
  ScenarioEventParser,
  ScenarioRun,
  parseScenario,
  parseScenarioHeader,
  resultToJson,
  runScenario,
  writeResult,
  type ScenarioResult,
} from './scenario';
import { buy, join } from './scenario.test-helper';

function written(result: ScenarioResult): { text: string; pieces: string[] } {
  const pieces: string[] = [];
  writeResult(result, (piece) => pieces.push(piece));
  return { text: pieces.join(''), pieces };
}

/** The scenario run one event at a time, as a streaming reader does: the header, then each raw event as it comes. */
function runIncrementally(doc: { events: unknown[] } & Record<string, unknown>): ScenarioResult {
  const header = parseScenarioHeader({ ...doc, events: [] });
  const parser = new ScenarioEventParser(header.form);
  const run = new ScenarioRun(header.config, header.form);
  for (const raw of doc.events) {
    const event = parser.next(raw);
    if (event === undefined) break;
    run.apply(event);
  }
  if (parser.error !== undefined) throw parser.error;
  return run.result();
}

function outcome(run: () => ScenarioResult): string {
  try {
    return stringifyJson(resultToJson(run()));
  } catch (error) {
    if (error instanceof ScenarioError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

const campaignsDoc = {
  campaigns: [
    { id: 'gift-cycle', plan: 'referralCycle', params: { ratesBps: [1000, 2000, 7000] }, products: ['gift'] },
    { id: 'gift-pool', plan: 'appreciationPool', params: {}, products: ['gift'] },
    { id: 'back', plan: 'cashback', params: {} },
  ],
  events: [
    join('A'),
    join('B', 'A'),
    buy('A', 'a1', 100000, { lines: [{ product: 'gift', amountFen: 100000 }] }),
    buy('B', 'b1', 50000, { lines: [{ product: 'tea', amountFen: 50000 }] }),
    { type: 'campaign', id: 'gift-cycle', params: { ratesBps: [3000] } },
    buy('B', 'b2', 100000, { lines: [{ product: 'gift', amountFen: 100000 }] }),
    { type: 'redeem', user: 'A', order: 'a1', units: 1000000, campaign: 'gift-pool' },
  ],
};

describe('writeResult', () => {
  it('writes byte for byte what stringifyJson(resultToJson(result)) writes, for random scenarios with every plan of SPEC 3.5', () => {
    const every = PLANS.map((p) => p.code);
    fc.assert(
      fc.property(fc.oneof(scenarioArb(), scenarioArb({ only: every, needLevels: true })), (doc) => {
        const result = runScenario(parseScenario(doc));
        expect(written(result).text).toBe(stringifyJson(resultToJson(result)));
      }),
      { numRuns: 60 },
    );
  });

  it('writes the campaigns form (campaign and version on each reward) as resultToJson does', () => {
    const result = runScenario(parseScenario(campaignsDoc));
    const { text } = written(result);
    expect(text).toBe(stringifyJson(resultToJson(result)));
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['campaigns', 'wallets', 'rewards']);
  });

  it('writes empty wallets and rewards as {} and []', () => {
    const result = runScenario(parseScenario({ plans: { referralCycle: {} }, events: [join('A')] }));
    const { text } = written(result);
    expect(text).toBe(stringifyJson(resultToJson(result)));
    expect(text).toContain('"wallets": {},\n  "rewards": []');
  });

  it('hands a large result out in pieces of at least 64 Ki characters, never one string', () => {
    const events: unknown[] = [join('u0')];
    for (let i = 1; i <= 3000; i += 1) events.push(join(`u${i}`, `u${(i - 1) >> 1}`), buy(`u${i}`, `o${i}`, 100000));
    const result = runScenario(parseScenario({ plans: { referralCycle: {}, appreciationPool: {} }, events }));
    const { text, pieces } = written(result);
    expect(text).toBe(stringifyJson(resultToJson(result)));
    expect(pieces.length).toBeGreaterThan(3);
    for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(1 << 16);
  });
});

describe('the incremental scenario parser and run', () => {
  it('give the result or the error parseScenario and runScenario give, for valid and broken scenarios', () => {
    // Breaking one event (its shape or what it refers to) must name the same event with the same message.
    const breakage = fc.constantFrom<(event: Record<string, unknown>) => unknown>(
      () => 'not an event',
      (e) => ({ ...e, type: 'teleport' }),
      (e) => ({ ...e, extra: 1 }),
      (e) => ({ ...e, user: '' }),
      (e) => ({ ...e, amountFen: 1.5 }),
      (e) => ({ ...e, user: 'nobody-joined' }),
      (e) => ({ ...e, order: 'o-unknown' }),
    );
    fc.assert(
      fc.property(scenarioArb({ maxEvents: 30 }), fc.nat(), breakage, fc.boolean(), (doc, at, breakIt, broken) => {
        const events = [...doc.events] as unknown[];
        if (broken && events.length > 0) {
          const i = at % events.length;
          events[i] = breakIt(events[i] as Record<string, unknown>);
        }
        const whole = { ...doc, events };
        expect(outcome(() => runIncrementally(whole))).toBe(outcome(() => runScenario(parseScenario(whole))));
      }),
      { numRuns: 120 },
    );
  });

  it('checks the header as parseScenario does, with the same messages', () => {
    const cases: unknown[] = [
      [],
      { plans: {}, campaigns: [], events: [] },
      { plans: null, events: [] },
      { plans: { referralCycle: {} }, extra: 1, events: [] },
      { plans: { referralCycle: { ratesBps: [20000] } }, events: [] },
      { plans: { referralCycle: {} }, events: {} },
      { levels: 'high', plans: {}, events: [] },
    ];
    for (const doc of cases) {
      const header = outcome(() => {
        parseScenarioHeader(doc);
        throw new Error('expected a refusal');
      });
      expect(header).toBe(outcome(() => runScenario(parseScenario(doc))));
      expect(header).toMatch(/^[a-z_]+: /);
    }
  });
});
