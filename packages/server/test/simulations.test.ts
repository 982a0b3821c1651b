import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, staffToken, type TestServer } from './helpers';

interface SimulationAnswer {
  status: 'running' | 'done' | 'failed';
  progress: number;
  summary: Record<string, number | unknown[]> | null;
  series: { orders: number; cashFen: number; supplyUnits: number; exitCount: number }[];
  error: string | null;
}

// The simulator keeps no state in the database, so one backend is enough.
const backend = backends()[0];

describe('admin simulator (worker thread)', () => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await (backend as NonNullable<typeof backend>).start({ authRateLimitPerMinute: 1000 });
    token = await staffToken(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function waitFor(id: string): Promise<SimulationAnswer> {
    for (let i = 0; i < 600; i += 1) {
      const answer = await t.api('GET', `/api/admin/simulations/${id}`, { token });
      expect(answer.status).toBe(200);
      const sim = answer.body as unknown as SimulationAnswer;
      if (sim.status !== 'running') return sim;
      expect(sim.progress).toBeGreaterThanOrEqual(0);
      expect(sim.progress).toBeLessThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('simulation did not finish in 30 s');
  }

  it('runs the plans over a synthetic flow and reports the summary and price path', async () => {
    const start = await t.api('POST', '/api/admin/simulations', {
      token,
      body: {
        plans: { referralCycle: {}, appreciationPool: {} },
        generate: { orders: 1000, amountFen: 100_000, fanout: 3, seed: 1 },
      },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    const sim = await waitFor(start.body.id as string);
    expect(sim.status).toBe('done');
    expect(sim.progress).toBe(1);
    // Same numbers as `mall simulate --generate --orders 1000 --summary`: 333 full cycles, one exit of 1600 yuan.
    expect(sim.summary).toMatchObject({
      orders: 1000,
      revenueFen: 100_000_000,
      referralPaidFen: 33_300_000,
      exitCount: 1,
      exitPaidFen: 160_000,
      cashFen: 30_000_000 - 160_000,
    });
    expect(sim.series.length).toBeGreaterThan(10);
    const last = sim.series[sim.series.length - 1];
    expect(last?.orders).toBe(1000);
    // The price path never falls: cash/supply compared by cross-multiplying.
    for (let i = 1; i < sim.series.length; i += 1) {
      const a = sim.series[i - 1] as SimulationAnswer['series'][number];
      const b = sim.series[i] as SimulationAnswer['series'][number];
      expect(BigInt(b.cashFen) * BigInt(a.supplyUnits)).toBeGreaterThanOrEqual(
        BigInt(a.cashFen) * BigInt(b.supplyUnits),
      );
    }
  });

  it('refuses bad parameters with 422 and starts nothing, and bad flows with 400', async () => {
    const badPlan = await t.api('POST', '/api/admin/simulations', {
      token,
      body: { plans: { appreciationPool: { poolShareBps: 20_000 } }, generate: { orders: 10, amountFen: 100 } },
    });
    expect(badPlan.status).toBe(422);
    expect(badPlan.body.error?.code).toBe('invalid_parameter');
    expect(badPlan.body.error?.message).toMatch(/poolShareBps/);
    const unknownPlan = await t.api('POST', '/api/admin/simulations', {
      token,
      body: { plans: { pyramid: {} }, generate: { orders: 10, amountFen: 100 } },
    });
    expect(unknownPlan.status).toBe(422);
    const tooMany = await t.api('POST', '/api/admin/simulations', {
      token,
      body: { plans: {}, generate: { orders: 10_000_001, amountFen: 100 } },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error?.code).toBe('invalid_request');
    const missing = await t.api('GET', '/api/admin/simulations/sim_nope', { token });
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('simulation_not_found');
  });
});
