import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Effect, RecordEffect, TransferEffect } from './effects';
import { stringifyJson } from './json';
import { share } from './money';
import { findPlan } from './plans/registry';
import { scenarioArb, type ScenarioDoc } from './random-scenario.test-helper';
import { parseScenario, resultToJson, runScenario, type ScenarioResult } from './scenario';
import type { ResultJson } from './scenario.test-helper';

interface Run {
  doc: ScenarioDoc;
  result: ScenarioResult;
  json: ResultJson;
  transfers: TransferEffect[];
  records: RecordEffect[];
  /** In-scope amount A of each order for each plan (plans form: campaign id = plan code). */
  amounts: Map<string, Map<string, bigint>>;
}

function inScope(doc: ScenarioDoc, plan: string, event: Record<string, unknown>): bigint {
  const products = doc.plans[plan]?.products as string[] | undefined;
  const amount = BigInt(event.amountFen as number);
  if (products === undefined) return amount;
  const lines = event.lines as { product: string; amountFen: number }[] | undefined;
  return (lines ?? []).filter((l) => products.includes(l.product)).reduce((s, l) => s + BigInt(l.amountFen), 0n);
}

function run(doc: ScenarioDoc, exitDetection: 'index' | 'scan' = 'index'): Run {
  const transfers: TransferEffect[] = [];
  const records: RecordEffect[] = [];
  const result = runScenario(
    parseScenario(doc),
    {
      onEvent(_i, _e, effects: readonly Effect[]) {
        for (const e of effects) {
          if (e.type === 'transfer') transfers.push(e);
          else if (e.type === 'record') records.push(e);
        }
      },
    },
    { exitDetection },
  );
  const amounts = new Map<string, Map<string, bigint>>();
  for (const plan of Object.keys(doc.plans)) {
    const byOrder = new Map<string, bigint>();
    for (const e of doc.events) if (e.type === 'settle') byOrder.set(e.order as string, inScope(doc, plan, e));
    amounts.set(plan, byOrder);
  }
  const json = JSON.parse(stringifyJson(resultToJson(result))) as ResultJson;
  return { doc, result, json, transfers, records, amounts };
}

const text = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

const sum = (xs: Iterable<bigint>): bigint => {
  let s = 0n;
  for (const x of xs) s += x;
  return s;
};

const arb = scenarioArb();

