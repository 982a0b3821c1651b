import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringifyJson, type JsonValue } from '@mall/core';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonStreamError, readJsonFile, writeJson } from './json-stream';

const dir = mkdtempSync(join(tmpdir(), 'mall-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function read(text: string, chunkBytes: number): { ok: true; value: unknown } | { ok: false; error: unknown } {
  const file = join(dir, `doc-${(files += 1)}.json`);
  writeFileSync(file, text);
  try {
    return { ok: true, value: readJsonFile(file, chunkBytes) };
  } catch (error) {
    return { ok: false, error };
  }
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

// Documents shaped like scenarios: an object whose values are often long lists, with any text in the strings.
const documents = fc.dictionary(
  fc.string({ unit: 'binary' }),
  fc.oneof(fc.array(fc.jsonValue(), { maxLength: 30 }), fc.jsonValue()),
);
const layouts = fc.constantFrom(undefined, 1, 3);

describe('readJsonFile', () => {
  it('gives what JSON.parse gives for the whole text, whatever the chunk size cuts through', () => {
    fc.assert(
      fc.property(documents, layouts, fc.integer({ min: 1, max: 40 }), (document, indent, chunk) => {
        const text = JSON.stringify(document, null, indent);
        const result = read(text, chunk);
        expect(result).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 150 },
    );
  });

  it('refuses exactly the texts JSON.parse refuses: any cut or changed character of a valid document', () => {
    fc.assert(
      fc.property(
        documents,
        fc.nat(),
        fc.constantFrom('', ',', ']', '}', '"', '[', '{', ':', 'x', ' '),
        fc.integer({ min: 1, max: 16 }),
        (document, position, insert, chunk) => {
          const text = JSON.stringify(document);
          const at = position % (text.length + 1);
          const broken = text.slice(0, at) + insert + text.slice(at + (insert === '' ? 0 : 1));
          // A cut through a surrogate pair is written to the file as U+FFFD: compare with what the file holds.
          const expected = parse(Buffer.from(broken).toString('utf8'));
          const result = read(broken, chunk);
          if (expected.ok) expect(result).toEqual(expected);
          else {
            expect(result.ok).toBe(false);
            if (!result.ok) expect(result.error).toBeInstanceOf(JsonStreamError);
          }
        },
      ),
      { numRuns: 250 },
    );
  });

  it('gives what JSON.parse gives for lists of events, where the pattern },{"type" also appears inside items', () => {
    // The reader guesses where a chunk's items end from that pattern; nested lists of objects with a "type" fool it.
    const leaf = fc.record({ type: fc.string(), amountFen: fc.integer() });
    const item = fc.oneof(
      leaf,
      fc.record({ type: fc.constantFrom('settle', '},{"type"'), lines: fc.array(leaf, { maxLength: 4 }) }),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 60 }),
        fc.constantFrom(undefined, 1),
        fc.integer({ min: 1, max: 300 }),
        (events, indent, chunk) => {
          const text = JSON.stringify({ plans: {}, events, after: [{ type: 1 }, { type: 2 }] }, null, indent);
          expect(read(text, chunk)).toEqual({ ok: true, value: JSON.parse(text) });
          const broken = text.replace(/\},\{"type"(?![^]*\},\{"type")/, '},,{"type"');
          if (broken !== text) expect(read(broken, chunk).ok).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses an empty list item however the chunks fall (a chunk ending just after a comma once let it through)', () => {
    for (const text of ['{"events": [1,,2]}', '{"events": [1, ,2]}', '{"events": [1,]}', '{"a": [{"x": 1},]}']) {
      for (let chunk = 1; chunk <= text.length; chunk += 1) {
        const result = read(text, chunk);
        expect(result.ok, `${text} in chunks of ${chunk}`).toBe(false);
        if (!result.ok) expect(result.error).toBeInstanceOf(JsonStreamError);
      }
    }
  });

  it('keeps "__proto__" an ordinary key, as JSON.parse does', () => {
    const result = read('{"__proto__": [1, {"__proto__": 2}], "events": []}', 4);
    expect(result.ok).toBe(true);
    const value = (result as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'events']);
    expect(value.__proto__).toEqual([1, JSON.parse('{"__proto__": 2}')]);
  });

  it('names the character where a malformed document stops being JSON', () => {
    const result = read('{"plans": {}, "events": [{"type": "join"} {"type": "join"}]}', 100);
    expect(result.ok).toBe(false);
    // The items of one chunk are parsed together: the position is where their run starts, JSON.parse says the rest.
    expect(String((result as { error: Error }).error.message)).toMatch(
      /^malformed JSON at character 25: in the list items from here: /,
    );
  });
});

describe('writeJson', () => {
  it('writes what JSON.stringify with a two-space indent writes, for any plain JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const chunks: string[] = [];
        writeJson(value as JsonValue, { write: (chunk: string) => chunks.push(chunk) });
        expect(chunks.join('')).toBe(`${JSON.stringify(value, null, 2)}\n`);
      }),
      { numRuns: 300 },
    );
  });

  it('writes the same text as stringifyJson plus a newline, in pieces', () => {
    const bigints = fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n });
    const values: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        bigints,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 400 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 20 }),
      ),
    })).value;
    fc.assert(
      fc.property(values, (value) => {
        const chunks: string[] = [];
        writeJson(value, { write: (chunk: string) => chunks.push(chunk) });
        expect(chunks.join('')).toBe(`${stringifyJson(value)}\n`);
        for (const chunk of chunks.slice(0, -2)) expect(chunk.length).toBeGreaterThanOrEqual(1 << 16);
      }),
      { numRuns: 200 },
    );
  });
});
