import { userWallet } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { getUser, maskPhone, type UserRow } from '../platform/identity/shoppers';
import { walletView } from '../money/wallet';
import { positionsView } from './positions';
import { inviteeCount, merchantUsers, referralProgress } from './referrals';

/** A shopper as the shop shows them to themselves: referrer masked, merchant once the cycle made them one. */
export async function shopperCard(db: Db | Tx, user: UserRow) {
  const referrer = user.referrer_id === null ? undefined : await getUser(db, user.referrer_id);
  const merchant = (await merchantUsers(db, [user.id])).has(user.id);
  return {
    id: user.id,
    phone: user.phone,
    inviteCode: user.invite_code,
    referrer: referrer === undefined ? null : { id: referrer.id, phoneMasked: maskPhone(referrer.phone) },
    merchant,
  };
}

/** Shoppers for staff, newest first, with merchant flag and wallet balance; q matches phone, id or invite code. */
export async function listShoppers(db: Db, filter: { q?: string | undefined; page: number; pageSize: number }) {
  let query = db.selectFrom('users');
  const q = filter.q;
  if (q !== undefined && q !== '')
    query = query.where((eb) =>
      eb.or([eb('users.phone', 'like', `%${q}%`), eb('users.id', '=', q), eb('users.invite_code', '=', q)]),
    );
  const total = await query.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .select(['users.id', 'users.phone', 'users.invite_code', 'users.referrer_id', 'users.created_at'])
    .orderBy('users.created_at', 'desc')
    .orderBy('users.id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  const ids = rows.map((r) => r.id);
  const merchants = await merchantUsers(db, ids);
  const wallets =
    ids.length === 0
      ? []
      : await db
          .selectFrom('accounts')
          .select(['address', 'balance_fen'])
          .where('address', 'in', ids.map(userWallet))
          .execute();
  const balances = new Map(wallets.map((w) => [w.address, w.balance_fen]));
  return {
    items: rows.map((r) => ({
      id: r.id,
      phone: r.phone,
      inviteCode: r.invite_code,
      referrerId: r.referrer_id,
      merchant: merchants.has(r.id),
      createdAt: r.created_at,
      balanceFen: balances.get(userWallet(r.id)) ?? 0n,
    })),
    total: total.n,
  };
}

/** One shopper for staff: wallet statement, positions, cycle progress and how many they invited. */
export async function shopperDetail(db: Db, userId: string) {
  const user = await getUser(db, userId);
  if (!user) fail('user_not_found');
  const wallet = await walletView(db, user.id, 50);
  const positions = await positionsView(db, user.id);
  const cycles = await referralProgress(db, user.id);
  const invitees = await inviteeCount(db, user.id);
  return {
    user: {
      id: user.id,
      phone: user.phone,
      inviteCode: user.invite_code,
      referrerId: user.referrer_id,
      merchant: cycles.some((c) => c.merchant),
      createdAt: user.created_at,
    },
    wallet: { balanceFen: wallet.balanceFen, pendingFen: wallet.pendingFen, entries: wallet.entries },
    positions: positions.positions,
    cycles,
    inviteeCount: invitees,
  };
}
