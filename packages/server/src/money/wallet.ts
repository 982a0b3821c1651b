import { transferReasonLabel, userWallet, type Label } from '@mall/core';
import type { Db } from '../platform/db/database';
import { accountState } from './ledger';

export interface WalletEntry {
  id: string;
  amountFen: bigint;
  reason: string;
  orderId: string | null;
  createdAt: string;
  /** The campaign that paid a reward (its plan labels the reason), null for the mall's own movements. */
  plan: string | null;
  campaign: string | null;
  /** The reason's label from core (a reward's from the plan that pays it); null for a reason nobody declared. */
  label: Label | null;
}

export function walletAddress(userId: string): `user:${string}:wallet` {
  return userWallet(userId);
}

/**
 * The wallet is a ledger account; its statement is the transfers touching it, signed from the shopper's side.
 * Its pendingFen is left 0 here: what is pending (rewards of orders still in the after-sales window, cashback
 * installments to come) is a quote the engine makes (incentives/pending.ts), and the wallet route adds it.
 */
export async function walletView(
  db: Db,
  userId: string,
  limit = 200,
): Promise<{ balanceFen: bigint; simulatedFen: bigint; pendingFen: bigint; entries: WalletEntry[] }> {
  const address = walletAddress(userId);
  const rows = await db
    .selectFrom('transfers')
    .selectAll()
    .where((eb) => eb.or([eb('from_account', '=', address), eb('to_account', '=', address)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const state = await accountState(db, address);
  return {
    balanceFen: state.balanceFen,
    // What of the balance came through the sandbox gateway: shown, and never paid out through a real channel.
    simulatedFen: state.simulatedFen,
    pendingFen: 0n,
    entries: rows.map((r) => ({
      id: r.id,
      amountFen: r.to_account === address ? r.amount_fen : -r.amount_fen,
      reason: r.reason,
      orderId: r.order_id,
      createdAt: r.created_at,
      plan: r.plan,
      campaign: r.campaign,
      label: transferReasonLabel(r.reason),
    })),
  };
}
