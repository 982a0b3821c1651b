/** What the scenario reader tests share: scratch files, the whole-text reference run, generated every-plan scenarios. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_GENERATE,
  PLANS,
  ScenarioError,
  completeGenerateOptions,
  generateScenario,
  parseScenario,
  resultToJson,
  runScenario,
  stringifyJson,
  type ParamSchema,
} from '@mall/core';
import { afterAll } from 'vitest';

/** A scratch folder removed after the file's tests, and a writer of numbered scenario files in it. */
export function scenarioFiles(prefix: string): (text: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  return (text) => {
    const path = join(dir, `scenario-${(files += 1)}.json`);
    writeFileSync(path, text);
    return path;
  };
}

/** The reference: JSON.parse, parseScenario, runScenario, resultToJson, stringifyJson on the whole text. */
export function whole(text: string): { text: string } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { error: 'malformed' };
  }
  try {
    return { text: stringifyJson(resultToJson(runScenario(parseScenario(raw)))) };
  } catch (error) {
    if (error instanceof ScenarioError) return { error: error.message };
    throw error;
  }
}

/** A generated scenario with the given plans (every plan by default) and every kind of event the generator makes. */
export function generated(orders: number, plans: string[] = PLANS.map((p) => p.code)): unknown {
  const schemas = new Map<string, ParamSchema>(PLANS.map((p) => [p.code, p.params]));
  const options = completeGenerateOptions(
    {
      ...DEFAULT_GENERATE,
      orders,
      plans: Object.fromEntries(plans.map((code) => [code, {}])),
      products: 4,
      levelsFen: [0, 300000, 1000000],
      regions: { provinces: 2, cities: 2, districts: 2 },
      agents: 4,
      periodOrders: 50,
      redeemBps: 1000,
      repeatBps: 2000,
      setLevelBps: 500,
    },
    schemas,
  );
  return generateScenario(options);
}

/** A join of user A, for error cases built around the list below. */
export const JOIN_A = '{"type": "join", "user": "A"}';
const BUY = '{"type": "settle", "user": "A", "order": "a1", "amountFen": 100}';

/** Scenarios with an error, for "the reader names the error the whole-file path names, whichever comes first". */
export const ERROR_ORDER_CASES = [
  // an event the engine refuses (an unknown user), then one malformed: the refusal, as it comes first
  `{"plans": {"referralCycle": {}}, "events": [{"type": "settle", "user": "B", "order": "b1", "amountFen": 1}, {"type": "x"}]}`,
  // a malformed event, then one the engine would refuse: the malformed one
  `{"plans": {"referralCycle": {}}, "events": [${JOIN_A}, {"type": "x"}, {"type": "settle", "user": "B", "order": "b1", "amountFen": 1}]}`,
  // a bad header: nothing after it counts
  `{"plans": {"referralCycle": {"ratesBps": [20000]}}, "events": [{"type": "x"}]}`,
  `{"plans": {"referralCycle": {}}, "events": [${JOIN_A}, ${BUY}, ${BUY}]}`,
  `{"plans": {"referralCycle": {}}, "events": 5}`,
  `{"plans": {"referralCycle": {}}}`,
  `[1, 2]`,
];
