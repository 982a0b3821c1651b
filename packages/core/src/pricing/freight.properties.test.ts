import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chargeFor,
  freightFee,
  freightTemplateProblems,
  orderFreight,
  type FreightCharge,
  type FreightLine,
  type FreightTemplate,
  type RegionPath,
} from './freight';

// Templates over a small map (provinces A and B, cities, one district) so that region charges, exclusions and the
// addresses asked about overlap often; every region path appears at most once, as the admin check requires.
const PATHS: RegionPath[] = [['A'], ['B'], ['A', 'x'], ['A', 'y'], ['B', 'x'], ['A', 'x', '1']];
const ADDRESSES: RegionPath[] = [
  ['A', 'x', '1'],
  ['A', 'x', '2'],
  ['A', 'y'],
  ['A'],
  ['B', 'x', '1'],
  ['B', 'z'],
  ['C'],
];

const fenArb = fc.oneof(fc.bigInt(0n, 50n), fc.bigInt(0n, 100_000n), fc.bigInt(0n, 10n ** 12n));
const unitsArb = fc.oneof(fc.bigInt(1n, 5n), fc.bigInt(1n, 5000n));

const chargeArb: fc.Arbitrary<FreightCharge> = fc.record({
  firstUnits: unitsArb,
  firstFeeFen: fenArb,
  additionalUnits: unitsArb,
  additionalFeeFen: fenArb,
  // often out of reach, so that the fee arithmetic itself is what most cases check
  freeOverFen: fc.option(fc.oneof(fenArb, fc.bigInt(10n ** 12n, 10n ** 13n)), { nil: null }),
});

const templateArb: fc.Arbitrary<FreightTemplate> = fc
  .record({
    basis: fc.constantFrom('piece' as const, 'weight' as const),
    defaultCharge: chargeArb,
    charges: fc.array(chargeArb, { minLength: 2, maxLength: 2 }),
    // per path: 0 not listed, 1 not delivered, 2 or 3 one of the two region charges
    placement: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: PATHS.length, maxLength: PATHS.length }),
  })
  .map(({ basis, defaultCharge, charges, placement }) => {
    const pathsIn = (slot: number) => PATHS.filter((_, i) => placement[i] === slot);
    const regionCharges = [2, 3]
      .map((slot, k) => ({ regions: pathsIn(slot), charge: charges[k]! }))
      .filter((c) => c.regions.length > 0);
    return { id: 't', basis, defaultCharge, regionCharges, notDelivered: pathsIn(1) };
  });

const lineArb: fc.Arbitrary<FreightLine> = fc.record({
  quantity: fc.bigInt(1n, 30n),
  unitWeightGrams: fc.oneof(fc.constant(0n), fc.bigInt(1n, 20_000n)),
  amountFen: fenArb,
});

const caseArb = fc.record({
  template: templateArb,
  lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
  region: fc.constantFrom(...ADDRESSES),
});

const withoutFreeShipping = (t: FreightTemplate): FreightTemplate => ({
  ...t,
  defaultCharge: { ...t.defaultCharge, freeOverFen: null },
  regionCharges: t.regionCharges.map((c) => ({ ...c, charge: { ...c.charge, freeOverFen: null } })),
});

const covers = (path: RegionPath, region: RegionPath) =>
  path.length <= region.length && path.every((part, i) => part === region[i]);
const RUNS = { numRuns: 1000 };

