import { describe, expect, it } from 'vitest';
import { freightFee, orderFreight, type FreightCharge, type FreightTemplate, type RegionPath } from './freight';

const charge = (
  firstUnits: bigint,
  firstFeeFen: bigint,
  additionalUnits: bigint,
  additionalFeeFen: bigint,
  freeOverFen: bigint | null = null,
): FreightCharge => ({ firstUnits, firstFeeFen, additionalUnits, additionalFeeFen, freeOverFen });

/** By piece: 10 yuan the first piece, 5 each further piece, free from 99 yuan; remote provinces 20 + 15 and never
 * free; Shenzhen 6 yuan for the first 2 pieces, 3 per further 2 or part, free from 50; Ali (Tibet) and Hong Kong
 * not delivered. */
const byPiece: FreightTemplate = {
  id: 'piece',
  basis: 'piece',
  defaultCharge: charge(1n, 1000n, 1n, 500n, 9900n),
  regionCharges: [
    { regions: [['新疆'], ['西藏']], charge: charge(1n, 2000n, 1n, 1500n) },
    { regions: [['广东省', '深圳市']], charge: charge(2n, 600n, 2n, 300n, 5000n) },
  ],
  notDelivered: [['西藏', '阿里地区'], ['香港']],
};

/** By weight: 8 yuan the first 1000 g, 2 per further 500 g or part; Zhejiang 5 + 1 per 1000 g, free from 200 yuan;
 * Xinjiang not delivered except Urumqi at 25 + 10 per 1000 g. */
const byWeight: FreightTemplate = {
  id: 'weight',
  basis: 'weight',
  defaultCharge: charge(1000n, 800n, 500n, 200n),
  regionCharges: [
    { regions: [['浙江省']], charge: charge(1000n, 500n, 1000n, 100n, 20000n) },
    { regions: [['新疆', '乌鲁木齐市']], charge: charge(1000n, 2500n, 1000n, 1000n) },
  ],
  notDelivered: [['新疆']],
};

const BEIJING = ['北京市', '北京市', '朝阳区'];

interface FreightRow {
  name: string;
  template: FreightTemplate;
  /** [quantity, grams per unit, line amount in fen] */
  lines: [bigint, bigint, bigint][];
  region: RegionPath;
  expected: bigint | 'region_not_delivered';
}

