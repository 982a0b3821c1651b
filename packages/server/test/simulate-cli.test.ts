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
});
