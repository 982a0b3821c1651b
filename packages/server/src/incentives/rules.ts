import { APPRECIATION_POOL, projectPool, rulesPage, type PoolProjection, type RulesSection } from '@mall/core';
import type { Db } from '../platform/db/database';
import { nowIso } from '../platform/clock';
import { fail } from '../platform/errors';
import type { Sequencer } from './incentive-log';
import { inWindow, loadCampaigns, type Campaign } from './campaigns';

/**
 * The shopper-facing rules page (SPEC 3.4): core's rules sections of the live campaigns, with their parameters as
 * they are now and a worked example the engine computes from today's state (on a fork), and for each pool campaign
 * core's projection (orders of today's average size until a position bought now, and the oldest open one, exits).
 * The page is public, so its answer is kept until the log moves (a new event, a new version) instead of forking the
 * engine on every request.
 */
const caches = new WeakMap<
  Sequencer,
  { key: string; sections: RulesSection[]; projections: Map<string, PoolProjection> }
>();

/** Orders the projection tries at most; beyond it the page says "more than this many" (keeps a request short). */
export const PROJECTION_HORIZON = 20_000;

function campaignMeta(c: Campaign) {
  return { name: c.name, status: c.status, scope: c.scope, startsAt: c.startsAt, endsAt: c.endsAt };
}

/** Live campaigns (active, in their window now), or the one asked for by id. */
export async function rulesView(db: Db, sequencer: Sequencer, campaign?: string) {
  const now = nowIso();
  const all = await loadCampaigns(db);
  const shown =
    campaign === undefined
      ? all.filter((c) => c.status === 'active' && inWindow(c, now))
      : all.filter((c) => c.id === campaign);
  if (campaign !== undefined && shown.length === 0) fail('campaign_not_found', campaign);
  const ids = shown.map((c) => c.id);
  const sections = await sequencer.snapshot((engine) => {
    const key = `${engine.seq}:${ids.join(',')}`;
    const cached = caches.get(sequencer);
    if (cached?.key === key) return cached;
    const projections = new Map<string, PoolProjection>();
    for (const c of shown) {
      if (c.plan !== APPRECIATION_POOL) continue;
      const projection = projectPool(engine, c.id, { horizon: PROJECTION_HORIZON });
      if (projection !== undefined) projections.set(c.id, projection);
    }
    const fresh = { key, sections: rulesPage(engine, ids), projections };
    caches.set(sequencer, fresh);
    return fresh;
  });
  const meta = new Map(shown.map((c) => [c.id, campaignMeta(c)]));
  return {
    sections: sections.sections.map((s) => ({
      ...s,
      ...(s.campaign === null ? {} : meta.get(s.campaign)),
      projection: (s.campaign === null ? undefined : sections.projections.get(s.campaign)) ?? null,
    })),
  };
}
