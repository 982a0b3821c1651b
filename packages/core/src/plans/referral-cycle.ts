import { PLATFORM_REVENUE, userWallet } from '../accounts';
import { BigIntColumn, IntColumn } from '../columns';
import type { Effect } from '../effects';
import { share } from '../money';
import { definePlan } from '../plan';

export const REFERRAL_CYCLE = 'referralCycle';

export interface ReferralCycleInstance {
  readonly code: string;
  /** A shopper's cycle state, by user index. */
  member(userIndex: number): { merchant: boolean; baseFen: bigint; rewardCount: number };
}

/**
 * 推三返一 (SPEC 3.1): a consumer-merchant's k-th reward from a direct invitee's settled order is
 * share(min(base, amount), ratesBps[k mod len]). Only the direct referrer is ever paid.
 */
export const referralCycle = definePlan({
  code: REFERRAL_CYCLE,
  title: { zh: '推三返一', en: 'Referral cycle' },
  summary: {
    zh: '直接邀请的好友订单结算后，邀请人按第1、2、3单的比例循环获得返利（以自身最高消费额为上限）。',
    en: "When a direct invitee's order settles, the inviter earns the next rate in the cycle on the smaller of their base and the order.",
  },
  highRisk: true,
  referralLevels: 1,
  params: {
    ratesBps: {
      kind: 'bpsList',
      default: [1000, 2000, 7000],
      min: 0,
      max: 10_000,
      minLength: 1,
      maxLength: 12,
      label: { zh: '循环返利比例（基点）', en: 'Cycle rates (bps)' },
      help: { zh: '第 k 笔返利使用第 k mod n 个比例', en: 'The k-th reward uses rate k mod n' },
    },
  },
  create(params, directory) {
    const rates = params.ratesBps.map((r) => BigInt(r));
    // Columns by user index: 1 once a consumer-merchant; their base; rewards received so far.
    const merchant = new IntColumn();
    const baseFen = new BigIntColumn();
    const rewardCount = new IntColumn();
    const base = (userIndex: number): bigint => (userIndex < baseFen.length ? baseFen.get(userIndex) : 0n);

    function member(userIndex: number): { merchant: boolean; baseFen: bigint; rewardCount: number } {
      return {
        merchant: merchant.get(userIndex) === 1,
        baseFen: base(userIndex),
        rewardCount: rewardCount.get(userIndex),
      };
    }

    function progress(userIndex: number, out: Effect[]): void {
      out.push({
        type: 'referralProgress',
        plan: REFERRAL_CYCLE,
        user: directory.userId(userIndex),
        ...member(userIndex),
      });
    }

    return {
      code: REFERRAL_CYCLE,
      member,
      settle(order, out) {
        const referrer = directory.referrerOf(order.userIndex);
        if (referrer >= 0 && merchant.get(referrer) === 1) {
          const referrerBase = baseFen.get(referrer);
          const count = rewardCount.get(referrer);
          const basis = referrerBase < order.amountFen ? referrerBase : order.amountFen;
          const amountFen = share(basis, rates[count % rates.length] ?? 0n);
          rewardCount.set(referrer, count + 1);
          if (amountFen > 0n) {
            const user = directory.userId(referrer);
            out.push({
              type: 'transfer',
              id: `referralCycle:${order.order}`,
              plan: REFERRAL_CYCLE,
              reason: 'referralCycle',
              from: PLATFORM_REVENUE,
              to: userWallet(user),
              amountFen,
              order: order.order,
              user,
            });
          }
          progress(referrer, out);
        }
        const buyer = order.userIndex;
        const oldBase = base(buyer);
        // The buyer's state only changes on their first order in the plan or a larger one.
        if (merchant.get(buyer) !== 1 || order.amountFen > oldBase) {
          merchant.set(buyer, 1);
          baseFen.set(buyer, order.amountFen > oldBase ? order.amountFen : oldBase);
          progress(buyer, out);
        }
      },
    };
  },
});
