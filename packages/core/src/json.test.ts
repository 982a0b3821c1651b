import { describe, expect, it } from 'vitest';
import { stringifyJson } from './json';

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
