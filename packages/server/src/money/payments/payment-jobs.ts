import type { Db } from '../../platform/db/database';
import { nowIso } from '../../platform/clock';
import { processingRefunds } from '../refunds';
import { checkPayout, payingWithdrawals } from '../payouts';
import { checkOpenPayment } from './open-payments';
import { applyGatewayPayment, closePendingPayment, flagPayment } from './gateway-events';
import { markChecked } from './gateway-payments';
import { checkRefund } from './gateway-refunds';
import { CHANNEL_GATEWAY, type PaymentChannel } from './gateway';
import { GATEWAY_CHANNELS, type GatewayRegistry } from './gateways';

/**
 * What the query job did in one run. Gateways promise to notify but do not guarantee it (WeChat retries for about a
 * day, Alipay about 25 hours, and a notification can be lost): the job asks them about everything still open.
 */
export interface JobReport {
  payments: { applied: number; closed: number; waiting: number; flagged: number; errors: number };
  refunds: { succeeded: number; failed: number; waiting: number };
  payouts: { paid: number; failed: number; waiting: number };
}

export interface JobOptions {
  /** Only what has been open at least this long (a notification usually arrives within seconds). */
  olderThanMs?: number;
  limit?: number;
}

async function checkPayments(db: Db, gateways: GatewayRegistry, olderThan: string, limit: number) {
  const report = { applied: 0, closed: 0, waiting: 0, flagged: 0, errors: 0 };
  const open = await db
    .selectFrom('payments')
    .innerJoin('orders', 'orders.id', 'payments.order_id')
    .select([
      'payments.id',
      'payments.channel',
      'payments.amount_fen',
      'orders.status as order_status',
      'orders.expires_at',
    ])
    .where('payments.status', '=', 'pending')
    .where('payments.channel', 'in', GATEWAY_CHANNELS)
    .where('payments.created_at', '<=', olderThan)
    .orderBy('payments.created_at')
    .limit(limit)
    .execute();
  for (const p of open) {
    const gateway = CHANNEL_GATEWAY[p.channel as PaymentChannel];
    const provider = gateways.provider(gateway);
    if (provider === undefined) continue;
    const expected = { outTradeNo: p.id, amountFen: p.amount_fen, channel: p.channel as PaymentChannel };
    const action = await checkOpenPayment(provider, expected);
    await markChecked(db, p.id);
    if (action.action === 'apply') {
      const outcome = await applyGatewayPayment(db, gateways, gateway, action.event);
      if (outcome === 'applied' || outcome === 'refunded_late') report.applied += 1;
    } else if (action.action === 'closed') {
      if (await closePendingPayment(db, p.id)) report.closed += 1;
    } else if (action.action === 'mismatch') {
      await flagPayment(db, p.id, `${action.reason}: the gateway reports another amount for this payment`);
      report.flagged += 1;
    } else if (action.action === 'error') {
      report.errors += 1;
    } else if (p.order_status !== 'created' || p.expires_at <= nowIso()) {
      // Unpaid, and the order no longer wants it (cancelled, expired, or paid by another attempt): close it at the
      // gateway first, so the shopper cannot pay it any more, then here.
      const closed = await provider.closePayment(p.id);
      if (closed.ok && (await closePendingPayment(db, p.id))) report.closed += 1;
      else report.waiting += 1;
    } else report.waiting += 1;
  }
  return report;
}

export async function runPaymentJobs(db: Db, gateways: GatewayRegistry, options: JobOptions = {}): Promise<JobReport> {
  const olderThan = new Date(Date.now() - (options.olderThanMs ?? 60_000)).toISOString();
  const limit = options.limit ?? 200;
  const payments = await checkPayments(db, gateways, olderThan, limit);
  const refunds = { succeeded: 0, failed: 0, waiting: 0 };
  for (const r of await processingRefunds(db, limit, olderThan)) {
    const progress = await checkRefund(db, gateways, r.id);
    if (progress === 'succeeded') refunds.succeeded += 1;
    else if (progress === 'failed') refunds.failed += 1;
    else refunds.waiting += 1;
  }
  const payouts = { paid: 0, failed: 0, waiting: 0 };
  for (const id of await payingWithdrawals(db, limit, olderThan)) {
    const progress = await checkPayout(db, gateways, id);
    payouts[progress] += 1;
  }
  return { payments, refunds, payouts };
}
