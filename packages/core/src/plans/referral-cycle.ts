import { PLATFORM_REVENUE, userWallet } from '../accounts';
import type { Effect } from '../effects';
import { share } from '../money';
import { definePlan } from '../plan';

export const REFERRAL_CYCLE = 'referralCycle';

interface MemberState {
  merchant: boolean;
  baseFen: bigint;
  rewardCount: number;
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
    const members = new Map<string, MemberState>();

    function progress(user: string, state: MemberState, out: Effect[]): void {
      out.push({
        type: 'referralProgress',
        plan: REFERRAL_CYCLE,
        user,
        merchant: state.merchant,
        baseFen: state.baseFen,
        rewardCount: state.rewardCount,
      });
    }

    return {
      code: REFERRAL_CYCLE,
      settle(order, out) {
        const referrer = directory.referrerOf(order.user);
        const upline = referrer === undefined ? undefined : members.get(referrer);
        if (referrer !== undefined && upline?.merchant) {
          const basis = upline.baseFen < order.amountFen ? upline.baseFen : order.amountFen;
          const rate = rates[upline.rewardCount % rates.length] ?? 0n;
          const amountFen = share(basis, rate);
          upline.rewardCount += 1;
          if (amountFen > 0n) {
            out.push({
              type: 'transfer',
              id: `referralCycle:${order.order}`,
              plan: REFERRAL_CYCLE,
              reason: 'referralCycle',
              from: PLATFORM_REVENUE,
              to: userWallet(referrer),
              amountFen,
              order: order.order,
              user: referrer,
            });
          }
          progress(referrer, upline, out);
        }
        let buyer = members.get(order.user);
        if (!buyer) {
          buyer = { merchant: false, baseFen: 0n, rewardCount: 0 };
          members.set(order.user, buyer);
        }
        buyer.merchant = true;
        if (order.amountFen > buyer.baseFen) buyer.baseFen = order.amountFen;
        progress(order.user, buyer, out);
      },
    };
  },
});
