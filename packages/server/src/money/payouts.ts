import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { nowIso } from '../platform/clock';
import { ACCOUNTS, postTransfer } from './ledger';
import { walletAddress } from './wallet';
import { view, type Row, type WithdrawalView } from './withdrawals';
import { openidOf } from './payments/openids';
import type { GatewayErrorCode, GatewayResult, TransferState } from './payments/gateway';
import type { GatewayRegistry } from './payments/gateways';

/**
 * Withdrawal payouts through the gateways: WeChat Pay's merchant transfer to the payee's balance (商家转账, the payee
 * accepts it in WeChat) or Alipay's single transfer (单笔转账). Every step is in the ledger: submitting moves the
 * amount from pending withdrawals to payouts in flight; success moves the payout to the gateway and the fee to fees;
 * failure moves it all (fee included) back to the wallet, with the gateway's reason on the withdrawal. The
 * withdrawal's id is the transfer's out_bill_no / out_biz_no, so sending it again is the same transfer there.
 */
const DEFINITE: readonly GatewayErrorCode[] = ['gateway_rejected', 'amount_out_of_range', 'channel_unavailable'];

export type PayoutProgress = 'paid' | 'failed' | 'waiting';

async function loadRow(trx: Db | Tx, id: string): Promise<Row> {
  const row = await trx.selectFrom('withdrawals').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) fail('withdrawal_not_found');
  return row;
}

/** Finance starts the payout of an approved withdrawal through its channel's gateway. */
export async function startPayout(db: Db, gateways: GatewayRegistry, id: string): Promise<WithdrawalView> {
  const submitted = await inTx(db, async (trx) => {
    const row = await loadRow(trx, id);
    const provider = gateways.provider(row.channel);
    if (provider === undefined) fail('channel_unavailable', row.channel);
    if (row.status !== 'approved') fail('withdrawal_transition_not_allowed', `${row.status} -> paying`);
    // Simulated (sandbox) money never leaves through a real gateway.
    if (row.simulated_fen > 0n) fail('simulated_money');
    let payee = row.payee;
    if (row.channel === 'wechat') {
      const appid = gateways.wechatAppId;
      payee = appid === undefined ? null : ((await openidOf(trx, row.user_id, appid)) ?? null);
      if (payee === null) fail('openid_required');
    } else if (payee === null || payee === '') fail('payee_required');
    const moved = await trx
      .updateTable('withdrawals')
      .set({ status: 'paying', payout_channel: row.channel, payee, updated_at: nowIso() })
      .where('id', '=', id)
      .where('status', '=', 'approved')
      .executeTakeFirst();
    if (moved.numUpdatedRows !== 1n) fail('withdrawal_transition_not_allowed', 'approved -> paying');
    await postTransfer(
      trx,
      {
        id: `withdrawal-submit:${id}`,
        from: ACCOUNTS.withdrawalsPending,
        to: ACCOUNTS.payoutsInFlight,
        amountFen: row.amount_fen,
        reason: 'withdrawal_payout_submitted',
        userId: row.user_id,
        simulated: 0n,
      },
      nowIso(),
    );
    return { ...row, payee };
  });
  await sendTransfer(db, gateways, submitted);
  return view(await loadRow(db, id));
}

async function sendTransfer(db: Db, gateways: GatewayRegistry, row: Row): Promise<PayoutProgress> {
  const provider = gateways.provider(row.channel);
  if (provider === undefined || row.payee === null || row.payee === undefined) return 'waiting';
  const answer = await provider.transfer({
    outBillNo: row.id,
    amountFen: row.amount_fen - row.fee_fen,
    payee: row.payee,
    ...(row.payee_name === null || row.payee_name === undefined ? {} : { payeeName: row.payee_name }),
    remark: '商城余额提现',
  });
  return applyTransferAnswer(db, row.id, answer);
}

