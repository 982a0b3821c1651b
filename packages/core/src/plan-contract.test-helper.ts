/**
 * Test-only: the contract every registered plan must pass (issue 8). Used by the registry contract test for
 * every plan, and by the fixture-plan test for a plan registered only there.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { RecordEffect, TransferEffect } from './effects';
import { share } from './money';
import { paramsJsonSchema, parseParams, type Label } from './params';
import { findPlan } from './plans/registry';
import { diffRecords, replayForAudit } from './records';
import { scenarioArb } from './random-scenario.test-helper';
import { rulesSection } from './rules';
import { parseScenario, runScenario } from './scenario';

function label(l: Label | undefined, what: string): void {
  expect(l?.zh.length, `${what} (zh)`).toBeGreaterThan(0);
  expect(l?.en.length, `${what} (en)`).toBeGreaterThan(0);
}

const LEVELS = [
  { code: 'V1', minSpendFen: 0n },
  { code: 'V2', minSpendFen: 100_000n },
  { code: 'V3', minSpendFen: 500_000n },
];

/** Parameters with every per-level list filled for three levels. */
function sampleParams(code: string): Record<string, unknown> {
  const definition = findPlan(code);
  const params: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition?.params ?? {})) {
    if (spec.kind === 'perLevel') params[name] = [100, 200, 300].map((v) => Math.min(v, spec.max));
  }
  return params;
}

export function checkPlanContract(code: string, numRuns = 60): void {
  const definition = findPlan(code);
  expect(definition, `plan ${code} is registered`).toBeDefined();
  if (definition === undefined) return;

  // Labels for the plan, every reward kind it can pay, every record kind and every parameter.
  label(definition.title, `${code} title`);
  label(definition.summary, `${code} summary`);
  expect(Object.keys(definition.rewardKinds).length, `${code} declares reward kinds`).toBeGreaterThan(0);
  for (const [kind, l] of Object.entries(definition.rewardKinds)) label(l, `${code} reward kind ${kind}`);
  for (const [kind, l] of Object.entries(definition.records)) label(l, `${code} record kind ${kind}`);
  for (const [name, spec] of Object.entries(definition.params)) label(spec.label, `${code} parameter ${name}`);
  // Compliance: never more than two levels of invitation.
  expect(definition.referralLevels).toBeLessThanOrEqual(2);

  // Parameters: the defaults (with per-level lists) parse, and the JSON schema lists every parameter.
  const parsed = parseParams(definition.params, sampleParams(code), { levelCount: LEVELS.length });
  expect(parsed.ok, `${code} sample parameters parse`).toBe(true);
  const schema = paramsJsonSchema(definition.params, { levelCount: LEVELS.length }) as { properties: object };
  expect(Object.keys(schema.properties)).toEqual(Object.keys(definition.params));

  // Rules section with default parameters: clauses, and an example the engine computes.
  const rules = rulesSection(code, sampleParams(code), { levels: LEVELS });
  expect(rules.clauses.length).toBeGreaterThan(0);
  rules.clauses.forEach((c, i) => label(c, `${code} rules clause ${i}`));
  expect(rules.example.steps.length).toBeGreaterThan(0);
  expect(rules.example.fromToday).toBe(false);
  expect(rules.params.map((p) => p.name)).toEqual(Object.keys(definition.params));

  const needLevels = Object.values(definition.params).some(
    (s) => s.kind === 'perLevel' && s.requiredWhen === undefined,
  );
  fc.assert(
    fc.property(scenarioArb({ only: [code], needLevels }), (doc) => {
      const transfers: TransferEffect[] = [];
      const records: RecordEffect[] = [];
      const scenario = parseScenario(doc);
      const { engine } = runScenario(scenario, {
        onEvent(_i, _e, effects) {
          for (const e of effects) {
            if (e.type === 'transfer') transfers.push(e);
            if (e.type === 'record') records.push(e);
          }
        },
      });
      const entry = engine.entry(code);
      expect(entry).toBeDefined();
      // Every credit is of a declared kind, every record of a declared record kind, every transfer names the plan.
      for (const t of transfers) {
        expect(t.plan).toBe(code);
        expect(t.campaign).toBe(code);
        if (t.user !== undefined) expect(Object.keys(definition.rewardKinds)).toContain(t.reason);
      }
      for (const r of records) expect(Object.keys(definition.records)).toContain(r.kind);
      if (entry?.instance.periodClose !== undefined) expect(definition.events).toContain('periodClose');
      if (entry?.instance.redeem !== undefined) expect(definition.events).toContain('redeem');
      // The payout bound holds: what it credited <= sum over orders of share(A, bound).
      const bound = definition.payoutBoundBps(entry?.params as never);
      const products = doc.plans[code]?.products as string[] | undefined;
      let limit = 0n;
      for (const e of doc.events) {
        if (e.type !== 'settle') continue;
        const lines = (e.lines as { product: string; amountFen: number }[] | undefined) ?? [];
        const a =
          products === undefined
            ? BigInt(e.amountFen as number)
            : lines.filter((l) => products.includes(l.product)).reduce((s, l) => s + BigInt(l.amountFen), 0n);
        limit += share(a, bound);
      }
      const paid = transfers.filter((t) => t.user !== undefined).reduce((s, t) => s + t.amountFen, 0n);
      expect(paid <= limit, `${code} paid ${paid} above its bound ${limit}`).toBe(true);
      // Facts are labelled numbers.
      for (const fact of definition.facts(entry?.instance as never)) {
        label(fact.label, `${code} fact ${fact.key}`);
        expect(typeof fact.value).toBe('bigint');
      }
      // Audit replays it: the same records again, and a tampered record is found.
      const replay = replayForAudit(scenario.config, scenario.events);
      const stored = [...replay.records.values()];
      expect(diffRecords(replay.records, stored)).toEqual([]);
      expect([...replay.transfers.keys()]).toEqual(transfers.map((t) => t.id));
      const first = stored[0];
      if (first !== undefined) {
        const tampered = { ...first, data: { ...first.data, tampered: 1 } };
        expect(diffRecords(replay.records, [tampered, ...stored.slice(1)])).toHaveLength(1);
        expect(diffRecords(replay.records, stored.slice(1))).toHaveLength(1);
      }
      // The rules section renders from the live campaign, on a fork that leaves the engine as it was.
      const seq = engine.seq;
      const facts = JSON.stringify(engine.facts(code), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
      const live = rulesSection(code, undefined, { live: { engine, campaign: code } });
      expect(live.example.fromToday).toBe(true);
      expect(live.campaign).toBe(code);
      expect(engine.seq).toBe(seq);
      expect(JSON.stringify(engine.facts(code), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v))).toBe(facts);
    }),
    { numRuns },
  );
}
