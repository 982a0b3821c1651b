import { withdrawalFee } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { inTx } from '../platform/db/database';
import { isUniqueViolation, remember, replayed, requestHashOf } from '../platform/idempotency';
import { fail } from '../platform/errors';
import { newId } from '../platform/ids';
import { nowIso } from '../platform/clock';
import { ACCOUNTS, postTransfer } from './ledger';
import type { Settings } from '../platform/settings';
import { walletAddress } from './wallet';
import type { MallEnvironment } from '../platform/environment';

/**
 * Withdrawals: requested -> approved -> paid (by hand), or approved -> paying -> paid / failed through a gateway's
 * transfer (payouts.ts), or requested/approved -> rejected. The request takes the whole amount out of the wallet at
 * once (a conditional debit, so fifty concurrent requests for one balance accept exactly one); a rejection or a
 * failed payout gives it back, fee included; payment splits it into the payout and the fee.
 */
export interface WithdrawalView {
  id: string;
  userId: string;
  userPhone?: string;
  amountFen: bigint;
  feeFen: bigint;
  channel: string;
  status: string;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
  /** Simulated (sandbox) money in this withdrawal: never paid out through a real channel. */
  simulatedFen: bigint;
  /** Alipay account (or user id) the payout goes to; WeChat payouts go to the bound openid. */
  payee: string | null;
  /** wechat / alipay (a gateway transfer) or manual (marked paid by hand). */
  payoutChannel: string | null;
  /** WeChat transfers waiting for the payee to accept: the package wx.requestMerchantTransfer takes. */
  packageInfo: string | null;
  /** Why a payout failed, in the gateway's words (the money is back in the wallet). */
  failureReason: string | null;
}

export type Row = {
  id: string;
  user_id: string;
  amount_fen: bigint;
  fee_fen: bigint;
  channel: string;
  status: string;
  reason: string | null;
  created_at: string;
  updated_at: string;
  simulated_fen: bigint;
  payee?: string | null;
  payee_name?: string | null;
  payout_channel?: string | null;
  gateway_transfer_id?: string | null;
  package_info?: string | null;
  failure_reason?: string | null;
};

export function view(r: Row & { phone?: string }): WithdrawalView {
  return {
    id: r.id,
    userId: r.user_id,
    ...(r.phone === undefined ? {} : { userPhone: r.phone }),
    amountFen: r.amount_fen,
    feeFen: r.fee_fen,
    channel: r.channel,
    status: r.status,
    reason: r.reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    simulatedFen: r.simulated_fen,
    payee: r.payee ?? null,
    payoutChannel: r.payout_channel ?? null,
    packageInfo: r.status === 'paying' ? (r.package_info ?? null) : null,
    failureReason: r.failure_reason ?? null,
  };
}

export interface Payee {
  account?: string | undefined;
  name?: string | undefined;
}

export async function requestWithdrawal(
  trx: Tx,
  userId: string,
  amountFen: bigint,
  channel: string,
  settings: Settings,
  payee: Payee = {},
): Promise<WithdrawalView> {
  if (amountFen < settings.withdrawMinFen) fail('below_minimum', `minimum ${settings.withdrawMinFen} fen`);
  const fee = withdrawalFee(amountFen, settings.withdrawFeeBps);
  const now = nowIso();
  const row: Row = {
    id: newId('wdr'),
    user_id: userId,
    amount_fen: amountFen,
    fee_fen: fee,
    channel,
    status: 'requested',
    reason: null,
    created_at: now,
    updated_at: now,
    simulated_fen: 0n,
    payee: payee.account ?? null,
    payee_name: payee.name ?? null,
  };
  // Real money leaves first; whatever simulated money the amount still needs is recorded on the withdrawal.
  const simulated = await postTransfer(
    trx,
    {
      id: `withdrawal:${row.id}`,
      from: walletAddress(userId),
      to: ACCOUNTS.withdrawalsPending,
      amountFen,
      reason: 'withdrawal',
      userId,
      simulated: 'real_first',
    },
    now,
  );
  row.simulated_fen = simulated ?? 0n;
  await trx.insertInto('withdrawals').values(row).execute();
  return view(row);
}

async function move(trx: Tx, id: string, from: readonly string[], to: string, reason: string | null): Promise<Row> {
  const now = nowIso();
  const result = await trx
    .updateTable('withdrawals')
    .set({ status: to, updated_at: now, ...(reason === null ? {} : { reason }) })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  const row = await trx.selectFrom('withdrawals').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) fail('withdrawal_not_found');
  if (result.numUpdatedRows !== 1n) fail('withdrawal_transition_not_allowed', `${row.status} -> ${to}`);
  return row;
}

export async function approveWithdrawal(trx: Tx, id: string): Promise<WithdrawalView> {
  return view(await move(trx, id, ['requested'], 'approved', null));
}

export async function rejectWithdrawal(trx: Tx, id: string, reason: string): Promise<WithdrawalView> {
  const row = await move(trx, id, ['requested', 'approved'], 'rejected', reason);
  await postTransfer(
    trx,
    {
      id: `withdrawal-return:${id}`,
      from: ACCOUNTS.withdrawalsPending,
      to: walletAddress(row.user_id),
      amountFen: row.amount_fen,
      reason: 'withdrawal_rejected',
      userId: row.user_id,
      simulated: row.simulated_fen,
    },
    nowIso(),
  );
  return view(row);
}