describe('freight properties', () => {
  it('generated templates are valid ones', () => {
    fc.assert(
      fc.property(templateArb, (t) => {
        expect(freightTemplateProblems(t)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('is never negative, and refuses a region exactly when a not-delivered path is the most specific match', () => {
    fc.assert(
      fc.property(caseArb, ({ template, lines, region }) => {
        const quote = freightFee(template, lines, region);
        const deepest = (paths: readonly RegionPath[]) =>
          Math.max(0, ...paths.filter((p) => covers(p, region)).map((p) => p.length));
        const excluded = deepest(template.notDelivered);
        const charged = deepest(template.regionCharges.flatMap((c) => c.regions));
        expect(quote.ok).toBe(!(excluded > charged));
        if (quote.ok) expect(quote.feeFen).toBeGreaterThanOrEqual(0n);
      }),
      RUNS,
    );
  });

  it('never falls when a line grows, while the goods stay under free shipping', () => {
    fc.assert(
      fc.property(caseArb, fc.bigInt(1n, 20n), fc.nat(3), ({ template, lines, region }, more, which) => {
        const i = which % lines.length;
        const bigger = lines.map((l, k) => (k === i ? { ...l, quantity: l.quantity + more } : l));
        const before = freightFee(template, lines, region);
        const after = freightFee(template, bigger, region);
        expect(after.ok).toBe(before.ok);
        if (!before.ok || !after.ok || before.freeShipping || after.freeShipping) return;
        expect(after.feeFen).toBeGreaterThanOrEqual(before.feeFen);
        expect(after.units).toBeGreaterThanOrEqual(before.units);
      }),
      RUNS,
    );
  });

  it('is free once the goods reach the threshold of the charge in force, and never above the fee without one', () => {
    fc.assert(
      fc.property(caseArb, ({ template, lines, region }) => {
        const quote = freightFee(template, lines, region);
        if (!quote.ok) return;
        const charge = chargeFor(template, region)!;
        const goods = lines.reduce((sum, l) => sum + l.amountFen, 0n);
        const reached = charge.freeOverFen !== null && goods >= charge.freeOverFen;
        expect(quote.freeShipping).toBe(reached);
        if (reached) expect(quote.feeFen).toBe(0n);
        const plain = freightFee(withoutFreeShipping(template), lines, region);
        expect(plain.ok && quote.feeFen <= plain.feeFen).toBe(true);
      }),
      RUNS,
    );
  });

  it('charges an order the sum of its templates, each over its own lines', () => {
    const orderArb = fc.record({
      templates: fc.array(templateArb, { minLength: 1, maxLength: 3 }),
      lines: fc.array(fc.tuple(lineArb, fc.integer({ min: -1, max: 2 })), { minLength: 1, maxLength: 6 }),
      region: fc.constantFrom(...ADDRESSES),
    });
    fc.assert(
      fc.property(orderArb, ({ templates, lines, region }) => {
        const named = templates.map((t, k) => ({ ...t, id: `t${k}` }));
        const orderLines = lines.map(([l, k]) => ({ ...l, templateId: k < 0 || k >= named.length ? null : `t${k}` }));
        const result = orderFreight(named, orderLines, region);
        let total = 0n;
        const refused: number[] = [];
        for (const t of named) {
          const mine = orderLines.flatMap((l, i) => (l.templateId === t.id ? [i] : []));
          if (mine.length === 0) continue;
          const quote = freightFee(
            t,
            mine.map((i) => orderLines[i]!),
            region,
          );
          if (quote.ok) total += quote.feeFen;
          else refused.push(...mine);
        }
        if (refused.length > 0) {
          expect(result).toEqual({
            ok: false,
            code: 'region_not_delivered',
            lineIndexes: refused.sort((a, b) => a - b),
          });
        } else {
          expect(result.ok && result.feeFen).toBe(total);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('freightTemplateProblems', () => {
  const ok: FreightCharge = {
    firstUnits: 1n,
    firstFeeFen: 0n,
    additionalUnits: 1n,
    additionalFeeFen: 0n,
    freeOverFen: null,
  };

  it('refuses zero steps, negative fees, bad paths and a region listed twice', () => {
    const template: FreightTemplate = {
      id: 'bad',
      basis: 'piece',
      defaultCharge: { ...ok, firstUnits: 0n, additionalUnits: 0n, firstFeeFen: -1n },
      regionCharges: [
        { regions: [['A'], []], charge: { ...ok, freeOverFen: -1n } },
        { regions: [], charge: ok },
      ],
      notDelivered: [['A'], ['A', 'b', 'c', 'd']],
    };
    expect(freightTemplateProblems(template).map((p) => p.field)).toEqual([
      'defaultCharge.firstUnits',
      'defaultCharge.additionalUnits',
      'defaultCharge.firstFeeFen',
      'regionCharges[0].charge.freeOverFen',
      'regionCharges[0].regions[1]',
      'regionCharges[1].regions',
      'notDelivered[0]',
      'notDelivered[1]',
    ]);
    expect(() => freightFee(template, [], ['A'])).toThrow(RangeError);
  });
});
