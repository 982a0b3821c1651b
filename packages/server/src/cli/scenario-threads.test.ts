import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScenarioError, writeResult } from '@mall/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonStreamError } from './json-stream';
import { ERROR_ORDER_CASES, generated, scenarioFiles, whole } from './scenario-files.test-helper';
import { runFileThreaded } from './scenario-threads';

const root = new URL('../../../../', import.meta.url).pathname;
const file = scenarioFiles('mall-scenario-threads-');

/** The result text or error of the two-thread run; "whole" when it hands the file back to be read whole. */
async function threaded(path: string, batch: number): Promise<{ text: string } | { error: string } | 'whole'> {
  try {
    const run = await runFileThreaded(path, {}, { exitDetection: 'index' }, batch);
    if (run === undefined) return 'whole';
    const pieces: string[] = [];
    writeResult(run.result(), (piece) => pieces.push(piece));
    return { text: pieces.join('') };
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof JsonStreamError) return { error: error.message };
    throw error;
  }
}

describe('runFileThreaded', () => {
  it('gives the bytes the whole-file path gives for the examples and for generated scenarios with every plan', async () => {
    const texts = ['seed', 'referral-cycle', 'pool-redeem', 'mode-library', 'campaigns'].map((name) =>
      readFileSync(join(root, 'examples', `${name}.json`), 'utf8'),
    );
    const doc = generated(300);
    texts.push(JSON.stringify(doc), JSON.stringify(doc, null, 2));
    for (const [i, text] of texts.entries()) {
      const expected = whole(text);
      expect('text' in expected).toBe(true);
      // Batches of one event, of a few, and of more than the file holds (a worker start costs about a second).
      expect(await threaded(file(text), [1, 7, 2048][i % 3] as number)).toEqual(expected);
    }
  });

  it('keeps ids that contain the codec separator or look like its tags', async () => {
    const text = JSON.stringify({
      plans: { referralCycle: {}, appreciationPool: {}, regionalAgent: {} },
      events: [
        { type: 'join', user: 'x' },
        { type: 'join', user: 'j\u0001s', referrer: 'x' },
        { type: 'join', user: 's', referrer: 'j\u0001s' },
        { type: 'settle', user: 's', order: 'r', amountFen: 100000, region: ['广东', '深\u0001圳'] },
        { type: 'settle', user: 'j\u0001s', order: 'x', amountFen: 30000 },
        { type: 'appoint', user: 'x', region: ['广东'] },
        { type: 'settle', user: 'x', order: '\u0001', amountFen: 7, region: ['广东', '深圳', '南山'] },
      ],
    });
    expect(await threaded(file(text), 2)).toEqual(whole(text));
  });

  it('names the error the whole-file path names, whichever comes first in the file', async () => {
    const cases = ERROR_ORDER_CASES;
    for (const text of cases) {
      const expected = whole(text);
      expect('error' in expected, text).toBe(true);
      expect(await threaded(file(text), 1), text).toMatchObject(expected);
    }
    const malformedLast = `{"plans": {"referralCycle": {}}, "events": [{"type": "settle", "user": "B", "order": "b1", "amountFen": 1}, {"type": "join" "user": "A"}]}`;
    expect(await threaded(file(malformedLast), 1)).toMatchObject({
      error: expect.stringMatching(/^malformed JSON at character \d+/) as unknown,
    });
  });

  it('reads the shapes it takes straight from the text as the ordinary path does, and leaves the rest to it', async () => {
    // Texts on the edge of the fast path: escapes, empty ids, repeated keys, white space, long and odd numbers.
    const items = [
      '{"type":"join","user":"A"}',
      '{"type":"join","user":"B","referrer":"A"}',
      '{"type":"join","user":"\\u0043"}',
      '{"type":"join","user":"D\\"q","referrer":"A"}',
      '{"type":"join","user":""}',
      '{"type":"join","user":"E","user":"F"}',
      '{"type":"join","user":"G","referrer":"Z"}',
      '{"type":"join", "user":"H"}',
      '{"type":"join","user":"中文"}',
      '{"type":"settle","user":"A","order":"a1","amountFen":100000}',
      '{"type":"settle","user":"B","order":"b1","amountFen":0}',
      '{"type":"settle","user":"A","order":"a2","amountFen":999999999999999}',
      '{"type":"settle","user":"A","order":"a3","amountFen":9007199254740993}',
      '{"type":"settle","user":"A","order":"a4","amountFen":-5}',
      '{"type":"settle","user":"A","order":"a5","amountFen":1.5}',
      '{"type":"settle","user":"A","order":"a6","amountFen":1e3}',
      '{"type":"settle","user":"A","order":"a7","amountFen":"5"}',
      '{"type":"settle","user":"A","order":"a1","amountFen":7}',
      '{"type":"settle","user":"A","order":"a8","amountFen":7,"extra":1}',
      '{"type":"settle","user":"A","order":"a9","amountFen":00}',
      '{"type":"teleport"}',
    ];
    const pick = fc.array(fc.constantFrom(...items), { maxLength: 14 });
    await fc.assert(
      fc.asyncProperty(pick, async (list) => {
        const text = `{"plans":{"referralCycle":{},"appreciationPool":{}},"events":[${list.join(',')}]}`;
        const expected = whole(text);
        const got = await threaded(file(text), 3);
        if ('error' in expected && expected.error === 'malformed')
          expect(got).toMatchObject({ error: /^malformed JSON/ });
        else expect(got).toEqual(expected);
      }),
      { numRuns: 15 },
    );
  });

  it('hands back a file with a field after its events, to be read whole', async () => {
    const text = `{"events": [{"type": "join", "user": "A"}], "plans": {"appreciationPool": {}}}`;
    expect(await threaded(file(text), 1)).toBe('whole');
  });

  it('says a missing file is a read failure, as the one-thread reader does', async () => {
    await expect(runFileThreaded(`${file('')}.missing`, {}, { exitDetection: 'index' })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
