import { describe, it } from 'vitest';
import {
  activity,
  categories,
  checkGoldenRow,
  fixed,
  line,
  percent,
  products,
  type GoldenRow,
} from './pricing.test-helper';

// Unit prices, 满减, shipping and zero totals; coupons are in coupon.golden.test.ts. Each row's comment is its arithmetic.
const rows: GoldenRow[] = [
  // --- unit prices -------------------------------------------------------------------------------------------
  {
    name: 'a plain line costs unit price x quantity', // 1999 x 3 = 5997
    lines: [line('p1', 1999n, 3n)],
    expectLines: [[5997n, 0n, 0n, 5997n]],
    totalFen: 5997n,
  },
  {
    name: 'a flash price replaces the SKU price', // 6900 x 2 = 13800 (SKU price 10000 unused)
    lines: [line('p1', 10000n, 2n, ['flash', 6900n])],
    expectLines: [[13800n, 0n, 0n, 13800n]],
    totalFen: 13800n,
  },
  {
    name: 'group and presale prices replace the SKU price', // 5000 x 1 + 8000 x 2 = 21000
    lines: [line('p1', 9900n, 1n, ['group', 5000n]), line('p2', 12000n, 2n, ['presale', 8000n])],
    expectLines: [
      [5000n, 0n, 0n, 5000n],
      [16000n, 0n, 0n, 16000n],
    ],
    totalFen: 21000n,
  },
  {
    name: 'amounts beyond 2^53 stay exact', // 10^16 x 3 = 3x10^16; 33% = 9.9x10^15 exactly; paid 2.01x10^16
    lines: [line('p1', 10n ** 16n, 3n)],
    coupon: percent(3300n, null),
    expectLines: [[3n * 10n ** 16n, 0n, 99n * 10n ** 14n, 201n * 10n ** 14n]],
    couponResult: 99n * 10n ** 14n,
    totalFen: 201n * 10n ** 14n,
  },
  // --- 满减 ---------------------------------------------------------------------------------------------------
  {
    name: '满减 takes the highest tier reached', // 25000: tiers 10000/20000 reached, 20000 -> 3000 off
    lines: [line('p1', 25000n, 1n)],
    activity: activity([
      [10000n, 1000n],
      [20000n, 3000n],
      [30000n, 5000n],
    ]),
    expectLines: [[25000n, 3000n, 0n, 22000n]],
    threshold: 3000n,
    totalFen: 22000n,
  },
  {
    name: '满减 one fen below a tier stays on the tier below', // 19999 < 20000 -> tier 10000 -> 1000 off
    lines: [line('p1', 19999n, 1n)],
    activity: activity([
      [10000n, 1000n],
      [20000n, 3000n],
    ]),
    expectLines: [[19999n, 1000n, 0n, 18999n]],
    threshold: 1000n,
    totalFen: 18999n,
  },
  {
    name: '满减 exactly at a threshold reaches it', // 20000 >= 20000 -> 3000 off
    lines: [line('p1', 10000n, 2n)],
    activity: activity([
      [10000n, 1000n],
      [20000n, 3000n],
    ]),
    expectLines: [[20000n, 3000n, 0n, 17000n]],
    threshold: 3000n,
    totalFen: 17000n,
  },
  {
    name: '满减 one fen short of the first tier does not apply', // 9999 < 10000
    lines: [line('p1', 9999n, 1n)],
    activity: activity([[10000n, 1000n]]),
    expectLines: [[9999n, 0n, 0n, 9999n]],
    threshold: 'below_threshold',
    totalFen: 9999n,
  },
  {
    name: '满减 tiers are read by threshold, not by list order', // tiers [20000, 10000]; 15000 reaches 10000 -> 1000
    lines: [line('p1', 15000n, 1n)],
    activity: activity([
      [20000n, 3000n],
      [10000n, 1000n],
    ]),
    expectLines: [[15000n, 1000n, 0n, 14000n]],
    threshold: 1000n,
    totalFen: 14000n,
  },
  {
    name: '满减 is allocated in proportion with the fen left to the largest line',
    // 3000 + 3500 x 2 = 10000 -> 999 off: 999 x 3000 / 10000 = 299.7 -> 299; 999 x 7000 / 10000 = 699.3 -> 699; +1 -> 700
    lines: [line('p1', 3000n, 1n), line('p2', 3500n, 2n)],
    activity: activity([[10000n, 999n]]),
    expectLines: [
      [3000n, 299n, 0n, 2701n],
      [7000n, 700n, 0n, 6300n],
    ],
    threshold: 999n,
    totalFen: 9001n,
  },
  {
    name: '满减 remainder among equal lines goes to the first', // 3 x 1000 -> 100 off: 33.33 each, +1 to the first
    lines: [line('p1', 1000n, 1n), line('p2', 1000n, 1n), line('p3', 1000n, 1n)],
    activity: activity([[3000n, 100n]]),
    expectLines: [
      [1000n, 34n, 0n, 966n],
      [1000n, 33n, 0n, 967n],
      [1000n, 33n, 0n, 967n],
    ],
    threshold: 100n,
    totalFen: 2900n,
  },
  {
    name: '满减 never takes more than the eligible subtotal', // 立减 tier 0/500 on 300 -> 300 off, paid 0
    lines: [line('p1', 300n, 1n)],
    activity: activity([[0n, 500n]]),
    expectLines: [[300n, 300n, 0n, 0n]],
    threshold: 300n,
    totalFen: 0n,
  },
  {
    name: '满减 counts only lines in its product scope', // only p2's 10000 is eligible: 1500 off, all on p2
    lines: [line('p1', 10000n, 1n), line('p2', 10000n, 1n)],
    activity: activity([[10000n, 1500n]], products('p2')),
    expectLines: [
      [10000n, 0n, 0n, 10000n],
      [10000n, 1500n, 0n, 8500n],
    ],
    threshold: 1500n,
    totalFen: 18500n,
  },
  {
    name: '满减 category scope matches an ancestor category', // p3 is in c2 under c0: 8000 x 2 = 16000 >= 15000 -> 2000
    lines: [line('p3', 8000n, 2n), line('p1', 5000n, 1n)],
    activity: activity([[15000n, 2000n]], categories('c0')),
    expectLines: [
      [16000n, 2000n, 0n, 14000n],
      [5000n, 0n, 0n, 5000n],
    ],
    threshold: 2000n,
    totalFen: 19000n,
  },
  {
    name: '满减 skips special-priced lines', // flash line 6900 is not eligible; p2 12000 >= 10000 -> 2000 on p2
    lines: [line('p1', 10000n, 1n, ['flash', 6900n]), line('p2', 12000n, 1n)],
    activity: activity([[10000n, 2000n]]),
    expectLines: [
      [6900n, 0n, 0n, 6900n],
      [12000n, 2000n, 0n, 10000n],
    ],
    threshold: 2000n,
    totalFen: 16900n,
  },
  {
    name: '满减 with only special-priced lines is out of scope', // 13800 would reach the tier, but it is a flash price
    lines: [line('p1', 10000n, 2n, ['flash', 6900n])],
    activity: activity([[10000n, 1000n]]),
    expectLines: [[13800n, 0n, 0n, 13800n]],
    threshold: 'out_of_scope',
    totalFen: 13800n,
  },
  {
    name: '满减 on a free line has nothing to take', // tier 0/100 on a 0-fen gift: min(100, 0) = 0
    lines: [line('p1', 0n, 1n)],
    activity: activity([[0n, 100n]]),
    expectLines: [[0n, 0n, 0n, 0n]],
    threshold: 'no_discount',
    totalFen: 0n,
  },
  {
    name: '满减 reached by quantity', // 333 x 3 = 999 >= 999 -> 100 off
    lines: [line('p1', 333n, 3n)],
    activity: activity([[999n, 100n]]),
    expectLines: [[999n, 100n, 0n, 899n]],
    threshold: 100n,
    totalFen: 899n,
  },
  // --- shipping and zero totals ------------------------------------------------------------------------------
  {
    name: 'shipping is added and never discounted', // 10000 - 10000 (coupon) + 800 shipping
    lines: [line('p1', 10000n, 1n)],
    coupon: fixed(10000n),
    shippingFen: 800n,
    expectLines: [[10000n, 0n, 10000n, 0n]],
    couponResult: 10000n,
    totalFen: 800n,
  },
  {
    name: 'an order that comes to 0 fen needs no payment', // 500 - min(1000, 500) = 0
    lines: [line('p1', 500n, 1n)],
    coupon: fixed(1000n),
    expectLines: [[500n, 0n, 500n, 0n]],
    couponResult: 500n,
    totalFen: 0n,
  },
];

describe('priceOrder golden table: prices, 满减, shipping', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_, row) => checkGoldenRow(row));
});
