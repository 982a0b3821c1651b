import { REFERRAL_CYCLE, memberFromRecord, nextReferralRateBps, type ReferralMember } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { fail } from '../platform/errors';
import { maskPhone } from '../platform/identity/shoppers';
import { loadCampaigns, type Campaign } from './campaigns';
import { loadRecords } from './plan-records';

/**
 * The invitation graph and each shopper's progress in the referral-cycle campaigns (the cycle's page). Progress is
 * the `member` record each cycle campaign keeps, read through core's helper; the next rate is core's quote.
 */
const MEMBER_RECORD = 'member';

export async function referralCampaigns(db: Db | Tx): Promise<Campaign[]> {
  return (await loadCampaigns(db)).filter((c) => c.plan === REFERRAL_CYCLE);
}

async function membersOf(db: Db | Tx, users: readonly string[], campaigns: readonly string[]) {
  const records = await loadRecords(db, { campaigns, users, kind: MEMBER_RECORD });
  return records.flatMap((r) => {
    const member = memberFromRecord(r);
    return member === undefined ? [] : [member];
  });
}

/** Shoppers who are consumer-merchants (消费商) in at least one referral-cycle campaign. */
export async function merchantUsers(db: Db | Tx, users: readonly string[]): Promise<Set<string>> {
  const campaigns = (await referralCampaigns(db)).map((c) => c.id);
  return new Set((await membersOf(db, users, campaigns)).filter((m) => m.merchant).map((m) => m.user));
}

export interface CycleProgress extends ReferralMember {
  campaign: string;
  name: string;
  status: string;
  ratesBps: number[];
  nextRateBps: number;
}

/** The shopper's place in each referral-cycle campaign (or one), in creation order. */
export async function referralProgress(db: Db | Tx, userId: string, campaign?: string): Promise<CycleProgress[]> {
  const campaigns = (await referralCampaigns(db)).filter((c) => campaign === undefined || c.id === campaign);
  if (campaign !== undefined && campaigns.length === 0) fail('campaign_not_found', campaign);
  const members = new Map(
    (
      await membersOf(
        db,
        [userId],
        campaigns.map((c) => c.id),
      )
    ).map((m) => [m.campaign, m]),
  );
  return campaigns.map((c) => {
    const member = members.get(c.id) ?? { merchant: false, baseFen: 0n, rewardCount: 0 };
    const ratesBps = (c.params.ratesBps as number[] | undefined) ?? [];
    return {
      campaign: c.id,
      name: c.name,
      status: c.status,
      merchant: member.merchant,
      baseFen: member.baseFen,
      rewardCount: member.rewardCount,
      ratesBps,
      nextRateBps: nextReferralRateBps(ratesBps, member.rewardCount),
    };
  });
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
    .select([
      'u.id',
      'u.phone',
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
  const merchants = await merchantUsers(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    phone: r.phone,
    merchant: merchants.has(r.id),
    inviteeCount: r.inviteeCount ?? 0n,
  }));
}

/** What a shopper sees of their invitations: invitees (phones masked) and where they stand in each cycle. */
export async function invitations(db: Db | Tx, userId: string, campaign?: string) {
  const invitees = await db
    .selectFrom('users')
    .select(['id', 'phone', 'created_at'])
    .where('referrer_id', '=', userId)
    .orderBy('created_at')
    .execute();
  const merchants = await merchantUsers(
    db,
    invitees.map((i) => i.id),
  );
  return {
    invitees: invitees.map((i) => ({
      id: i.id,
      phoneMasked: maskPhone(i.phone),
      joinedAt: i.created_at,
      merchant: merchants.has(i.id),
    })),
    cycles: await referralProgress(db, userId, campaign),
  };
}
