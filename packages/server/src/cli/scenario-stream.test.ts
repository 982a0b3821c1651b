import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ScenarioError, ScenarioRun, PLANS, runScenario, writeResult } from '@mall/core';
import { describe, expect, it } from 'vitest';
import { JsonStreamError } from './json-stream';
import { ERROR_ORDER_CASES, JOIN_A, generated, scenarioFiles, whole } from './scenario-files.test-helper';
import { streamScenario } from './scenario-stream';

const root = new URL('../../../../', import.meta.url).pathname;
const file = scenarioFiles('mall-scenario-stream-');

/** What `mall simulate --scenario FILE` prints, or the error it names, when the events run as they are read. */
function streamed(path: string): { text: string; streamed: boolean } | { error: string } {
  try {
    let run: ScenarioRun | undefined;
    const read = streamScenario(path, (header) => {
      const started = new ScenarioRun(header.config, header.form);
      run = started;
      return (event) => started.apply(event);
    });
    const result = read.streamed ? (run as ScenarioRun).result() : runScenario(read.scenario);
    if (read.streamed && read.error !== undefined) throw read.error;
    const pieces: string[] = [];
    writeResult(result, (piece) => pieces.push(piece));
    return { text: pieces.join(''), streamed: read.streamed };
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof JsonStreamError) return { error: error.message };
    throw error;
  }
}

describe('streamScenario', () => {
  it('gives the bytes the whole-file path gives for the examples (SPEC worked example, mode library, campaigns form)', () => {
    for (const name of ['seed', 'referral-cycle', 'pool-redeem', 'mode-library', 'campaigns']) {
      const text = readFileSync(join(root, 'examples', `${name}.json`), 'utf8');
      const expected = whole(text);
      expect('text' in expected, name).toBe(true);
      expect(streamed(file(text))).toEqual({ ...expected, streamed: true });
    }
  });

  it('gives the bytes the whole-file path gives for generated scenarios with every plan, compact or indented', () => {
    const doc = generated(
      400,
      PLANS.map((p) => p.code),
    );
    for (const indent of [undefined, 2]) {
      const text = JSON.stringify(doc, null, indent);
      expect(streamed(file(text))).toEqual({ ...whole(text), streamed: true });
    }
  });

  it('reads a file whose fields come after its events whole, with the same result', () => {
    const text =
      '{"events": [{"type": "join", "user": "A"}, {"type": "settle", "user": "A", "order": "a1", "amountFen": 100000}], "plans": {"appreciationPool": {}}}';
    expect(streamed(file(text))).toEqual({ ...whole(text), streamed: false });
    const levelsLast = `{"plans": {"cashback": {}}, "events": [{"type": "join", "user": "A"}], "levels": []}`;
    expect(streamed(file(levelsLast))).toEqual({ ...whole(levelsLast), streamed: false });
  });

  it('names the error the whole-file path names, whichever comes first in the file', () => {
    const cases = [
      ...ERROR_ORDER_CASES,
      // a field after the events: the file is read again whole, and the error is the same
      `{"plans": {"referralCycle": {}}, "events": [${JOIN_A}, {"type": "x"}], "extra": 1}`,
      `{"plans": {"referralCycle": {}}, "events": [${JOIN_A}], "campaigns": []}`,
    ];
    for (const text of cases) {
      const expected = whole(text);
      expect('error' in expected, text).toBe(true);
      expect(streamed(file(text)), text).toMatchObject(expected);
    }
  });

  it('reports malformed JSON after an event the engine refuses as malformed JSON, as the whole-file path does', () => {
    const text = `{"plans": {"referralCycle": {}}, "events": [{"type": "settle", "user": "B", "order": "b1", "amountFen": 1}, {"type": "join" "user": "A"}]}`;
    const result = streamed(file(text));
    expect(result).toMatchObject({ error: expect.stringMatching(/^malformed JSON at character \d+/) as unknown });
  });

  it('agrees with the whole-file path for random key orders and broken events', () => {
    const events = fc.array(
      fc.oneof(
        fc.constantFrom(
          { type: 'join', user: 'A' },
          { type: 'join', user: 'B', referrer: 'A' },
          { type: 'settle', user: 'A', order: 'a1', amountFen: 1000 },
          { type: 'settle', user: 'B', order: 'b1', amountFen: 1000 },
          { type: 'redeem', user: 'A', order: 'a1', units: 1 },
          { type: 'teleport' },
          { type: 'join', user: '},{"type": "join", "user": "Z"}' },
        ),
      ),
      { maxLength: 12 },
    );
    const fields = fc.shuffledSubarray(['plans', 'levels', 'events', 'extra'], { minLength: 1 });
    fc.assert(
      fc.property(events, fields, fc.constantFrom(undefined, 1), (list, keys, indent) => {
        const values: Record<string, unknown> = {
          plans: { referralCycle: {}, appreciationPool: {} },
          levels: [],
          events: list,
          extra: true,
        };
        const doc = Object.fromEntries(keys.map((key) => [key, values[key]]));
        const text = JSON.stringify(doc, null, indent);
        const result = streamed(file(text));
        const expected = whole(text);
        if ('text' in result) expect({ text: result.text }).toEqual(expected);
        else expect(result).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
