import type { Db, Tx } from '../platform/db/database';
import { maskPhone } from '../platform/identity/shoppers';
import { loadPlans } from './plans';

/** The invitation graph and each shopper's referral-cycle progress (the referralCycle plan's stored state). */
export async function referralProgress(db: Db | Tx, userId: string) {
  const row = await db.selectFrom('referral_progress').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return {
    merchant: row?.merchant === 1n,
    baseFen: row?.base_fen ?? 0n,
    rewardCount: row?.reward_count ?? 0n,
  };
}

export async function inviteeCount(db: Db | Tx, userId: string): Promise<bigint> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .where('referrer_id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Direct invitees with how many each invited in turn, for the admin's lazy referral tree. */
export async function inviteeTree(db: Db | Tx, userId: string) {
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('referral_progress as rp', 'rp.user_id', 'u.id')
    .select([
      'u.id',
      'u.phone',
      'rp.merchant',
      (eb) =>
        eb
          .selectFrom('users as c')
          .select((e) => e.fn.countAll<bigint>().as('n'))
          .whereRef('c.referrer_id', '=', 'u.id')
          .as('inviteeCount'),
    ])
    .where('u.referrer_id', '=', userId)
    .orderBy('u.created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    phone: r.phone,
    merchant: r.merchant === 1n,
    inviteeCount: r.inviteeCount ?? 0n,
  }));
}

/** What a shopper sees of their invitations: invitees (phones masked) and where they stand in the cycle. */
export async function invitations(db: Db | Tx, userId: string) {
  const invitees = await db
    .selectFrom('users')
    .leftJoin('referral_progress', 'referral_progress.user_id', 'users.id')
    .select(['users.id', 'users.phone', 'users.created_at', 'referral_progress.merchant'])
    .where('users.referrer_id', '=', userId)
    .orderBy('users.created_at')
    .execute();
  const progress = await referralProgress(db, userId);
  const plan = (await loadPlans(db)).find((p) => p.code === 'referralCycle');
  const rates = (plan?.params.ratesBps as number[] | undefined) ?? [];
  const count = progress.rewardCount;
  return {
    invitees: invitees.map((i) => ({
      id: i.id,
      phoneMasked: maskPhone(i.phone),
      joinedAt: i.created_at,
      merchant: i.merchant === 1n,
    })),
    cycle: {
      enabled: plan?.enabled ?? false,
      merchant: progress.merchant,
      baseFen: progress.baseFen,
      rewardCount: count,
      ratesBps: rates,
      nextRateBps: rates.length === 0 ? 0 : (rates[Number(count % BigInt(rates.length))] ?? 0),
    },
  };
}
