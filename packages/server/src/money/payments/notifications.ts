import type { Db } from '../../platform/db/database';
import { inTx } from '../../platform/db/database';
import { nowIso } from '../../platform/clock';
import { sql } from 'kysely';
import { getRefund } from '../refunds';
import { refundFailed, refundSucceeded } from '../after-sales/refund-outcome';
import { finishPayout } from '../payouts';
import { applyGatewayPayment, closePendingPayment } from './gateway-events';
import { checkRefund, noteAbnormalRefund } from './gateway-refunds';
import type { Acknowledgement, AckVerdict, GatewayName, NotificationEvent, RawNotification } from './gateway';
import type { GatewayRegistry } from './gateways';

/** Only reasons and ids are logged: never a header, a body or anything decrypted from it. */
export interface NotificationLog {
  info(fields: Record<string, string>, message: string): void;
  warn(fields: Record<string, string>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

function subjectOf(event: NotificationEvent): string {
  if (event.kind === 'payment_succeeded' || event.kind === 'payment_closed') return event.outTradeNo;
  if (event.kind === 'refund_succeeded' || event.kind === 'refund_failed') return event.outRefundNo;
  if (event.kind === 'transfer_finished') return event.outBillNo;
  return '';
}

/** What one verified event does; the verdict tells the gateway whether to stop sending it. */
async function apply(
  db: Db,
  gateways: GatewayRegistry,
  gateway: GatewayName,
  event: NotificationEvent,
): Promise<{ verdict: AckVerdict; outcome: string }> {
  switch (event.kind) {
    case 'payment_succeeded': {
      const outcome = await applyGatewayPayment(db, gateways, gateway, event);
      const refused = outcome === 'payment_not_found' || outcome === 'amount_mismatch';
      return { verdict: refused ? 'refused' : 'accepted', outcome };
    }
    case 'payment_closed':
      return {
        verdict: 'accepted',
        outcome: (await closePendingPayment(db, event.outTradeNo)) ? 'closed' : 'duplicate',
      };
    case 'refund_succeeded': {
      const refund = await getRefund(db, event.outRefundNo);
      if (refund === undefined || refund.payment_id !== event.outTradeNo)
        return { verdict: 'refused', outcome: 'refund_not_found' };
      if (refund.status !== 'processing') return { verdict: 'accepted', outcome: 'duplicate' };
      if (!event.refundFenIsCumulative) {
        // WeChat's notification states this refund's own amount: verified and ours, it confirms the refund.
        if (event.refundFen !== refund.amount_fen) return { verdict: 'refused', outcome: 'amount_mismatch' };
        const outcome = await inTx(db, (trx) =>
          refundSucceeded(trx, refund.id, event.gatewayRefundId, `gateway:${gateway}`),
        );
        return { verdict: 'accepted', outcome };
      }
      // Alipay's states the trade's total refunded so far: its single refund is confirmed by asking (the query job's
      // step), which also checks the amount.
      const progress = await checkRefund(db, gateways, refund.id);
      return { verdict: progress === 'succeeded' || progress === 'failed' ? 'accepted' : 'retry', outcome: progress };
    }
    case 'refund_failed': {
      const refund = await getRefund(db, event.outRefundNo);
      if (refund === undefined || refund.payment_id !== event.outTradeNo)
        return { verdict: 'refused', outcome: 'refund_not_found' };
      if (!event.final) {
        await noteAbnormalRefund(db, refund.id);
        return { verdict: 'accepted', outcome: 'abnormal' };
      }
      const outcome = await inTx(db, (trx) =>
        refundFailed(trx, refund.id, 'closed by the gateway', `gateway:${gateway}`),
      );
      return { verdict: 'accepted', outcome };
    }
    case 'transfer_finished': {
      // The notification says that it failed, not why: the transfer query carries WeChat's reason.
      let reason: string = event.status;
      if (event.status !== 'succeeded') {
        const state = await gateways.provider(gateway)?.queryTransfer(event.outBillNo);
        if (state?.ok === true && state.value.failReason !== undefined) reason = state.value.failReason;
      }
      const outcome = await inTx(db, (trx) =>
        finishPayout(trx, event.outBillNo, {
          status: event.status,
          reason,
          gatewayTransferId: event.gatewayTransferId,
          amountFen: event.amountFen,
        }),
      );
      const refused = outcome === 'not_found' || outcome === 'amount_mismatch';
      return { verdict: refused ? 'refused' : 'accepted', outcome };
    }
    case 'ignored':
      return { verdict: 'accepted', outcome: 'ignored' };
  }
}

/** Keeps a receipt per notification id (retries of one notification share it), for audit. */
async function recordReceipt(
  db: Db,
  gateway: GatewayName,
  notificationId: string,
  event: NotificationEvent,
  verdict: AckVerdict,
): Promise<void> {
  const now = nowIso();
  await db
    .insertInto('gateway_notifications')
    .values({
      id: `${gateway}:${notificationId}`.slice(0, 200),
      gateway,
      kind: event.kind,
      subject: subjectOf(event),
      verdict,
      deliveries: 1n,
      first_at: now,
      last_at: now,
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({ deliveries: sql`gateway_notifications.deliveries + 1`, last_at: now, verdict }),
    )
    .execute();
}

/**
 * A gateway's notification, end to end: verified by the provider exactly as the gateway specifies (signature over
 * the raw bytes, time, key, decryption, merchant and app ids), then checked against our own records and applied
 * once. The answer is the provider's acknowledgement: accepted (also for a duplicate), refused (not valid or not
 * ours: nothing changed), or retry (our side failed: the gateway sends it again later).
 */
export async function receiveGatewayNotification(
  db: Db,
  gateways: GatewayRegistry,
  gateway: GatewayName,
  raw: RawNotification,
  log: NotificationLog,
): Promise<Acknowledgement | undefined> {
  const provider = gateways.provider(gateway);
  if (provider === undefined) return undefined;
  const parsed = await provider.parseNotification(raw, Date.now());
  if (!parsed.ok) {
    log.warn({ gateway, reason: parsed.reason }, 'payment notification refused');
    return provider.acknowledgement('refused');
  }
  let verdict: AckVerdict;
  try {
    const result = await apply(db, gateways, gateway, parsed.event);
    verdict = result.verdict;
    log.info(
      { gateway, kind: parsed.event.kind, subject: subjectOf(parsed.event), outcome: result.outcome, verdict },
      'payment notification',
    );
  } catch (error) {
    log.error(
      { gateway, kind: parsed.event.kind, subject: subjectOf(parsed.event), err: error },
      'payment notification failed',
    );
    return provider.acknowledgement('retry');
  }
  await recordReceipt(db, gateway, parsed.notificationId, parsed.event, verdict).catch((error: unknown) =>
    log.error({ gateway, err: error }, 'notification receipt not recorded'),
  );
  return provider.acknowledgement(verdict);
}
