import type { Engine } from '@mall/core';
import type { Tx } from '../platform/db/database';
import { nowIso } from '../platform/clock';
import { registerUser } from '../platform/identity/shoppers';
import type { EffectBatch } from '../incentives/incentive-log';
import { createCampaignIn, setCampaignStatusIn } from '../incentives/campaign-commands';
import { appointAgentIn } from '../incentives/agents';

/**
 * The demo's ordinary-goods side (issue 9): member levels 普通/银卡/金卡, and on every product but the gift pack a
 * two-level 10%/5% promotion commission, 5% cashback in three installments, a 级差 campaign over the levels and a
 * regional agent reward, with demo agents for 广东省 / 深圳市 / 南山区.
 */
export const DEMO_LEVELS = [
  { code: 'normal', name: '普通', minSpendFen: 0n },
  { code: 'silver', name: '银卡', minSpendFen: 100_000n },
  { code: 'gold', name: '金卡', minSpendFen: 500_000n },
] as const;

/** Written before the campaigns, in its own transaction: the engine that validates them is built on the ladder. */
export async function seedLevels(trx: Tx): Promise<void> {
  const existing = await trx.selectFrom('member_levels').select('code').limit(1).execute();
  if (existing.length > 0) return;
  const at = nowIso();
  for (const [rank, l] of DEMO_LEVELS.entries()) {
    await trx
      .insertInto('member_levels')
      .values({
        code: l.code,
        name: l.name,
        rank: BigInt(rank),
        min_spend_fen: l.minSpendFen,
        created_at: at,
        updated_at: at,
      })
      .execute();
  }
}

const MODE_CAMPAIGNS = [
  {
    id: 'promotion',
    plan: 'promotionCommission',
    name: '推广奖励 10%/5% Promotion commission',
    params: { level1Bps: 1000, level2Bps: 500 },
  },
  { id: 'cashback', plan: 'cashback', name: '消费返利 5% 分三期 Cashback', params: { rateBps: 500, installments: 3 } },
  {
    id: 'levelDifferential',
    plan: 'levelDifferential',
    name: '会员级差 Level differential',
    params: { ratesBps: [0, 200, 400] },
  },
  { id: 'regionalAgent', plan: 'regionalAgent', name: '区域代理奖励 Regional agents', params: {} },
] as const;

const AGENTS = [
  { phone: '18800000001', region: ['广东省'] },
  { phone: '18800000002', region: ['广东省', '深圳市'] },
  { phone: '18800000003', region: ['广东省', '深圳市', '南山区'] },
] as const;

export async function seedModes(trx: Tx, batch: EffectBatch, engine: Engine, ordinaryProducts: string[]) {
  for (const c of MODE_CAMPAIGNS) {
    await createCampaignIn(trx, batch, engine, { ...c, scope: { products: ordinaryProducts } }, 'seed');
    await setCampaignStatusIn(trx, c.id, 'active', false, 'seed');
  }
  const at = nowIso();
  for (const a of AGENTS) {
    const user = await registerUser(trx, { phone: a.phone, passwordHash: null });
    await appointAgentIn(trx, batch, engine, user.id, a.region, 'seed', at);
  }
}
