import { sql } from 'kysely';
import type { Db, Tx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { getUser, maskPhone, type UserRow } from '../platform/identity/shoppers';
import { walletView } from '../money/wallet';
import { positionsView } from './positions';
import { inviteeCount, referralProgress } from './referrals';

/** A shopper as the shop shows them to themselves: referrer masked, merchant once the cycle made them one. */
export async function shopperCard(db: Db | Tx, user: UserRow) {
  const referrer = user.referrer_id === null ? undefined : await getUser(db, user.referrer_id);
  const progress = await referralProgress(db, user.id);
  return {
    id: user.id,
    phone: user.phone,
    inviteCode: user.invite_code,
    referrer: referrer === undefined ? null : { id: referrer.id, phoneMasked: maskPhone(referrer.phone) },
    merchant: progress.merchant,
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
    .leftJoin('referral_progress', 'referral_progress.user_id', 'users.id')
    .leftJoin('accounts', (join) => join.on(sql<boolean>`accounts.address = 'user:' || users.id || ':wallet'`))
    .select([
      'users.id',
      'users.phone',
      'users.invite_code',
      'users.referrer_id',
      'users.created_at',
      'referral_progress.merchant',
      'accounts.balance_fen',
    ])
    .orderBy('users.created_at', 'desc')
    .orderBy('users.id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      phone: r.phone,
      inviteCode: r.invite_code,
      referrerId: r.referrer_id,
      merchant: r.merchant === 1n,
      createdAt: r.created_at,
      balanceFen: r.balance_fen ?? 0n,
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
  const progress = await referralProgress(db, user.id);
  const invitees = await inviteeCount(db, user.id);
  return {
    user: {
      id: user.id,
      phone: user.phone,
      inviteCode: user.invite_code,
      referrerId: user.referrer_id,
      merchant: progress.merchant,
      createdAt: user.created_at,
    },
    wallet: { balanceFen: wallet.balanceFen, pendingFen: wallet.pendingFen, entries: wallet.entries },
    positions: positions.positions,
    cycle: { merchant: progress.merchant, baseFen: progress.baseFen, rewardCount: progress.rewardCount },
    inviteeCount: invitees,
  };
}
