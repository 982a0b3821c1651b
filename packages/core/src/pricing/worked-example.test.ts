import { describe, expect, it } from 'vitest';
import { couponChoices } from './coupon-choices';
import { orderFreight, type FreightTemplate } from './freight';
import type { PricingLine } from './price-order';
import { activity, categories, fixed, line, NOW_MS, percent } from './pricing.test-helper';

// docs/pricing.md section 9, figure by figure.
const lines: PricingLine[] = [line('p1', 4990n, 2n), line('p3', 12900n, 1n), line('p2', 7900n, 1n, ['flash', 5900n])];

const template: FreightTemplate = {
  id: 'parcel',
  basis: 'piece',
  defaultCharge: {
    firstUnits: 1n,
    firstFeeFen: 1000n,
    additionalUnits: 1n,
    additionalFeeFen: 500n,
    freeOverFen: 9900n,
  },
  regionCharges: [
    {
      regions: [['新疆']],
      charge: { firstUnits: 1n, firstFeeFen: 2000n, additionalUnits: 1n, additionalFeeFen: 1500n, freeOverFen: null },
    },
  ],
  notDelivered: [],
};

describe('the worked example of docs/pricing.md', () => {
  it('prices the cart, the coupons and the freight as the document shows', () => {
    const freight = orderFreight(
      [template],
      lines.map((l) => ({
        templateId: 'parcel',
        quantity: l.quantity,
        unitWeightGrams: 0n,
        amountFen: (l.specialPrice?.priceFen ?? l.skuPriceFen) * l.quantity,
      })),
      ['新疆', '乌鲁木齐市'],
    );
    expect(freight).toMatchObject({ ok: true, feeFen: 6500n });

    const { choices, bestIndex } = couponChoices(
      {
        lines,
        activity: activity([
          [20000n, 2000n],
          [30000n, 4000n],
        ]),
        shippingFen: 6500n,
        nowMs: NOW_MS,
      },
      [
        percent(1000n, 1500n, { id: 'nine-tenths', scope: categories('c2') }),
        fixed(1500n, { id: 'big', thresholdFen: 22000n }),
      ],
    );
    expect(bestIndex).toBe(0);
    const order = choices[0]!.order;
    expect(order.subtotalFen).toBe(28780n);
    expect(order.threshold).toMatchObject({ eligibleFen: 22880n, discountFen: 2000n, next: { missingFen: 7120n } });
    expect(order.coupon).toMatchObject({ eligibleFen: 11772n, discountFen: 1177n });
    expect(order.lines.map((l) => [l.thresholdDiscountFen, l.couponDiscountFen, l.paidFen])).toEqual([
      [872n, 0n, 9108n],
      [1128n, 1177n, 10595n],
      [0n, 0n, 5900n],
    ]);
    expect([order.goodsPaidFen, order.totalFen]).toEqual([25603n, 32103n]);
    expect(choices[1]).toMatchObject({ usable: false, reason: 'below_threshold', missingFen: 1120n });
  });
});
