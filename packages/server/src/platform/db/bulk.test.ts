import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from './bulk';

describe('arrayLiteral', () => {
  it('quotes every text element, escapes only quote and backslash, and writes NULL and integers bare', () => {
    expect(arrayLiteral(['a', 'x,y', 'say "hi"', 'c:\\dir', '', 'NULL', null, 12n, -3n, 7, true, false])).toBe(
      '{"a","x,y","say \\"hi\\"","c:\\\\dir","","NULL",NULL,12,-3,7,t,f}',
    );
  });

  it('keeps a bigint beyond 2^53 digit for digit', () => {
    expect(arrayLiteral([9_007_199_254_740_993n])).toBe('{9007199254740993}');
  });

  it('refuses a value it cannot send', () => {
    expect(() => arrayLiteral([{}])).toThrow(/cannot send a object/);
  });
});

// PostgreSQL reads back exactly what was sent: any text (JSON payloads, ids, Chinese names), nulls and bigints.
const url = process.env.TEST_DATABASE_URL;
describe.runIf(url !== undefined)('arrayLiteral on PostgreSQL', () => {
  const client = new pg.Client({ connectionString: url });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  it('round-trips arbitrary text and nulls through a text[] parameter', async () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(text, { nil: null }), { maxLength: 20 }), async (values) => {
        const { rows } = await client.query<{ v: (string | null)[] }>('select $1::text[] as v', [arrayLiteral(values)]);
        expect(rows[0]?.v).toEqual(values);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips bigints through a bigint[] parameter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 20 }),
        async (values) => {
          const { rows } = await client.query<{ v: string[] }>('select $1::bigint[]::text[] as v', [
            arrayLiteral(values),
          ]);
          expect(rows[0]?.v.map(BigInt)).toEqual(values);
        },
      ),
      { numRuns: 100 },
    );
  });
});
