import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatScaled } from './money';
import { parseYuan, specMatrix, specProblem } from './catalog';

describe('spec matrix', () => {
  it('makes 12 combinations of 3 colours and 4 sizes, colour varying slowest', () => {
    const matrix = specMatrix([
      { name: '颜色', values: ['红', '蓝', '黑'] },
      { name: '尺码', values: ['S', 'M', 'L', 'XL'] },
    ]);
    expect(matrix).toHaveLength(12);
    expect(matrix[0]).toEqual(['红', 'S']);
    expect(matrix[4]).toEqual(['蓝', 'S']);
    expect(new Set(matrix.map((m) => m.join('|'))).size).toBe(12);
  });

  it('has as many rows as the product of the value counts, each a distinct combination', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }), (counts) => {
        const specs = counts.map((n, i) => ({ name: `s${i}`, values: Array.from({ length: n }, (_v, j) => `v${j}`) }));
        const matrix = specMatrix(specs);
        expect(matrix).toHaveLength(counts.reduce((a, b) => a * b, 1));
        expect(new Set(matrix.map((m) => m.join('|'))).size).toBe(matrix.length);
        expect(specProblem(specs, matrix)).toBeUndefined();
      }),
    );
  });

  it('refuses a SKU with an unknown value, a missing value, or a combination used twice', () => {
    const specs = [
      { name: '颜色', values: ['红', '蓝'] },
      { name: '尺码', values: ['S', 'M'] },
    ];
    expect(specProblem(specs, [['红', 'XL']])).toMatch(/not a value of 尺码/);
    expect(specProblem(specs, [['红']])).toMatch(/one value for each/);
    expect(
      specProblem(specs, [
        ['红', 'S'],
        ['红', 'S'],
      ]),
    ).toMatch(/share/);
    expect(specProblem([{ name: '颜色', values: ['红', '红'] }], [])).toMatch(/twice/);
    expect(specProblem([], [[], []])).toBeUndefined();
    expect(specProblem([], [['红']])).toMatch(/one value for each/);
  });
});

describe('yuan text', () => {
  it('reads plain amounts exactly and refuses everything else', () => {
    expect(parseYuan('12.34')).toBe(1234n);
    expect(parseYuan('12.5')).toBe(1250n);
    expect(parseYuan(' 7 ')).toBe(700n);
    for (const bad of ['', '-1', '1e3', '1.234', '0x10', '1,000', 'Infinity', '.5', '1.']) {
      expect(parseYuan(bad), bad).toBeUndefined();
    }
  });

  it('reads back what formatScaled writes, for any amount up to 13 digits of yuan', () => {
    expect(parseYuan('9999999999999.99')).toBe(10n ** 15n - 1n);
    expect(parseYuan('10000000000000')).toBeUndefined();
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), (fen) => {
        expect(parseYuan(formatScaled(fen, 100n, 2, false))).toBe(fen);
      }),
    );
  });
});
