import type { EngineMovement, ServerTransferReason } from './accounts';
import type { Label } from './params';
import { planOfRewardKind } from './plans/registry';

/**
 * What every ledger reason is called, in one place: the wallet, the admin ledger and exports ask here instead of
 * keeping their own tables (a reason added to the chart of accounts without a label does not compile). Reward kinds
 * are labelled by the plan that pays them (the registry).
 */
const MOVEMENT_LABELS: Record<EngineMovement, Label> = {
  poolContribution: { zh: '资金池注入', en: 'Pool contribution' },
  cashbackReserve: { zh: '返利分期预留', en: 'Cashback reserved for installments' },
  dividendAccrual: { zh: '分红池计提', en: 'Dividend pool accrual' },
};

const SERVER_LABELS: Record<ServerTransferReason, Label> = {
  payment: { zh: '订单支付', en: 'Order payment' },
  revenue: { zh: '确认收入', en: 'Revenue recognised' },
  refund: { zh: '订单退款', en: 'Refund' },
  late_payment_refund: { zh: '超时到账退款', en: 'Late payment returned' },
  goodwill_refund: { zh: '补偿退款（平台承担）', en: 'Goodwill refund (platform pays)' },
  shipping: { zh: '运费收入', en: 'Shipping kept as revenue' },
  withdrawal: { zh: '提现', en: 'Withdrawal' },
  withdrawal_fee: { zh: '提现手续费', en: 'Withdrawal fee' },
  withdrawal_paid: { zh: '提现打款', en: 'Withdrawal paid out' },
  withdrawal_paid_simulated: { zh: '提现打款（模拟资金）', en: 'Withdrawal paid out (simulated money)' },
  withdrawal_rejected: { zh: '提现退回', en: 'Withdrawal returned' },
  withdrawal_payout_submitted: { zh: '提现提交网关', en: 'Withdrawal sent to the gateway' },
  withdrawal_payout_failed: { zh: '提现打款失败退回', en: 'Withdrawal payout failed, returned' },
  presale_deposit_refund: { zh: '预售定金退款', en: 'Presale deposit refunded' },
  presale_forfeit: { zh: '预售定金不退（尾款未付）', en: 'Presale deposit kept (balance unpaid)' },
};

export function transferReasonLabel(reason: string): Label | null {
  const reward = planOfRewardKind(reason);
  if (reward !== undefined) return reward.label;
  return (
    (MOVEMENT_LABELS as Record<string, Label | undefined>)[reason] ??
    (SERVER_LABELS as Record<string, Label | undefined>)[reason] ??
    null
  );
}
