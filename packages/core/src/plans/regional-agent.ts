import { PLATFORM_REVENUE } from '../accounts';
import { formatYuan, share } from '../money';
import { definePlan, pushCreditWithId, transferIdPrefix, type PlanEnv, type PlanInstance } from '../plan';
import { bpsText } from './format';

export const REGIONAL_AGENT = 'regionalAgent';

const schema = {
  provinceBps: {
    kind: 'bps',
    default: 100,
    min: 0,
    max: 10_000,
    label: { zh: '省级代理比例（基点）', en: 'Province rate (bps)' },
  },
  cityBps: {
    kind: 'bps',
    default: 200,
    min: 0,
    max: 10_000,
    label: { zh: '市级代理比例（基点）', en: 'City rate (bps)' },
  },
  districtBps: {
    kind: 'bps',
    default: 300,
    min: 0,
    max: 10_000,
    label: { zh: '区县代理比例（基点）', en: 'District rate (bps)' },
  },
} as const;

function tiersOf(params: Readonly<Record<string, unknown>>): bigint[] {
  return [params.provinceBps, params.cityBps, params.districtBps].map((x) => BigInt(x as number));
}

function instance(env: PlanEnv, initial: readonly bigint[]): PlanInstance {
  const { campaign, directory } = env;
  let tiers = initial;
  // Id prefixes `regionalAgent:campaign:t.k:` per tier and agent place, built on first use.
  const ids: string[][] = [[], [], [], []];
  const idOf = (t: number, k: number): string => {
    const row = ids[t] as string[];
    let id = row[k];
    if (id === undefined) {
      id = transferIdPrefix(campaign, 'regionalAgent', `${t}.${k}:`);
      row[k] = id;
    }
    return id;
  };
  return {
    campaign,
    settle(order, amountFen, out) {
      const region = order.region;
      // An order without a region pays no agent.
      if (region === undefined) return;
      // The region path is walked once for all tiers (agentsOf per tier would walk it again from the top).
      directory.agentsAlong(region, (t, agents) => {
        const n = agents.length;
        if (n === 0) return;
        // Equal parts, floored; the remainder stays with the platform.
        const each = share(amountFen, tiers[t - 1] ?? 0n) / BigInt(n);
        for (let k = 0; k < n; k += 1) {
          const agent = agents[k] as number;
          pushCreditWithId(
            out,
            idOf(t, k) + order.order,
            campaign,
            'regionalAgent',
            PLATFORM_REVENUE,
            directory,
            agent,
            each,
            order.order,
          );
        }
      });
    },
    reconfigure(params) {
      tiers = tiersOf(params);
    },
    fork: (next) => instance(next, tiers),
  };
}

/**
 * 区域奖励 (SPEC 3.5): for each tier of the order's shipping region, the agents appointed to it split
 * share(A, tierBps) equally, in appointment order; the remainder stays with the platform.
 */
export const regionalAgent = definePlan({
  code: REGIONAL_AGENT,
  title: { zh: '区域代理奖励', en: 'Regional agent reward' },
  summary: {
    zh: '发往代理区域的订单结算后，省、市、区县代理按各自比例获得奖励，同区域多位代理平分。',
    en: 'Orders shipped into a region pay its province, city and district agents their tier rate; several agents of one region split it.',
  },
  highRisk: false,
  referralLevels: 0,
  params: schema,
  rewardKinds: { regionalAgent: { zh: '区域代理奖励', en: 'Regional agent reward' } },
  records: {},
  events: [],
  payoutBoundBps: (p) => BigInt(p.provinceBps + p.cityBps + p.districtBps),
  create: (params, env) => instance(env, tiersOf(params)),
  facts: () => [],
  rules(params) {
    const amount = 100_000n;
    return {
      clauses: [
        {
          zh: `订单按收货地区结算：省级代理获得 ${bpsText(params.provinceBps)}，市级代理 ${bpsText(params.cityBps)}，区县代理 ${bpsText(params.districtBps)}；同一区域有多位代理时平分，余数归平台。`,
          en: `Orders pay by shipping region: province agents ${bpsText(params.provinceBps)}, city agents ${bpsText(params.cityBps)}, district agents ${bpsText(params.districtBps)}; several agents of one region split their share equally, the remainder stays with the platform.`,
        },
      ],
      example: {
        description: {
          zh: `A 为广东省代理，B、C 为深圳市代理；D 的 ${formatYuan(amount)} 元订单发往广东深圳南山`,
          en: `A is the Guangdong agent, B and C are Shenzhen agents; D's ${formatYuan(amount)}-yuan order ships to Nanshan, Shenzhen, Guangdong`,
        },
        steps: [
          {
            label: { zh: 'D 的订单结算', en: "D's order settles" },
            events: [
              ...['A', 'B', 'C', 'D'].map((u) => ({ type: 'join' as const, user: u })),
              { type: 'appoint', user: 'A', region: ['广东'] },
              { type: 'appoint', user: 'B', region: ['广东', '深圳'] },
              { type: 'appoint', user: 'C', region: ['广东', '深圳'] },
              { type: 'settle', user: 'D', order: 'd1', amountFen: amount, region: ['广东', '深圳', '南山'] },
            ],
          },
        ],
      },
    };
  },
});