async function applyTransferAnswer(db: Db, id: string, answer: GatewayResult<TransferState>): Promise<PayoutProgress> {
  if (!answer.ok) {
    if (!DEFINITE.includes(answer.code)) return 'waiting';
    const reason = `${answer.gatewayCode ?? answer.code}: ${answer.message}`;
    await inTx(db, (trx) => finishPayout(trx, id, { status: 'failed', reason }));
    return 'failed';
  }
  const s = answer.value;
  if (s.status === 'succeeded') {
    await inTx(db, (trx) =>
      finishPayout(trx, id, { status: 'succeeded', gatewayTransferId: s.gatewayTransferId, amountFen: s.amountFen }),
    );
    return 'paid';
  }
  if (s.status === 'failed' || s.status === 'cancelled') {
    await inTx(db, (trx) => finishPayout(trx, id, { status: s.status as 'failed', reason: s.failReason ?? s.status }));
    return 'failed';
  }
  await db
    .updateTable('withdrawals')
    .set({
      ...(s.packageInfo === undefined ? {} : { package_info: s.packageInfo }),
      ...(s.gatewayTransferId === undefined ? {} : { gateway_transfer_id: s.gatewayTransferId }),
    })
    .where('id', '=', id)
    .where('status', '=', 'paying')
    .execute();
  return 'waiting';
}

export interface PayoutOutcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  reason?: string | undefined;
  gatewayTransferId?: string | undefined;
  /** The amount the gateway says it paid; a different one is not our payout. */
  amountFen?: bigint | undefined;
}

/**
 * The gateway's final word on a payout (its answer, its notification or the query job): paying -> paid, or paying ->
 * failed with the money back in the wallet. The conditional UPDATE makes it apply once whoever reports it.
 */
export async function finishPayout(
  trx: Tx,
  id: string,
  outcome: PayoutOutcome,
): Promise<'applied' | 'duplicate' | 'amount_mismatch' | 'not_found'> {
  const row = await trx.selectFrom('withdrawals').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return 'not_found';
  const payout = row.amount_fen - row.fee_fen;
  if (outcome.status === 'succeeded' && outcome.amountFen !== undefined && outcome.amountFen !== payout) {
    return 'amount_mismatch';
  }
  const now = nowIso();
  const failed = outcome.status !== 'succeeded';
  const moved = await trx
    .updateTable('withdrawals')
    .set({
      status: failed ? 'failed' : 'paid',
      updated_at: now,
      package_info: null,
      ...(failed ? { failure_reason: (outcome.reason ?? outcome.status).slice(0, 500) } : {}),
      ...(outcome.gatewayTransferId === undefined ? {} : { gateway_transfer_id: outcome.gatewayTransferId }),
    })
    .where('id', '=', id)
    .where('status', '=', 'paying')
    .executeTakeFirst();
  if (moved.numUpdatedRows !== 1n) return 'duplicate';
  const base = { userId: row.user_id, simulated: 0n } as const;
  if (failed) {
    await postTransfer(
      trx,
      {
        ...base,
        id: `withdrawal-return:${id}`,
        from: ACCOUNTS.payoutsInFlight,
        to: walletAddress(row.user_id),
        amountFen: row.amount_fen,
        reason: 'withdrawal_payout_failed',
      },
      now,
    );
    return 'applied';
  }
  if (payout > 0n) {
    await postTransfer(
      trx,
      {
        ...base,
        id: `withdrawal-payout:${id}`,
        from: ACCOUNTS.payoutsInFlight,
        to: ACCOUNTS.gateway(row.channel),
        amountFen: payout,
        reason: 'withdrawal_paid',
      },
      now,
    );
  }
  if (row.fee_fen > 0n) {
    await postTransfer(
      trx,
      {
        ...base,
        id: `withdrawal-fee:${id}`,
        from: ACCOUNTS.payoutsInFlight,
        to: ACCOUNTS.fees,
        amountFen: row.fee_fen,
        reason: 'withdrawal_fee',
      },
      now,
    );
  }
  return 'applied';
}

/** The query job's step for one payout no notification has finished: ask, and send again if it never arrived. */
export async function checkPayout(db: Db, gateways: GatewayRegistry, id: string): Promise<PayoutProgress> {
  const row = await loadRow(db, id);
  const provider = gateways.provider(row.channel);
  if (row.status !== 'paying' || provider === undefined) return 'waiting';
  const answer = await provider.queryTransfer(id);
  if (answer.ok && answer.value.status === 'not_found') return sendTransfer(db, gateways, row);
  return applyTransferAnswer(db, id, answer);
}

export async function payingWithdrawals(db: Db, limit: number, olderThan: string): Promise<string[]> {
  const rows = await db
    .selectFrom('withdrawals')
    .select('id')
    .where('status', '=', 'paying')
    .where('updated_at', '<=', olderThan)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