/**
 * Pays an approved withdrawal. Real money goes out through the payout account; a withdrawal that holds simulated money
 * can never be paid through a real channel: in production it is refused (simulated_money), in demo mode it is paid
 * back to the sandbox gateway it came from, labelled as simulated.
 */
export async function markWithdrawalPaid(trx: Tx, id: string, environment: MallEnvironment): Promise<WithdrawalView> {
  const row = { ...(await move(trx, id, ['approved'], 'paid', null)), payout_channel: 'manual' };
  await trx.updateTable('withdrawals').set({ payout_channel: 'manual' }).where('id', '=', id).execute();
  const simulated = row.simulated_fen > 0n;
  if (simulated && environment === 'production') fail('simulated_money');
  const now = nowIso();
  const payout = row.amount_fen - row.fee_fen;
  const payoutSimulated = row.simulated_fen < payout ? row.simulated_fen : payout;
  if (payout > 0n) {
    await postTransfer(
      trx,
      {
        id: `withdrawal-payout:${id}`,
        from: ACCOUNTS.withdrawalsPending,
        to: simulated ? ACCOUNTS.gateway('sandbox') : ACCOUNTS.payout,
        amountFen: payout,
        reason: simulated ? 'withdrawal_paid_simulated' : 'withdrawal_paid',
        userId: row.user_id,
        simulated: payoutSimulated,
      },
      now,
    );
  }
  if (row.fee_fen > 0n) {
    await postTransfer(
      trx,
      {
        id: `withdrawal-fee:${id}`,
        from: ACCOUNTS.withdrawalsPending,
        to: ACCOUNTS.fees,
        amountFen: row.fee_fen,
        reason: 'withdrawal_fee',
        userId: row.user_id,
        simulated: row.simulated_fen - payoutSimulated,
      },
      now,
    );
  }
  return view(row);
}

export async function listWithdrawals(
  db: Db,
  filter: { userId?: string; status?: string | undefined; page: number; pageSize: number },
): Promise<{ items: WithdrawalView[]; total: number }> {
  let query = db.selectFrom('withdrawals').innerJoin('users', 'users.id', 'withdrawals.user_id');
  if (filter.userId !== undefined) query = query.where('withdrawals.user_id', '=', filter.userId);
  if (filter.status !== undefined && filter.status !== '')
    query = query.where('withdrawals.status', '=', filter.status);
  const total = await query.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll('withdrawals')
    .select('users.phone')
    .orderBy('withdrawals.created_at', 'desc')
    .orderBy('withdrawals.id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { items: rows.map(view), total: Number(total.n) };
}

/**
 * The shopper's withdrawal request with an optional Idempotency-Key: the first answer is stored with the request's
 * hash in the same transaction, and the same key replays it.
 */
export async function requestWithdrawalOnce(
  db: Db,
  userId: string,
  request: { amountFen: number; channel: string; account?: string; name?: string },
  key: string | undefined,
  settings: Settings,
): Promise<{ withdrawal: WithdrawalView }> {
  const scope = `withdrawal:${userId}`;
  // The request as it arrived is what the key is bound to.
  const hash = requestHashOf(request);
  const attempt = () =>
    inTx(db, async (trx) => {
      if (key !== undefined) {
        const previous = await replayed(trx, scope, key, hash);
        if (previous !== undefined) return previous as { withdrawal: WithdrawalView };
      }
      const answer = {
        withdrawal: await requestWithdrawal(trx, userId, BigInt(request.amountFen), request.channel, settings, {
          account: request.account,
          name: request.name,
        }),
      };
      if (key !== undefined) await remember(trx, scope, key, hash, answer);
      return answer;
    });
  try {
    return await attempt();
  } catch (error) {
    // Two first attempts with one key raced on the key's primary key: the loser answers with the winner's result.
    if (key === undefined || !isUniqueViolation(error)) throw error;
    return attempt();
  }
}

export type WithdrawalDecision = 'approve' | 'reject' | 'paid';

/**
 * Finance's decisions. `paid` is the by-hand payout (a bank transfer, or any channel whose gateway this mall has not
 * configured); a withdrawal to WeChat or Alipay with that gateway configured goes through its transfer (payouts.ts).
 */
export async function decideWithdrawal(
  db: Db,
  id: string,
  decision: WithdrawalDecision,
  reason: string,
  environment: MallEnvironment,
  gatewayConfigured: (channel: string) => boolean = () => false,
): Promise<WithdrawalView> {
  return inTx(db, async (trx) => {
    if (decision === 'approve') return approveWithdrawal(trx, id);
    if (decision === 'reject') return rejectWithdrawal(trx, id, reason);
    const row = await trx.selectFrom('withdrawals').select('channel').where('id', '=', id).executeTakeFirst();
    if (row !== undefined && gatewayConfigured(row.channel)) fail('payout_channel_unavailable', row.channel);
    return markWithdrawalPaid(trx, id, environment);
  });
}

/** One withdrawal, or undefined (the operation log's snapshot of it). */
export async function findWithdrawal(db: Db | Tx, id: string): Promise<WithdrawalView | undefined> {
  const row = await db.selectFrom('withdrawals').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : view(row);
}
