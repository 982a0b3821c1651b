import { describe, it } from 'vitest';
import {
  activity,
  categories,
  checkGoldenRow,
  fixed,
  line,
  NOW_MS,
  percent,
  products,
  type GoldenRow,
} from './pricing.test-helper';

const T = (n: number) => NOW_MS + n;

// Coupons alone and after 满减. Each row's comment is its arithmetic.
const rows: GoldenRow[] = [
  // --- coupons -----------------------------------------------------------------------------------------------
  {
    name: 'a fixed coupon takes its value', // 10000 - 2000
    lines: [line('p1', 10000n, 1n)],
    coupon: fixed(2000n, { thresholdFen: 10000n }),
    expectLines: [[10000n, 0n, 2000n, 8000n]],
    couponResult: 2000n,
    totalFen: 8000n,
  },
  {
    name: 'a fixed coupon above the eligible amount takes only that amount', // scope p1: min(500, 300) = 300
    lines: [line('p1', 300n, 1n), line('p2', 1000n, 1n)],
    coupon: fixed(500n, { scope: products('p1') }),
    expectLines: [
      [300n, 0n, 300n, 0n],
      [1000n, 0n, 0n, 1000n],
    ],
    couponResult: 300n,
    totalFen: 1000n,
  },
  {
    name: 'a percentage coupon floors to the fen', // 1999 x 1500 / 10000 = 299.85 -> 299
    lines: [line('p1', 1999n, 1n)],
    coupon: percent(1500n, null),
    expectLines: [[1999n, 0n, 299n, 1700n]],
    couponResult: 299n,
    totalFen: 1700n,
  },
  {
    name: 'a percentage coupon stops at its cap', // 100000 x 20% = 20000, cap 5000
    lines: [line('p1', 100000n, 1n)],
    coupon: percent(2000n, 5000n),
    expectLines: [[100000n, 0n, 5000n, 95000n]],
    couponResult: 5000n,
    totalFen: 95000n,
  },
  {
    name: 'a percentage coupon under its cap takes the full share', // 20000 x 20% = 4000 < cap 5000
    lines: [line('p1', 20000n, 1n)],
    coupon: percent(2000n, 5000n),
    expectLines: [[20000n, 0n, 4000n, 16000n]],
    couponResult: 4000n,
    totalFen: 16000n,
  },
  {
    name: 'a percentage coupon worth 1 fen applies', // 10 x 10% = 1
    lines: [line('p1', 10n, 1n)],
    coupon: percent(1000n, null),
    expectLines: [[10n, 0n, 1n, 9n]],
    couponResult: 1n,
    totalFen: 9n,
  },
  {
    name: 'a percentage coupon that floors to 0 does not apply', // 5 x 10% = 0.5 -> 0: keep the coupon
    lines: [line('p1', 5n, 1n)],
    coupon: percent(1000n, null),
    expectLines: [[5n, 0n, 0n, 5n]],
    couponResult: 'no_discount',
    totalFen: 5n,
  },
  {
    name: 'a coupon is allocated in proportion with the fen left to the largest line',
    // 606 -> 100 off: 100x101/606 = 16.67 -> 16; 100x202/606 = 33.33 -> 33; 100x303/606 = 50; 99, +1 -> 303's line
    lines: [line('p1', 101n, 1n), line('p2', 202n, 1n), line('p3', 303n, 1n)],
    coupon: fixed(100n),
    expectLines: [
      [101n, 0n, 16n, 85n],
      [202n, 0n, 33n, 169n],
      [303n, 0n, 51n, 252n],
    ],
    couponResult: 100n,
    totalFen: 506n,
  },
  {
    name: 'a coupon remainder among tied largest lines goes to the first', // 1100 -> 7: 3.18, 3.18, 0.64 -> 6, +1
    lines: [line('p1', 500n, 1n), line('p2', 500n, 1n), line('p3', 100n, 1n)],
    coupon: fixed(7n),
    expectLines: [
      [500n, 0n, 4n, 496n],
      [500n, 0n, 3n, 497n],
      [100n, 0n, 0n, 100n],
    ],
    couponResult: 7n,
    totalFen: 1093n,
  },
  {
    name: 'a coupon remainder spills on when the largest line is full',
    // 3 x 1000 -> 2999: 999.67 -> 999 each, 2 left: line 1 takes 1 (full), line 2 takes 1
    lines: [line('p1', 1000n, 1n), line('p2', 1000n, 1n), line('p3', 1000n, 1n)],
    coupon: fixed(2999n),
    expectLines: [
      [1000n, 0n, 1000n, 0n],
      [1000n, 0n, 1000n, 0n],
      [1000n, 0n, 999n, 1n],
    ],
    couponResult: 2999n,
    totalFen: 1n,
  },
  {
    name: 'a coupon applies to what remains after 满减 on the same lines',
    // 6000 + 4000 -> 满减 1000: 600 / 400. Remaining 5400 + 3600 = 9000, 10% = 900: 540 / 360
    lines: [line('p1', 6000n, 1n), line('p2', 4000n, 1n)],
    activity: activity([[10000n, 1000n]]),
    coupon: percent(1000n, null),
    expectLines: [
      [6000n, 600n, 540n, 4860n],
      [4000n, 400n, 360n, 3240n],
    ],
    threshold: 1000n,
    couponResult: 900n,
    totalFen: 8100n,
  },
  {
    name: 'a coupon with its own scope sees its lines less their 满减 shares',
    // 满减 on 6000 + 4000: 600 / 400. Coupon on p1 only: 6000 - 600 = 5400 >= 5000 -> 2000 on p1
    lines: [line('p1', 6000n, 1n), line('p3', 4000n, 1n)],
    activity: activity([[10000n, 1000n]]),
    coupon: fixed(2000n, { thresholdFen: 5000n, scope: products('p1') }),
    expectLines: [
      [6000n, 600n, 2000n, 3400n],
      [4000n, 400n, 0n, 3600n],
    ],
    threshold: 1000n,
    couponResult: 2000n,
    totalFen: 7000n,
  },
  {
    name: 'a coupon threshold is read after 满减', // p1 has 6000 - 600 = 5400 < 5500: 100 short
    lines: [line('p1', 6000n, 1n), line('p3', 4000n, 1n)],
    activity: activity([[10000n, 1000n]]),
    coupon: fixed(2000n, { thresholdFen: 5500n, scope: products('p1') }),
    expectLines: [
      [6000n, 600n, 0n, 5400n],
      [4000n, 400n, 0n, 3600n],
    ],
    threshold: 1000n,
    couponResult: ['below_threshold', 100n],
    totalFen: 9000n,
  },
  {
    name: 'a coupon threshold met to the fen applies', // 5400 >= 5400
    lines: [line('p1', 6000n, 1n), line('p3', 4000n, 1n)],
    activity: activity([[10000n, 1000n]]),
    coupon: fixed(2000n, { thresholdFen: 5400n, scope: products('p1') }),
    expectLines: [
      [6000n, 600n, 2000n, 3400n],
      [4000n, 400n, 0n, 3600n],
    ],
    threshold: 1000n,
    couponResult: 2000n,
    totalFen: 7000n,
  },
  {
    name: 'a capped percentage coupon after 满减', // 30000 - 5000 = 25000; 20% = 5000, cap 4000
    lines: [line('p1', 30000n, 1n)],
    activity: activity([[30000n, 5000n]]),
    coupon: percent(2000n, 4000n),
    expectLines: [[30000n, 5000n, 4000n, 21000n]],
    threshold: 5000n,
    couponResult: 4000n,
    totalFen: 21000n,
  },
  {
    name: 'a coupon out of its category scope does not apply', // coupon on c2, the order has only p1 (c1)
    lines: [line('p1', 5000n, 1n)],
    coupon: fixed(500n, { scope: categories('c2') }),
    expectLines: [[5000n, 0n, 0n, 5000n]],
    couponResult: 'out_of_scope',
    totalFen: 5000n,
  },
  {
    name: 'a coupon skips special-priced lines', // the only line is a group price
    lines: [line('p1', 9900n, 1n, ['group', 5000n])],
    coupon: fixed(500n),
    expectLines: [[5000n, 0n, 0n, 5000n]],
    couponResult: 'out_of_scope',
    totalFen: 5000n,
  },
  {
    name: 'a coupon before its start does not apply', // valid from now + 1 ms
    lines: [line('p1', 5000n, 1n)],
    coupon: fixed(500n, { validFromMs: T(1) }),
    expectLines: [[5000n, 0n, 0n, 5000n]],
    couponResult: 'not_started',
    totalFen: 5000n,
  },
  {
    name: 'a coupon at its expiry instant has expired', // expires at now: the window is [from, expires)
    lines: [line('p1', 5000n, 1n)],
    coupon: fixed(500n, { expiresAtMs: T(0) }),
    expectLines: [[5000n, 0n, 0n, 5000n]],
    couponResult: 'expired',
    totalFen: 5000n,
  },
  {
    name: 'a coupon in the last millisecond of its window applies', // expires at now + 1
    lines: [line('p1', 5000n, 1n)],
    coupon: fixed(500n, { validFromMs: T(0), expiresAtMs: T(1) }),
    expectLines: [[5000n, 0n, 500n, 4500n]],
    couponResult: 500n,
    totalFen: 4500n,
  },
];

describe('priceOrder golden table: coupons', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_, row) => checkGoldenRow(row));
});