const rows: FreightRow[] = [
  {
    name: 'one piece pays the first fee',
    template: byPiece,
    lines: [[1n, 0n, 3000n]],
    region: BEIJING,
    expected: 1000n,
  },
  // 1000 + 2 x 500
  {
    name: 'each further piece adds its fee',
    template: byPiece,
    lines: [[3n, 0n, 6000n]],
    region: BEIJING,
    expected: 2000n,
  },
  // 2 + 2 = 4 pieces: 1000 + 3 x 500
  {
    name: 'pieces of several lines add up',
    template: byPiece,
    lines: [
      [2n, 0n, 4000n],
      [2n, 0n, 4000n],
    ],
    region: BEIJING,
    expected: 2500n,
  },
  // 9899 < 9900: 1000 + 500
  {
    name: 'one fen under free shipping pays',
    template: byPiece,
    lines: [[2n, 0n, 9899n]],
    region: BEIJING,
    expected: 1500n,
  },
  // 9900 >= 9900
  {
    name: 'free shipping from the threshold on',
    template: byPiece,
    lines: [[2n, 0n, 9900n]],
    region: BEIJING,
    expected: 0n,
  },
  // 新疆 rule: 2000 + 2 x 1500; no free shipping there even at 20000
  {
    name: 'a province charge replaces the default, free shipping included',
    template: byPiece,
    lines: [[3n, 0n, 20000n]],
    region: ['新疆', '乌鲁木齐市'],
    expected: 5000n,
  },
  // Shenzhen: first 2 pieces 600
  {
    name: 'a city charge covers its first units',
    template: byPiece,
    lines: [[2n, 0n, 3000n]],
    region: ['广东省', '深圳市', '南山区'],
    expected: 600n,
  },
  // 600 + ceil(1 / 2) x 300
  {
    name: 'part of an additional step costs a whole step',
    template: byPiece,
    lines: [[3n, 0n, 3000n]],
    region: ['广东省', '深圳市', '南山区'],
    expected: 900n,
  },
  // 600 + ceil(3 / 2) = 2 x 300
  {
    name: 'additional steps round up',
    template: byPiece,
    lines: [[5n, 0n, 3000n]],
    region: ['广东省', '深圳市'],
    expected: 1200n,
  },
  // only Shenzhen has the city charge: 1000 + 500
  {
    name: 'another city of the province takes the default',
    template: byPiece,
    lines: [[2n, 0n, 3000n]],
    region: ['广东省', '广州市'],
    expected: 1500n,
  },
  // the address names no city, so the Shenzhen path cannot match: 1000
  {
    name: 'a city charge does not match an address without a city',
    template: byPiece,
    lines: [[1n, 0n, 3000n]],
    region: ['广东省'],
    expected: 1000n,
  },
  {
    name: 'a city not delivered beats its province charge',
    template: byPiece,
    lines: [[1n, 0n, 3000n]],
    region: ['西藏', '阿里地区', '噶尔县'],
    expected: 'region_not_delivered',
  },
  // 西藏 rule: 2000
  {
    name: 'another city of that province takes the province charge',
    template: byPiece,
    lines: [[1n, 0n, 3000n]],
    region: ['西藏', '拉萨市'],
    expected: 2000n,
  },
  {
    name: 'a province not delivered',
    template: byPiece,
    lines: [[1n, 0n, 3000n]],
    region: ['香港'],
    expected: 'region_not_delivered',
  },
  // 1000 g <= first 1000 g: 800
  {
    name: 'weight up to the first grams pays the first fee',
    template: byWeight,
    lines: [[1n, 1000n, 5000n]],
    region: BEIJING,
    expected: 800n,
  },
  // 1001 g: 800 + ceil(1 / 500) x 200
  {
    name: 'one gram over starts a step',
    template: byWeight,
    lines: [[1n, 1001n, 5000n]],
    region: BEIJING,
    expected: 1000n,
  },
  // 3 x 500 = 1500 g: 800 + 1 x 200
  {
    name: 'weight is per unit times quantity',
    template: byWeight,
    lines: [[3n, 500n, 5000n]],
    region: BEIJING,
    expected: 1000n,
  },
  // 2 x 1250 = 2500 g: 800 + ceil(1500 / 500) = 3 x 200
  { name: 'weight steps add up', template: byWeight, lines: [[2n, 1250n, 5000n]], region: BEIJING, expected: 1400n },
  // 0 g is still a parcel: 800
  {
    name: 'weightless goods still pay the first fee',
    template: byWeight,
    lines: [[2n, 0n, 5000n]],
    region: BEIJING,
    expected: 800n,
  },
  // Zhejiang: 3000 g -> 500 + ceil(2000 / 1000) x 100
  {
    name: 'a province weight charge',
    template: byWeight,
    lines: [[3n, 1000n, 15000n]],
    region: ['浙江省', '杭州市'],
    expected: 700n,
  },
  // 20000 >= 20000 in Zhejiang
  {
    name: 'free shipping of a region charge',
    template: byWeight,
    lines: [[3n, 1000n, 20000n]],
    region: ['浙江省', '杭州市'],
    expected: 0n,
  },
  {
    name: 'a province not delivered by weight',
    template: byWeight,
    lines: [[1n, 500n, 5000n]],
    region: ['新疆', '喀什地区'],
    expected: 'region_not_delivered',
  },
  // Urumqi: 2500 g -> 2500 + ceil(1500 / 1000) = 2 x 1000
  {
    name: 'a city charge beats its province not delivered',
    template: byWeight,
    lines: [[1n, 2500n, 5000n]],
    region: ['新疆', '乌鲁木齐市', '天山区'],
    expected: 4500n,
  },
  { name: 'no lines ship nothing', template: byWeight, lines: [], region: BEIJING, expected: 0n },
];

describe('freightFee golden table', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_, row) => {
    const lines = row.lines.map(([quantity, unitWeightGrams, amountFen]) => ({ quantity, unitWeightGrams, amountFen }));
    const quote = freightFee(row.template, lines, row.region);
    expect(quote.ok ? quote.feeFen : quote.code).toBe(row.expected);
  });
});

describe('orderFreight', () => {
  const lines = [
    { templateId: 'piece', quantity: 2n, unitWeightGrams: 300n, amountFen: 4000n },
    { templateId: 'weight', quantity: 1n, unitWeightGrams: 1200n, amountFen: 3000n },
    { templateId: null, quantity: 5n, unitWeightGrams: 100n, amountFen: 500n },
    { templateId: 'piece', quantity: 1n, unitWeightGrams: 300n, amountFen: 1000n },
  ];

  it('sums the fee of each template over its own lines, and 包邮 lines add nothing', () => {
    // piece: 3 pieces, 5000 < 9900 -> 1000 + 2 x 500 = 2000; weight: 1200 g -> 800 + 200 = 1000
    expect(orderFreight([byWeight, byPiece], lines, BEIJING)).toEqual({
      ok: true,
      feeFen: 3000n,
      byTemplate: [
        { templateId: 'piece', feeFen: 2000n, freeShipping: false },
        { templateId: 'weight', feeFen: 1000n, freeShipping: false },
      ],
    });
  });

  it('names the lines whose template does not deliver to the region', () => {
    // 喀什: the piece template charges 新疆, the weight template does not deliver there
    expect(orderFreight([byPiece, byWeight], lines, ['新疆', '喀什地区'])).toEqual({
      ok: false,
      code: 'region_not_delivered',
      lineIndexes: [1],
    });
  });

  it('treats a template the caller did not load as a bug', () => {
    expect(() => orderFreight([byPiece], lines, BEIJING)).toThrow(RangeError);
  });
});