describe('mode library properties over random scenarios using every plan', () => {
  it('credits every wallet exactly the sum of its listed rewards, each above 0', () => {
    fc.assert(
      fc.property(arb, (doc) => {
        const { result, transfers } = run(doc);
        const byUser = new Map<string, bigint>();
        for (const r of result.rewards) {
          if (r.kind === 'rejected') continue;
          expect(r.amountFen > 0n).toBe(true);
          byUser.set(r.user, (byUser.get(r.user) ?? 0n) + r.amountFen);
        }
        expect(new Map([...result.wallets].sort())).toEqual(new Map([...byUser].sort()));
        const credited = transfers.filter((t) => t.user !== undefined);
        expect(sum(credited.map((t) => t.amountFen))).toBe(sum(byUser.values()));
        expect(new Set(transfers.map((t) => t.id)).size).toBe(transfers.length);
      }),
      { numRuns: 200 },
    );
  });

  it('pays dividends plus the carry equal to what accrued', () => {
    fc.assert(
      fc.property(scenarioArb({ only: ['dividendPool', 'cashback'] }), (doc) => {
        const { json, transfers } = run(doc);
        const accrued = sum(transfers.filter((t) => t.reason === 'dividendAccrual').map((t) => t.amountFen));
        const paid = sum(transfers.filter((t) => t.reason === 'dividend').map((t) => t.amountFen));
        expect(paid + BigInt(json.dividendPool?.cashFen ?? -1)).toBe(accrued);
        const plan = doc.plans.dividendPool as { accrueBps: number };
        const expected = sum(
          [...(run(doc).amounts.get('dividendPool') ?? new Map()).values()].map((a) =>
            share(a, BigInt(plan.accrueBps)),
          ),
        );
        expect(accrued).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('never pays a queue entry more than its entitlement share(A, capBps); paid + remaining = entitlement', () => {
    fc.assert(
      fc.property(scenarioArb({ only: ['queueRebate'], maxEvents: 120 }), (doc) => {
        const { json, transfers, amounts } = run(doc);
        const cap = BigInt((doc.plans.queueRebate as { capBps: number }).capBps);
        const pay = BigInt((doc.plans.queueRebate as { payBps: number }).payBps);
        const paid = new Map<string, bigint>();
        for (const t of transfers)
          if (t.reason === 'queueRebate') paid.set(t.order ?? '', (paid.get(t.order ?? '') ?? 0n) + t.amountFen);
        const remaining = new Map((json.queue ?? []).map((q) => [q.order, BigInt(q.remainingFen)]));
        for (const [order, a] of amounts.get('queueRebate') ?? []) {
          const entitlement = share(a, cap);
          const got = paid.get(order) ?? 0n;
          expect(got <= entitlement).toBe(true);
          // an entry still queued has been paid the rest; one that left was paid in full
          const left = remaining.get(order);
          if (entitlement > 0n) expect(got + (left ?? 0n)).toBe(entitlement);
          else expect(left).toBeUndefined();
        }
        // the queue never pays more than the orders' budgets
        const budgets = sum([...(amounts.get('queueRebate') ?? new Map()).values()].map((a) => share(a, pay)));
        expect(sum(paid.values()) <= budgets).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('pays each cashback in full over its installments: paid + pending = share(A, rateBps)', () => {
    fc.assert(
      fc.property(scenarioArb({ only: ['cashback'] }), (doc) => {
        const { json, transfers, amounts } = run(doc);
        const rate = BigInt((doc.plans.cashback as { rateBps: number }).rateBps);
        const n = (doc.plans.cashback as { installments: number }).installments;
        const closes = doc.events.map((e, i) => (e.type === 'periodClose' ? i : -1)).filter((i) => i >= 0);
        const paid = new Map<string, bigint>();
        for (const t of transfers)
          if (t.reason === 'cashback') paid.set(t.order ?? '', (paid.get(t.order ?? '') ?? 0n) + t.amountFen);
        const pending = new Map((json.cashback ?? []).map((c) => [c.order, c]));
        for (const [order, a] of amounts.get('cashback') ?? []) {
          const total = share(a, rate);
          const open = pending.get(order);
          expect((paid.get(order) ?? 0n) + BigInt(open?.remainingFen ?? 0)).toBe(total);
          if (open !== undefined) {
            // installmentsLeft = n - 1 minus the closes since the order settled
            const at = doc.events.findIndex((e) => e.order === order && e.type === 'settle');
            expect(open.installmentsLeft).toBe(n - 1 - closes.filter((c) => c > at).length);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps each plan’s payout within its declared bound: sum paid <= sum of share(A, payoutBoundBps)', () => {
    fc.assert(
      fc.property(arb, (doc) => {
        const { transfers, amounts, result } = run(doc);
        const levelCount = doc.levels?.length ?? 0;
        for (const [code, byOrder] of amounts) {
          const definition = findPlan(code);
          const entry = result.engine.entry(code);
          expect(definition !== undefined && entry !== undefined).toBe(true);
          // the parameters as the engine parsed them (defaults filled)
          const bound = definition?.payoutBoundBps(entry?.params as never) as bigint;
          const paid = sum(
            transfers.filter((t) => t.campaign === code && t.user !== undefined).map((t) => t.amountFen),
          );
          expect(paid <= sum([...byOrder.values()].map((a) => share(a, bound))), `${code} (levels ${levelCount})`).toBe(
            true,
          );
        }
      }),
      { numRuns: 150 },
    );
  });

  it('balances every campaign account: pool cash, dividend pool and cashback reserve equal what the result reports', () => {
    fc.assert(
      fc.property(arb, (doc) => {
        const { json, transfers } = run(doc);
        const balances = new Map<string, bigint>();
        for (const t of transfers) {
          balances.set(t.to, (balances.get(t.to) ?? 0n) + t.amountFen);
          balances.set(t.from, (balances.get(t.from) ?? 0n) - t.amountFen);
        }
        expect(balances.get('pool:appreciationPool:cash') ?? 0n).toBe(BigInt(json.pool.cashFen));
        if (json.dividendPool !== undefined) {
          expect(balances.get('pool:dividendPool:dividend') ?? 0n).toBe(BigInt(json.dividendPool.cashFen));
        }
        if (json.cashback !== undefined) {
          expect(balances.get('pool:cashback:cashback') ?? 0n).toBe(
            sum(json.cashback.map((c) => BigInt(c.remainingFen))),
          );
        }
        for (const [account, balance] of balances) {
          if (account.startsWith('pool:') || account.startsWith('user:')) expect(balance >= 0n, account).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('replays to byte-identical output, with the exit index or the scan, and a fork continues exactly like the original', () => {
    fc.assert(
      fc.property(arb, fc.nat(), (doc, cut) => {
        const first = stringifyJson(resultToJson(run(doc).result));
        expect(stringifyJson(resultToJson(run(doc).result))).toBe(first);
        expect(stringifyJson(resultToJson(run(doc, 'scan').result))).toBe(first);
        // run a prefix, fork, then feed the rest to both: the same effects
        const scenario = parseScenario(doc);
        const at = cut % (scenario.events.length + 1);
        const prefix = runScenario({ ...scenario, events: scenario.events.slice(0, at) });
        const original = prefix.engine;
        const fork = original.fork();
        for (const event of scenario.events.slice(at)) {
          expect(text(fork.apply(event))).toBe(text(original.apply(event)));
        }
      }),
      { numRuns: 150 },
    );
  });
});
