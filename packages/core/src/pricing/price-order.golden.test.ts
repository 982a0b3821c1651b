import { describe, expect, it } from 'vitest';
import {
  priceOrder,
  type CouponNotApplied,
  type PricedOrder,
  type PricingLine,
  type ThresholdNotApplied,
} from './price-order';
import type { Coupon, SpendThresholdActivity } from './terms';
import { activity, categories, fixed, line, NOW_MS, percent, products } from './pricing.test-helper';

interface GoldenRow {
  name: string;
  lines: PricingLine[];
  activity?: SpendThresholdActivity;
  coupon?: Coupon;
  shippingFen?: bigint;
  /** Per line: [amount, 满减 share, coupon share, paid]. */
  expectLines: [bigint, bigint, bigint, bigint][];
  /** The 满减 discount, or why it did not apply; absent when there is no activity. */
  threshold?: bigint | ThresholdNotApplied;
  /** The coupon discount, or why it did not apply (with the missing fen for below_threshold). */
  couponResult?: bigint | CouponNotApplied | ['below_threshold', bigint];
  totalFen: bigint;
}

const T = (n: number) => NOW_MS + n;

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

function thresholdResult(order: PricedOrder): GoldenRow['threshold'] {
  const t = order.threshold;
  if (t === null) return undefined;
  return t.applied ? t.discountFen : t.reason;
}

function couponResult(order: PricedOrder): GoldenRow['couponResult'] {
  const c = order.coupon;
  if (c === null) return undefined;
  if (c.applied) return c.discountFen;
  return c.reason === 'below_threshold' ? [c.reason, c.missingFen] : c.reason;
}

describe('priceOrder golden table', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_, row) => {
    const order = priceOrder({
      lines: row.lines,
      activity: row.activity ?? null,
      coupon: row.coupon ?? null,
      shippingFen: row.shippingFen ?? 0n,
      nowMs: NOW_MS,
    });
    const lines = order.lines.map((l) => [l.amountFen, l.thresholdDiscountFen, l.couponDiscountFen, l.paidFen]);
    expect(lines).toEqual(row.expectLines);
    expect(thresholdResult(order)).toEqual(row.threshold);
    expect(couponResult(order)).toEqual(row.couponResult);
    expect(order.totalFen).toBe(row.totalFen);
    expect(order.shippingFen).toBe(row.shippingFen ?? 0n);
    expect(order.paymentRequired).toBe(row.totalFen > 0n);
  });
});
