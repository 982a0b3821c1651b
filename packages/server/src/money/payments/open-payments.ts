import {
  checkAgainstPayment,
  type ExpectedPayment,
  type GatewayProvider,
  type GatewayErrorCode,
  type NotificationEvent,
} from './gateway';

/**
 * What the open-payment job does with one payment that no notification has settled: the gateway's answer to an
 * order query, checked like a notification, turned into one action. `apply` carries the same event a success
 * notification would, so the server applies both through the one apply-once path.
 */
export type OpenPaymentAction =
  | { action: 'apply'; event: Extract<NotificationEvent, { kind: 'payment_succeeded' }> }
  /** Still unpaid at the gateway (or the shopper never opened the page): ask again later or let it expire. */
  | { action: 'wait' }
  /** The gateway closed it unpaid: the order may be cancelled. */
  | { action: 'closed' }
  /** Paid at the gateway with an amount that is not ours: money to look at by hand, never applied. */
  | { action: 'mismatch'; reason: 'amount_mismatch' | 'payment_not_found' }
  | { action: 'error'; code: GatewayErrorCode; message: string };

export async function checkOpenPayment(
  provider: GatewayProvider,
  expected: ExpectedPayment,
): Promise<OpenPaymentAction> {
  const r = await provider.queryPayment(expected.outTradeNo);
  if (!r.ok) return { action: 'error', code: r.code, message: r.message };
  const s = r.value;
  if (s.status === 'pending' || s.status === 'not_found') return { action: 'wait' };
  if (s.status === 'closed') return { action: 'closed' };
  // succeeded, or already refunded at the gateway (paid first): either way it was paid.
  if (s.amountFen === undefined || s.gatewayTxnId === undefined) {
    return { action: 'error', code: 'gateway_bad_response', message: 'a paid order without amount or txn id' };
  }
  const check = checkAgainstPayment(provider.gateway, { outTradeNo: s.outTradeNo, amountFen: s.amountFen }, expected);
  if (check !== 'ok') return { action: 'mismatch', reason: check };
  return {
    action: 'apply',
    event: {
      kind: 'payment_succeeded',
      outTradeNo: s.outTradeNo,
      gatewayTxnId: s.gatewayTxnId,
      amountFen: s.amountFen,
      merchantId: s.merchantId ?? '',
      appId: s.appId ?? '',
      paidAt: s.paidAt ?? '',
    },
  };
}
