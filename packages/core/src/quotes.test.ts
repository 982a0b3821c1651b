import { describe, expect, it } from 'vitest';
import { isKnownAccount, parseAccount, campaignAccount, gatewayAccount, userWallet } from './accounts';
import { withdrawalFee } from './money';
import { nextReferralRateBps, redemptionQuote, referralRewardFen } from './quotes';
import { APPRECIATION_POOL, type AppreciationPoolInstance } from './plans/appreciation-pool';
import { engineOf, join, settle } from './table.test-helper';

describe('quotes shown to people are the engine’s own rules', () => {
  it('quotes a redemption exactly as the engine then pays it', () => {
    const engine = engineOf({ appreciationPool: {} });
    engine.apply(join('A'));
    engine.apply(join('B'));
    engine.apply(settle('A', 'a1', 100000n));
    engine.apply(settle('B', 'b1', 100000n));
    const pool = engine.campaign(APPRECIATION_POOL) as AppreciationPoolInstance;
    const a1 = engine.directory.orderIndex('a1');
    // P 60000, S 357e6: gross = floor(50e6 * 60000 / 357e6) = 8403, paid = share(8403, 8000) = 6722, fee 1681
    const quote = pool.quote(a1, 50_000_000n);
    expect(quote).toEqual({ ok: true, grossFen: 8403n, feeFen: 1681n, paidFen: 6722n });
    const effects = engine.apply({ type: 'redeem', user: 'A', order: 'a1', units: 50_000_000n });
    expect(effects.find((e) => e.type === 'transfer')).toMatchObject({
      reason: 'appreciationRedeem',
      amountFen: 6722n,
    });
    expect(pool.quote(a1, 10_000_000_000n)).toMatchObject({ ok: false, code: 'not_enough_units' });
    expect(pool.quote(a1, 0n)).toMatchObject({ ok: false, code: 'invalid_units' });
  });

  it('refuses a redemption worth more than the remaining cap', () => {
    const quote = redemptionQuote(
      { cashFen: 1000n, supplyUnits: 10n },
      { open: true, units: 10n, capFen: 500n, realizedFen: 0n },
      6n,
      2000n,
    );
    // gross = floor(6 * 1000 / 10) = 600 > 500
    expect(quote).toMatchObject({ ok: false, code: 'over_cap' });
  });

  it('gives the next referral rate and reward by the cycle', () => {
    expect([0, 1, 2, 3, 4].map((k) => nextReferralRateBps([1000, 2000, 7000], k))).toEqual([
      1000, 2000, 7000, 1000, 2000,
    ]);
    expect(referralRewardFen(50000n, 100000n, 7000n)).toBe(35000n);
    expect(referralRewardFen(100000n, 333n, 1000n)).toBe(33n);
  });

  it('floors the withdrawal fee, leaving the remainder with the shopper', () => {
    expect(withdrawalFee(12345n, 60)).toBe(74n); // 74.07
    expect(withdrawalFee(100n, 0n)).toBe(0n);
  });
});

describe('the chart of accounts', () => {
  it('knows the platform, gateway, wallet and campaign accounts and nothing else', () => {
    for (const known of [
      'platform:revenue',
      'platform:escrow',
      'platform:fees',
      'platform:withdrawals',
      'gateway:wechat',
      'gateway:payout',
      userWallet('u:1'),
      campaignAccount('gift-pool', 'cash'),
      'pool:appreciationPool:cash',
      'pool:div.1:dividend',
      'pool:cb:cashback',
    ]) {
      expect(isKnownAccount(known), known).toBe(true);
    }
    for (const unknown of [
      'platform:bonus',
      'gateway:',
      'gateway:We Chat',
      'user::wallet',
      'user:u1:purse',
      'pool:x:gold',
      'pool::cash',
      'pool:a:b:cash',
      'revenue',
      '',
    ]) {
      expect(isKnownAccount(unknown), unknown).toBe(false);
    }
    expect(parseAccount(userWallet('a:b'))).toEqual({ kind: 'wallet', user: 'a:b' });
    expect(() => gatewayAccount('Bad Channel')).toThrow(RangeError);
    expect(() => campaignAccount('a:b', 'cash')).toThrow(RangeError);
  });
});
