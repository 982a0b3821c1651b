import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringifyJson } from '../json';
import { parseScenario, resultToJson, runScenario, ScenarioError } from '../scenario';
import { invalidScenarioArb, scenarioArb, type ScenarioJson } from './arbitraries.test-helper';
import { join, redeem, settle } from './golden.test-helper';
import { parseTopLevel } from './model-input.test-helper';
import { compareCodePoints, modelResultToJson, runModel, SpecModel, type ModelResult } from './model.test-helper';

/**
 * The engine does not implement SPEC 3.5 on this branch yet. Flip this when it does: the full lockstep below then
 * runs every plan, scope, level, agent and period through both the engine and the independent model.
 */
export const ENGINE_HAS_MODE_LIBRARY = true;

const RUNS = 400;

type Outcome = { ok: true; text: string } | { ok: false; index: number | undefined; message: string };

function engine(json: unknown): Outcome {
  try {
    return { ok: true, text: stringifyJson(resultToJson(runScenario(parseScenario(json)))) };
  } catch (error) {
    if (error instanceof ScenarioError) return { ok: false, index: error.index, message: error.message };
    throw error;
  }
}

function model(json: unknown): Outcome {
  const out = runModel(json);
  if (!out.ok) return { ok: false, index: out.index, message: out.message };
  return { ok: true, text: stringifyJson(modelResultToJson(out.result)) };
}

function modelResult(json: unknown): ModelResult {
  const out = runModel(json);
  if (!out.ok) throw new Error(`the model refused a valid scenario: ${out.message}`);
  return out.result;
}

function expectSameResult(scenario: ScenarioJson): void {
  const m = model(scenario);
  if (!m.ok) throw new Error(`the model refused a generated scenario: ${m.message}`);
  const e = engine(scenario);
  expect(e.ok ? e.text : `the engine refused it: ${e.message}`).toBe(m.text);
}

function expectBothRefuse({ scenario, index, fault }: { scenario: unknown; index: number | undefined; fault: string }) {
  const m = model(scenario);
  const e = engine(scenario);
  expect(m.ok, `the model accepts ${fault}`).toBe(false);
  expect(e.ok, `the engine accepts ${fault}`).toBe(false);
  if (!m.ok && !e.ok) {
    expect(m.index, `model: ${m.message}`).toBe(index);
    expect(e.index, `engine: ${e.message}`).toBe(index);
  }
}

// Today's engine implements SPEC 3.1/3.2 with readings that SPEC 3.5 later changed. The legacy generator leaves these
// cases out (each is a golden test in model.test.ts, and the full lockstep below covers them once the engine lands):
// - a 0-fen order: SPEC 3.5 "does nothing in that plan"; today it makes its buyer a consumer-merchant and a closed
//   position (the known difference the brief names);
// - a redemption of 0 units: SPEC 3.5 lists it as rejected; today it is bad input;
// - a redemption by someone other than the holder: SPEC 3.5 lists it as rejected; today it is bad input (not_owner);
// - a redemption of an order with no position (pool off, or a position no longer open): rejected by SPEC 3.5;
//   today bad input when the order holds no position;
// - wallet keys: SPEC 3.5 sorts by code point; today by UTF-16 unit, which differs for ids outside the BMP.
describe('the model against today’s engine, SPEC 3.1/3.2 scenarios', () => {
  it('gives the same result, to the fen and byte for byte, on random scenarios', () => {
    fc.assert(fc.property(scenarioArb({ legacy: true }), expectSameResult), { numRuns: RUNS });
  });

  it('refuses the same invalid scenarios, naming the same event index', () => {
    fc.assert(fc.property(invalidScenarioArb({ legacy: true }), expectBothRefuse), { numRuns: RUNS });
  });
});

