import { APPRECIATION_POOL, Engine, findPlan, parseEngineConfig, type AppreciationPoolInstance } from '@mall/core';
import type { Db } from '../platform/db/database';
import { loadPlans } from './plans';
import { poolView } from './pool';

/** The rules page: enabled plans with their live parameters, the pool, and SPEC 3's example recomputed. */
export async function rulesView(db: Db) {
  const plans = (await loadPlans(db)).filter((p) => p.enabled);
  return {
    plans: plans.map((p) => {
      const definition = findPlan(p.code);
      return { code: p.code, title: definition?.title, summary: definition?.summary, params: p.params };
    }),
    pool: await poolView(db),
    example: workedExample(plans.map((p) => [p.code, p.params] as const)),
  };
}

/** SPEC 3's worked example recomputed with today's parameters: A buys, then B, C, D invited by A buy the same. */
function workedExample(plans: readonly (readonly [string, Record<string, unknown>])[]) {
  const parsed = parseEngineConfig(Object.fromEntries(plans));
  if (!parsed.ok) return null;
  const engine = new Engine(parsed.config);
  const amountFen = 100_000n;
  engine.apply({ type: 'join', user: 'A' });
  const steps = [];
  for (const user of ['A', 'B', 'C', 'D']) {
    if (user !== 'A') engine.apply({ type: 'join', user, referrer: 'A' });
    const effects = engine.apply({ type: 'settle', user, order: `${user}1`, amountFen });
    const pool = engine.campaign(APPRECIATION_POOL) as AppreciationPoolInstance | undefined;
    steps.push({
      buyer: user,
      amountFen,
      rewards: effects
        .filter((e) => e.type === 'transfer' && e.to.startsWith('user:'))
        .map((e) => (e.type === 'transfer' ? { user: e.user, reason: e.reason, amountFen: e.amountFen } : null)),
      pool: pool === undefined ? null : { cashFen: pool.state.cashFen, supplyUnits: pool.state.supplyUnits },
    });
  }
  return {
    description: 'A 购买礼包后邀请 B、C、D 各购买一次 / A buys, then B, C, D invited by A each buy once',
    steps,
  };
}
