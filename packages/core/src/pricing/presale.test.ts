import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  beijingMinute,
  depositFate,
  presaleHolds,
  presalePhase,
  presaleQuote,
  presaleRules,
  presaleTermsProblems,
  type PresaleTerms,
} from './presale';

const HOUR = 3_600_000;
// 2026-12-01 00:00 UTC = 08:00 Beijing.
const T0 = Date.UTC(2026, 11, 1);
const terms: PresaleTerms = {
  priceFen: 99_900n,
  depositFen: 10_000n,
  countsAsFen: 30_000n,
  depositStartsMs: T0,
  depositEndsMs: T0 + 24 * HOUR,
  balanceStartsMs: T0 + 48 * HOUR,
  balanceEndsMs: T0 + 72 * HOUR,
};

describe('presaleQuote', () => {
  it.each([
    // [quantity, deposit, countsAs, goods, inflation, balance, total]
    // 1 unit: deposit 100 counts as 300; balance = 999 - 300 = 699; paid 100 + 699 = 799 (200 off the 999 price).
    [1n, 10_000n, 30_000n, 99_900n, 20_000n, 69_900n, 79_900n],
    // 3 units: every figure x 3, nothing rounded.
    [3n, 30_000n, 90_000n, 299_700n, 60_000n, 209_700n, 239_700n],
  ])(
    '%s units: deposit %s counts as %s of %s (%s extra), balance %s, paid %s',
    (q, dep, counts, goods, inf, bal, tot) => {
      expect(presaleQuote(terms, q)).toEqual({
        quantity: q,
        depositFen: dep,
        countsAsFen: counts,
        goodsFen: goods,
        inflationFen: inf,
        balanceFen: bal,
        totalPaidFen: tot,
      });
    },
  );

  it('without inflation the deposit counts for itself and the shopper pays the price', () => {
    const q = presaleQuote({ ...terms, countsAsFen: terms.depositFen }, 2n);
    expect(q.inflationFen).toBe(0n);
    expect(q.totalPaidFen).toBe(199_800n); // 2 x 999
    expect(q.balanceFen).toBe(179_800n); // 199800 - 2 x 100
  });

  it('refuses a quote for no units (a bug, not input)', () => {
    expect(() => presaleQuote(terms, 0n)).toThrow(RangeError);
  });

  it('deposit + balance is what is paid, and price - paid is exactly the inflation, for any valid terms', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 1000n }),
        (deposit, extra, above, quantity) => {
          const t = { ...terms, depositFen: deposit, countsAsFen: deposit + extra, priceFen: deposit + extra + above };
          expect(presaleTermsProblems(t)).toEqual([]);
          const q = presaleQuote(t, quantity);
          expect(q.depositFen + q.balanceFen).toBe(q.totalPaidFen);
          expect(q.goodsFen - q.totalPaidFen).toBe(q.inflationFen);
          expect(q.balanceFen).toBeGreaterThan(0n);
          expect(q.inflationFen).toBeGreaterThanOrEqual(0n);
        },
      ),
    );
  });
});

describe('presaleTermsProblems', () => {
  it('accepts the example and refuses each broken rule by name', () => {
    expect(presaleTermsProblems(terms)).toEqual([]);
    expect(presaleTermsProblems({ ...terms, depositFen: 0n, countsAsFen: 0n })).toEqual(['deposit_not_positive']);
    expect(presaleTermsProblems({ ...terms, countsAsFen: 9_999n })).toEqual(['counts_as_below_deposit']);
    // A deposit that counts for the whole price leaves a 0 balance: that is a sale, not a presale.
    expect(presaleTermsProblems({ ...terms, countsAsFen: 99_900n })).toEqual(['counts_as_not_below_price']);
    expect(presaleTermsProblems({ ...terms, depositEndsMs: T0 })).toEqual(['deposit_window_empty']);
    expect(presaleTermsProblems({ ...terms, balanceStartsMs: T0 + 23 * HOUR })).toEqual([
      'balance_before_deposit_ends',
    ]);
    expect(presaleTermsProblems({ ...terms, balanceEndsMs: T0 + 48 * HOUR })).toEqual(['balance_window_empty']);
  });

  it('lets the balance window open the moment the deposit window closes', () => {
    expect(presaleTermsProblems({ ...terms, balanceStartsMs: terms.depositEndsMs })).toEqual([]);
  });
});

describe('phases and the deposit fate', () => {
  it.each([
    [T0 - 1, 'upcoming', 'refundable'],
    [T0, 'deposit', 'refundable'], // windows include their start
    [T0 + 24 * HOUR - 1, 'deposit', 'refundable'],
    [T0 + 24 * HOUR, 'waiting_balance', 'refundable'], // and exclude their end
    [T0 + 48 * HOUR - 1, 'waiting_balance', 'refundable'],
    [T0 + 48 * HOUR, 'balance', 'payable'], // from the balance opening the deposit is no longer refundable
    [T0 + 72 * HOUR - 1, 'balance', 'payable'],
    [T0 + 72 * HOUR, 'ended', 'forfeited'], // unpaid at the end: forfeited
  ] as const)('at %s the presale is %s and an unpaid deposit is %s', (now, phase, fate) => {
    expect(presalePhase(terms, now)).toBe(phase);
    expect(depositFate(terms, now)).toBe(fate);
  });
});

describe('presaleHolds: when only the presale sells its SKU', () => {
  const hold = { depositStartsMs: terms.depositStartsMs, balanceEndsMs: terms.balanceEndsMs };
  it.each([
    [T0 - 1, false], // announced, not open: the SKU sells as usual
    [T0, true],
    [T0 + 36 * HOUR, true], // between the windows too: the deposits hold the goods
    [T0 + 72 * HOUR - 1, true],
    [T0 + 72 * HOUR, false], // over: what is left sells as usual
  ] as const)('at %s: %s', (now, held) => {
    expect(presaleHolds(hold, now)).toBe(held);
  });

  it('holds exactly in the phases from deposit to balance, and nothing without a presale', () => {
    fc.assert(
      fc.property(fc.integer({ min: T0 - 100 * HOUR, max: T0 + 200 * HOUR }), (now) => {
        const phase = presalePhase(terms, now);
        expect(presaleHolds(hold, now)).toBe(phase !== 'upcoming' && phase !== 'ended');
        expect(presaleHolds(null, now)).toBe(false);
      }),
    );
  });
});

describe('presaleRules', () => {
  it('states the deposit, its worth, the balance, the refund and the forfeit with the figures charged', () => {
    const rules = presaleRules(terms);
    expect(rules.map((r) => r.code)).toEqual(['deposit', 'balance', 'refund', 'forfeit', 'promotions']);
    expect(rules[0]!.zh).toBe('定金 ¥100.00 抵 ¥300.00（2026-12-01 08:00 – 2026-12-02 08:00 支付，北京时间）');
    expect(rules[1]!.zh).toBe(
      '尾款 ¥699.00（2026-12-03 08:00 – 2026-12-04 08:00 支付），合计实付 ¥799.00，预售价 ¥999.00',
    );
    expect(rules[2]!.en).toContain('before the balance opens (2026-12-03 08:00)');
    expect(rules[3]!.zh).toBe('未在 2026-12-04 08:00 前支付尾款，订单关闭，定金不予退还');
  });

  it('writes Beijing time as UTC+8', () => {
    expect(beijingMinute(Date.UTC(2026, 11, 31, 16, 5))).toBe('2027-01-01 00:05');
  });
});