describe.runIf(ENGINE_HAS_MODE_LIBRARY)('the model against the engine, SPEC 3.5 mode library', () => {
  it('gives the same result on random scenarios using every plan, scopes, levels, agents and periods', () => {
    fc.assert(fc.property(scenarioArb(), expectSameResult), { numRuns: RUNS });
  });

  it('gives the same result on scenarios of one or two plans', () => {
    const plans = fc.subarray(
      [
        'referralCycle',
        'promotionCommission',
        'levelDifferential',
        'regionalAgent',
        'cashback',
        'queueRebate',
        'dividendPool',
        'appreciationPool',
      ] as const,
      { minLength: 1, maxLength: 2 },
    );
    fc.assert(
      fc.property(
        plans.chain((p) => scenarioArb({ plans: p })),
        expectSameResult,
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses the same invalid scenarios, naming the same event index', () => {
    fc.assert(fc.property(invalidScenarioArb(), expectBothRefuse), { numRuns: RUNS });
  });
});

describe.runIf(ENGINE_HAS_MODE_LIBRARY)('the engine follows SPEC 3.5 where it changed a 3.1/3.2 reading', () => {
  const plans = { referralCycle: {}, appreciationPool: {} };
  it.each<[string, ScenarioJson]>([
    [
      'a 0-fen order does nothing',
      { plans, events: [join('A'), join('B', 'A'), settle('A', 'a0', 0), settle('B', 'b1', 100_000)] },
    ],
    [
      'a redemption of 0 units, by another user or of an order without position is rejected',
      {
        plans,
        events: [join('A'), join('B'), settle('A', 'a1', 100_000), redeem('A', 'a1', 0), redeem('B', 'a1', 1)].concat(
          settle('B', 'b0', 0),
          redeem('B', 'b0', 1),
        ),
      },
    ],
    [
      'a redemption with the pool plan off is rejected',
      { plans: { referralCycle: {} }, events: [join('A'), settle('A', 'a1', 100), redeem('A', 'a1', 1)] },
    ],
    [
      'wallets sort by code point',
      {
        plans: { referralCycle: { ratesBps: [10_000] } },
        events: [join('\u{1F600}'), join('\uFF5E'), join('x', '\u{1F600}'), join('y', '\uFF5E')].concat(
          settle('\u{1F600}', 'o1', 100),
          settle('\uFF5E', 'o2', 100),
          settle('x', 'o3', 100),
          settle('y', 'o4', 100),
        ),
      },
    ],
  ])('%s', (_what, scenario) => expectSameResult(scenario));
});

describe('the model refuses every generated invalid scenario at the expected event', () => {
  it('names the index the fault was put at, or none for a configuration fault', () => {
    fc.assert(
      fc.property(invalidScenarioArb(), ({ scenario, index, fault }) => {
        const out = runModel(scenario);
        expect(out.ok, fault).toBe(false);
        if (!out.ok) expect(out.index, `${fault}: ${out.message}`).toBe(index);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- invariants of the model's own output on random valid scenarios ----

/** A plan's parameter as written in the scenario, or its SPEC default. */
function param(s: ScenarioJson, plan: string, name: string, def: number): bigint {
  const value = s.plans[plan]?.[name];
  return BigInt(typeof value === 'number' ? value : def);
}

/** The in-scope amount of a settle event for a plan (SPEC 3.5 "Scope"), recomputed here from the event. */
function amountIn(s: ScenarioJson, plan: string, event: Record<string, unknown>): bigint {
  const products = s.plans[plan]?.products as string[] | undefined;
  if (products === undefined) return BigInt(event.amountFen as number);
  const lines = (event.lines ?? []) as { product: string; amountFen: number }[];
  return lines.filter((l) => products.includes(l.product)).reduce((sum, l) => sum + BigInt(l.amountFen), 0n);
}

const shareOf = (x: bigint, bps: bigint) => (x * bps) / 10_000n;
const settles = (s: ScenarioJson) => s.events.filter((e) => e.type === 'settle');
const sumOf = (rewards: ModelResult['rewards'], keep: (r: ModelResult['rewards'][number]) => boolean) =>
  rewards.filter(keep).reduce((sum, r) => sum + r.amountFen, 0n);

describe('invariants of the model on random scenarios', () => {
  const property = (check: (s: ScenarioJson, r: ModelResult) => void) => () =>
    fc.assert(
      fc.property(scenarioArb(), (s) => check(s, modelResult(s))),
      { numRuns: 200 },
    );

  it(
    'credits each wallet with exactly the sum of its listed rewards, listing only users credited above 0, in code point order',
    property((_s, r) => {
      const users = [...r.wallets.keys()];
      expect(users).toEqual([...users].sort(compareCodePoints));
      for (const [user, fen] of r.wallets) {
        expect(fen > 0n).toBe(true);
        expect(sumOf(r.rewards, (x) => x.user === user)).toBe(fen);
      }
      for (const reward of r.rewards) {
        if (reward.kind === 'rejected') expect(reward.amountFen).toBe(0n);
        else expect(r.wallets.has(reward.user) && reward.amountFen > 0n).toBe(true);
      }
    }),
  );

  it(
    'pays out in dividends plus the carry exactly what accrued',
    property((s, r) => {
      if (s.plans.dividendPool === undefined) {
        expect(r.dividendPool).toBeUndefined();
        return;
      }
      const bps = param(s, 'dividendPool', 'accrueBps', 200);
      const accrued = settles(s).reduce((sum, e) => sum + shareOf(amountIn(s, 'dividendPool', e), bps), 0n);
      expect(sumOf(r.rewards, (x) => x.kind === 'dividend') + (r.dividendPool?.cashFen ?? -1n)).toBe(accrued);
    }),
  );

  it(
    'never pays a queue entry more than its entitlement; an entry leaves the queue exactly when it is repaid',
    property((s, r) => {
      if (s.plans.queueRebate === undefined) {
        expect(r.queue).toBeUndefined();
        return;
      }
      const capBps = param(s, 'queueRebate', 'capBps', 10_000);
      for (const e of settles(s)) {
        const entitlement = shareOf(amountIn(s, 'queueRebate', e), capBps);
        const paid = sumOf(r.rewards, (x) => x.kind === 'queueRebate' && x.order === e.order);
        const waiting = r.queue?.find((q) => q.order === e.order);
        expect(paid <= entitlement).toBe(true);
        // an entry still queued has been paid its entitlement minus what remains; one gone was paid in full
        // (or never joined, with an entitlement of 0)
        expect(paid + (waiting?.remainingFen ?? 0n)).toBe(entitlement);
        if (waiting !== undefined) expect(waiting.remainingFen > 0n).toBe(true);
      }
    }),
  );

  it(
    'pays each cashback schedule exactly its total, paid plus pending, with one installment left per close to come',
    property((s, r) => {
      if (s.plans.cashback === undefined) {
        expect(r.cashback).toBeUndefined();
        return;
      }
      const rateBps = param(s, 'cashback', 'rateBps', 500);
      const n = param(s, 'cashback', 'installments', 1);
      s.events.forEach((e, i) => {
        if (e.type !== 'settle') return;
        const total = shareOf(amountIn(s, 'cashback', e), rateBps);
        const paid = sumOf(r.rewards, (x) => x.kind === 'cashback' && x.order === e.order);
        const pending = r.cashback?.find((c) => c.order === e.order);
        expect(paid + (pending?.remainingFen ?? 0n)).toBe(total);
        const closesSince = BigInt(s.events.slice(i + 1).filter((x) => x.type === 'periodClose').length);
        const expectedLeft = total === 0n || n === 1n || closesSince >= n - 1n ? undefined : n - 1n - closesSince;
        expect(pending?.installmentsLeft).toBe(expectedLeft);
      });
    }),
  );

  it(
    'gives the identical result when run twice, and leaves its input untouched',
    property((s, r) => {
      const before = JSON.stringify(s);
      expect(stringifyJson(modelResultToJson(modelResult(s)))).toBe(stringifyJson(modelResultToJson(r)));
      expect(JSON.stringify(s)).toBe(before);
    }),
  );

  it('never lowers the pool price, across an empty pool too, and holds exactly the open units in supply', () => {
    fc.assert(
      fc.property(scenarioArb({ plans: ['referralCycle', 'appreciationPool'] }), (s) => {
        const m = new SpecModel(parseTopLevel(s).config);
        let last: { cash: bigint; supply: bigint } | undefined;
        s.events.forEach((event, i) => {
          m.apply(event, i);
          const pool = m.pool;
          if (pool === undefined) return;
          const open = pool.positions.filter((p) => p.status === 'open').reduce((sum, p) => sum + p.units, 0n);
          expect(pool.supplyUnits).toBe(open);
          if (pool.supplyUnits === 0n) return;
          const now = { cash: pool.cashFen, supply: pool.supplyUnits };
          // P'/S' >= P/S, cross-multiplied
          if (last !== undefined) expect(now.cash * last.supply >= last.cash * now.supply).toBe(true);
          last = now;
        });
      }),
      { numRuns: 200 },
    );
  });
});
