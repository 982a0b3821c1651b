import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const bin = join(root, 'packages/server/bin/mall.js');

function mall(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function scenarioFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'mall-sim-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

interface Result {
  pool: { cashFen: number; supplyUnits: number };
  positions: {
    order: string;
    user: string;
    units: number;
    capFen: number;
    realizedFen: number;
    paidFen: number;
    status: string;
  }[];
  wallets: Record<string, number>;
  rewards: { kind: string; user: string; order: string; amountFen: number }[];
}

describe('mall simulate', () => {
  it('reproduces the SPEC worked example from examples/seed.json', () => {
    const run = mall(['simulate', '--scenario', 'examples/seed.json']);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as Result;
    const cycle = result.rewards.filter((r) => r.kind === 'referralCycle' && r.user === 'A').map((r) => r.amountFen);
    // B, C, D pay 100, 200, 700 yuan; E, F, G repeat the cycle.
    expect(cycle.slice(0, 6)).toEqual([10_000, 20_000, 70_000, 10_000, 20_000, 70_000]);
    const units = Object.fromEntries(result.positions.slice(0, 4).map((p) => [p.user, p.units]));
    expect(units.B).toBe(147_000_000);
    expect(units.C).toBe(124_950_000);
    expect(units.D).toBe(112_455_000);
    const a = result.positions[0];
    expect(a).toMatchObject({
      order: 'a1',
      user: 'A',
      units: 0,
      capFen: 200_000,
      realizedFen: 200_000,
      paidFen: 160_000,
      status: 'exited',
    });
    const exits = result.rewards.filter((r) => r.kind === 'appreciationExit');
    expect(exits).toEqual([{ kind: 'appreciationExit', user: 'A', order: 'a1', amountFen: 160_000 }]);
    // The file stops at the settlement that makes A exit: 768 orders put 30% of 768,000 yuan in; 1,600 came out.
    expect(result.pool.cashFen).toBe(768 * 30_000 - 160_000);
  });

  it('prints byte-identical output for the same input', () => {
    const first = mall(['simulate', '--scenario', 'examples/pool-redeem.json']);
    const second = mall(['simulate', '--scenario', 'examples/pool-redeem.json']);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(second.stdout);
  });

  it('reads the scenario from standard input with --scenario -', () => {
    const run = mall(
      ['simulate', '--scenario', '-'],
      JSON.stringify({ plans: {}, events: [{ type: 'join', user: 'A' }] }),
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      pool: { cashFen: 0, supplyUnits: 0 },
      positions: [],
      wallets: {},
      rewards: [],
    });
  });

  it('prints the same result whether the fields come before or after the events, from a file or standard input', () => {
    const events = [
      { type: 'join', user: 'A' },
      { type: 'join', user: 'B', referrer: 'A' },
      { type: 'settle', user: 'A', order: 'a1', amountFen: 100000 },
      { type: 'settle', user: 'B', order: 'b1', amountFen: 100000 },
    ];
    const plans = { referralCycle: {}, appreciationPool: {} };
    const first = JSON.stringify({ plans, events });
    // The events first: the reader cannot run them as they come and reads the text again (standard input: kept).
    const last = JSON.stringify({ events, plans });
    const runs = [
      mall(['simulate', '--scenario', scenarioFile(first)]),
      mall(['simulate', '--scenario', scenarioFile(last)]),
      mall(['simulate', '--scenario', '-'], first),
      mall(['simulate', '--scenario', '-'], last),
    ];
    for (const run of runs) expect(run.status, run.stderr).toBe(0);
    const rewards = (JSON.parse(runs[0]?.stdout ?? '{}') as Result).rewards;
    expect(rewards.length).toBeGreaterThan(0);
    for (const run of runs) expect(run.stdout).toBe(runs[0]?.stdout);
    const refused = mall(['simulate', '--scenario', '-'], JSON.stringify({ events, plans, extra: 1 }));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/unknown top-level field extra/);
  });

  it.each([
    ['malformed JSON', '{"plans": {', /malformed JSON/],
    [
      'an unknown event type',
      {
        plans: {},
        events: [
          { type: 'join', user: 'A' },
          { type: 'refund', user: 'A' },
        ],
      },
      /event 1: unknown event type "refund"/,
    ],
    [
      'an unknown user',
      { plans: {}, events: [{ type: 'settle', user: 'Z', order: 'o1', amountFen: 1 }] },
      /event 0: unknown user Z/,
    ],
    [
      'an unknown referrer',
      { plans: {}, events: [{ type: 'join', user: 'A', referrer: 'Q' }] },
      /event 0: unknown referrer Q/,
    ],
    [
      'a self-referral loop',
      { plans: {}, events: [{ type: 'join', user: 'A', referrer: 'A' }] },
      /event 0: user A cannot invite themselves/,
    ],
    [
      'a duplicate order id',
      {
        plans: {},
        events: [
          { type: 'join', user: 'A' },
          { type: 'settle', user: 'A', order: 'o1', amountFen: 1 },
          { type: 'settle', user: 'A', order: 'o1', amountFen: 1 },
        ],
      },
      /event 2: order o1 already settled/,
    ],
    [
      'a negative amount',
      {
        plans: {},
        events: [
          { type: 'join', user: 'A' },
          { type: 'settle', user: 'A', order: 'o1', amountFen: -5 },
        ],
      },
      /event 1: amountFen must be non-negative/,
    ],
    [
      'a fractional amount',
      {
        plans: {},
        events: [
          { type: 'join', user: 'A' },
          { type: 'settle', user: 'A', order: 'o1', amountFen: 1.5 },
        ],
      },
      /event 1: amountFen must be an integer/,
    ],
    ['an unknown plan', { plans: { pyramid: {} }, events: [] }, /unknown plan pyramid/],
    ['an unknown parameter', { plans: { referralCycle: { rate: 1 } }, events: [] }, /unknown parameter rate/],
    [
      'a parameter out of range',
      { plans: { appreciationPool: { poolShareBps: 12_000 } }, events: [] },
      /poolShareBps must be between 0 and 10000/,
    ],
  ])('exits 2 naming the problem for %s, printing nothing on stdout', (_name, content, message) => {
    const run = mall(['simulate', '--scenario', scenarioFile(content)]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('exits 2 for a missing file and for bad generator options', () => {
    const missing = mall(['simulate', '--scenario', '/nonexistent/scenario.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read scenario/);
    const badOrders = mall(['simulate', '--generate', '--orders', 'many']);
    expect(badOrders.status).toBe(2);
    expect(badOrders.stderr).toMatch(/--orders must be a whole number/);
    const badParam = mall(['simulate', '--generate', '--set', 'appreciationPool.exitMultipleBps=0']);
    expect(badParam.status).toBe(2);
    expect(badParam.stderr).toMatch(/exitMultipleBps must be between/);
    expect(badParam.stdout).toBe('');
  });

  it('generates the same scenario for the same seed and a different one for another seed', () => {
    const args = [
      'simulate',
      '--generate',
      '--orders',
      '50',
      '--fanout',
      '2',
      '--repeat-bps',
      '3000',
      '--emit-scenario',
    ];
    const a = mall([...args, '--seed', '7']);
    const b = mall([...args, '--seed', '7']);
    const c = mall([...args, '--seed', '8']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
    const scenario = JSON.parse(a.stdout) as { events: { type: string }[] };
    expect(scenario.events.filter((e) => e.type === 'settle')).toHaveLength(50);
  });

  it('prints a summary table with revenue, payouts, the pool and the price path', () => {
    const run = mall(['simulate', '--generate', '--orders', '1000', '--summary']);
    expect(run.status).toBe(0);
    // 1000 gift packs of 1000 yuan with fan-out 3: 333 full referral cycles of 1000 yuan, one exit of 1600 yuan.
    expect(run.stdout).toMatch(/Revenue \(¥\)\s+1,000,000\.00/);
    expect(run.stdout).toMatch(/Referral-cycle reward \(¥\)\s+333,000\.00\s+33\.30%/);
    expect(run.stdout).toMatch(/Pool exit payout \(¥\)\s+1,600\.00/);
    expect(run.stdout).toMatch(/Price path/);
  });

  it('reproduces the mode-library example to the fen (examples/mode-library.json, worked in docs/scenario.md)', () => {
    const run = mall(['simulate', '--scenario', 'examples/mode-library.json']);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as Result & {
      queue: { order: string; remainingFen: number }[];
      cashback: { order: string; remainingFen: number; installmentsLeft: number }[];
      dividendPool: { cashFen: number };
    };
    // b1: promotion 13,000 to A, differential 10,400 to A, agent G 2,600, cashback 500 (1 of 3), queue 20,000 to a1
    expect(result.rewards.slice(0, 5).map((r) => [r.kind, r.user, r.order, r.amountFen])).toEqual([
      ['promotionCommission', 'A', 'b1', 13000],
      ['levelDifferential', 'A', 'b1', 10400],
      ['regionalAgent', 'G', 'b1', 2600],
      ['cashback', 'B', 'b1', 500],
      ['queueRebate', 'A', 'a1', 20000],
    ]);
    // first close: D = 6,600 over W = 6 (A at V2 weighs 3): 3,300 and 1,100 each, in join order
    const dividends = result.rewards.filter((r) => r.kind === 'dividend').map((r) => [r.user, r.amountFen]);
    expect(dividends.slice(0, 4)).toEqual([
      ['A', 3300],
      ['B', 1100],
      ['C', 1100],
      ['G', 1100],
    ]);
    expect(result.queue.map((q) => [q.order, q.remainingFen])).toEqual([
      ['a1', 60000],
      ['b1', 100000],
      ['c1', 100000],
    ]);
    expect(result.cashback).toEqual([{ order: 'c2', user: 'C', remainingFen: 500, installmentsLeft: 1 }]);
    expect(result.dividendPool).toEqual({ cashFen: 0 });
  });

  it('runs the campaigns form: two cycles and two pools side by side, a new version mid-way', () => {
    const run = mall(['simulate', '--scenario', 'examples/campaigns.json']);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as {
      campaigns: Record<string, { version: number; pool?: { cashFen: number } }>;
      rewards: { campaign: string; version: number; amountFen: number }[];
    };
    expect(result.rewards.map((r) => [r.campaign, r.version, r.amountFen])).toEqual([
      ['gift-cycle', 1, 10000],
      ['gift-cycle', 2, 30000],
      ['tea-cycle', 1, 500],
      ['tea-pool', 1, 56],
    ]);
    expect(result.campaigns['gift-pool']?.pool?.cashFen).toBe(60000);
    expect(result.campaigns['tea-pool']?.pool?.cashFen).toBe(2944);
  });

  it('generates every plan with levels, regions, agents and periods, and sets the payout against the margin', () => {
    const run = mall([
      'simulate',
      '--generate',
      '--plans',
      'all',
      '--orders',
      '3000',
      '--regions',
      '4,3,3',
      '--agents',
      '30',
      '--period-orders',
      '500',
      '--set',
      'dividendPool.basis=ranking',
      '--summary',
      '--margin-bps',
      '4000',
    ]);
    expect(run.status, run.stderr).toBe(0);
    for (const label of [
      'Referral-cycle reward',
      'Promotion commission',
      'Level differential',
      'Regional agent reward',
      'Cashback',
      'Queue rebate',
      'Dividend',
      'Pool exit payout',
    ]) {
      expect(run.stdout).toMatch(new RegExp(`${label} \\(¥\\)\\s+[\\d,]+\\.\\d\\d\\s+\\d+\\.\\d\\d%`));
    }
    expect(run.stdout).toMatch(/Margin \(¥, 40\.00%\)\s+1,200,000\.00\s+超出 EXCEEDS margin/);
    expect(run.stdout).toMatch(/queueRebate: 排队人数 Queue length/);
    const emitted = mall([
      'simulate',
      '--generate',
      '--plans',
      'all',
      '--orders',
      '50',
      '--regions',
      '2,2,2',
      '--agents',
      '3',
      '--period-orders',
      '10',
      '--emit-scenario',
    ]);
    const scenario = JSON.parse(emitted.stdout) as { levels: unknown[]; events: { type: string }[] };
    expect(scenario.levels).toHaveLength(3);
    for (const type of ['appoint', 'periodClose', 'settle'])
      expect(scenario.events.some((e) => e.type === type)).toBe(true);
  });

  it('exits 2 naming the event for bad mode-library input, and for bad new options', () => {
    const lines = mall([
      'simulate',
      '--scenario',
      scenarioFile({
        plans: { cashback: {} },
        events: [
          { type: 'join', user: 'A' },
          { type: 'settle', user: 'A', order: 'a1', amountFen: 100, lines: [{ product: 'p', amountFen: 90 }] },
        ],
      }),
    ]);
    expect([lines.status, lines.stdout]).toEqual([2, '']);
    expect(lines.stderr).toMatch(/event 1: lines add up to 90, not to amountFen 100/);
    const levels = mall([
      'simulate',
      '--scenario',
      scenarioFile({ plans: { levelDifferential: { ratesBps: [1] } }, events: [] }),
    ]);
    expect(levels.status).toBe(2);
    expect(levels.stderr).toMatch(/needs member levels/);
    expect(mall(['simulate', '--generate', '--margin-bps', '4000']).status).toBe(2);
    expect(mall(['simulate', '--generate', '--scope', 'cashback=p1']).stderr).toMatch(/plan cashback is not enabled/);
    expect(mall(['simulate', '--generate', '--regions', '0,1,1']).status).toBe(2);
  });
});
