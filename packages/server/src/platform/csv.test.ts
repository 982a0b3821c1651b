import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './csv';

describe('CSV', () => {
  it('reads back any table it writes: quotes, commas, line breaks and Chinese text', () => {
    const cell = fc.oneof(
      fc.string(),
      fc.constantFrom('订单号', 'a,b', 'say "hi"', 'two\nlines', 'cr\r\nlf', ' padded ', '12.50', ''),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 6 }), (table) => {
        const safe = table.map((r) => r.map((c) => c.replace(/^[=+\-@\t\r]/, 'x')));
        const [header, ...rows] = safe as [string[], ...string[][]];
        const parsed = parseCsv(toCsv(header, rows));
        expect('rows' in parsed).toBe(true);
        const expected = safe.filter((r) => !(r.length === 1 && r[0] === ''));
        if ('rows' in parsed) expect(parsed.rows).toEqual(expected);
      }),
    );
  });

  it('writes a byte-order mark and quotes cells a spreadsheet would run as formulas', () => {
    const text = toCsv(['a'], [['=HYPERLINK("x")'], ['-5'], ['@SUM(A1)']]);
    expect(text.startsWith('\ufeff')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(text).toContain('\r\n-5\r\n');
    expect(text).toContain("'@SUM(A1)");
  });

  it('names the line of a quote that never closes or text after a closing quote', () => {
    expect(parseCsv('a,b\n"c,d\n')).toEqual({ error: 'line 2: a quote is never closed' });
    expect(parseCsv('a,"b"c\n')).toEqual({ error: 'line 1: text after a closing quote' });
    expect(parseCsv('\ufeffx,y\r\n\r\n1,2')).toEqual({
      rows: [
        ['x', 'y'],
        ['1', '2'],
      ],
    });
  });
});
