import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonRows, emitJson, quoteJson, stringifyJson, type JsonValue } from './json';

describe('stringifyJson', () => {
  it('writes bigint as exact integer literals, also beyond 2^53', () => {
    expect(stringifyJson({ a: 2n ** 64n + 1n, b: -(2n ** 53n) - 1n })).toBe(
      '{\n  "a": 18446744073709551617,\n  "b": -9007199254740993\n}',
    );
  });

  it('keeps insertion order of keys and indents nested lists and objects by two spaces', () => {
    expect(stringifyJson({ z: [1, { y: true, x: null }], a: 'q"\n中' })).toBe(
      '{\n  "z": [\n    1,\n    {\n      "y": true,\n      "x": null\n    }\n  ],\n  "a": "q\\"\\n中"\n}',
    );
  });

  it('writes empty lists and objects inline and accepts another indent step', () => {
    expect(stringifyJson({ a: [], b: {} })).toBe('{\n  "a": [],\n  "b": {}\n}');
    expect(stringifyJson([1n, [2n]], '\t')).toBe('[\n\t1,\n\t[\n\t\t2\n\t]\n]');
  });

  it('round-trips through JSON.parse for values within double range', () => {
    const value = { pool: { cashFen: 29887n, supplyUnits: 209000000n }, list: ['a', 1, false] };
    expect(JSON.parse(stringifyJson(value))).toEqual({
      pool: { cashFen: 29887, supplyUnits: 209000000 },
      list: ['a', 1, false],
    });
  });
});

describe('JsonRows', () => {
  it('writes the same text as the list of objects it stands for, at any depth and indent', () => {
    const keys = ['order', 'user', 'units', 'nested'];
    const rows = [
      ['o1', 'u"1', 5n, null],
      ['o2', '中', 2n ** 70n, [1, { a: 'b' }]],
      ['o3', '', 0n, {}],
    ] as const;
    const objects = rows.map((row) => Object.fromEntries(keys.map((key, k) => [key, row[k]]))) as JsonValue;
    const table = new JsonRows(keys, rows.length, (i, cells) => {
      rows[i]?.forEach((cell, k) => {
        cells[k] = cell as JsonValue;
      });
    });
    for (const step of ['  ', '\t']) {
      expect(stringifyJson({ a: { positions: table } }, step)).toBe(stringifyJson({ a: { positions: objects } }, step));
      expect(stringifyJson([table], step)).toBe(stringifyJson([objects], step));
    }
    expect(stringifyJson({ empty: new JsonRows(keys, 0, () => undefined) })).toBe(stringifyJson({ empty: [] }));
    expect(stringifyJson(new JsonRows([], 2, () => undefined))).toBe(stringifyJson([{}, {}]));
  });

  it('hands the same pieces to emitJson as stringifyJson makes, whole', () => {
    const table = new JsonRows(['n', 's'], 5000, (i, cells) => {
      cells[0] = BigInt(i);
      cells[1] = `u${i}`;
    });
    const pieces: string[] = [];
    emitJson({ rows: table }, (piece) => pieces.push(piece));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(stringifyJson({ rows: table }));
  });
});

describe('quoteJson', () => {
  it('quotes every string as JSON.stringify does', () => {
    for (const text of ['', 'u1', 'q"', 'a\\b', '\u0000\u001f', '中文', '😀', '\ud800', 'x\udfffy', '\u2028']) {
      expect(quoteJson(text)).toBe(JSON.stringify(text));
    }
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => quoteJson(text) === JSON.stringify(text)));
  });
});
