import { Worker } from 'node:worker_threads';
import {
  PLANS,
  completeGenerateOptions,
  intDiv,
  parseEngineConfig,
  type GenerateOptions,
  type JsonValue,
} from '@mall/core';
import { fail } from '../platform/errors';
import { newId } from '../platform/ids';

/**
 * Modules that register extra plans with core's registry when imported (StartOptions.planModules,
 * MALL_PLAN_MODULES). A simulation worker is a fresh module graph, so it imports them too before it runs.
 */
let planModules: readonly string[] = [];
export function setPlanModules(urls: readonly string[]): void {
  planModules = [...urls];
}

/** What a worker is handed: the request and the plan modules to import first. */
export interface SimulationWorkerData {
  request: SimulationRequest;
  planModules: readonly string[];
}

/** A what-if run for the admin simulator: plan parameters and a synthetic flow (SPEC 4's generator). */
export interface SimulationRequest {
  plans: Record<string, unknown>;
  generate: {
    orders: number;
    amountFen: number;
    fanout: number;
    seed: number;
    repeatBps: number;
    redeemBps: number;
    redeemUnits: number;
    /** Member level thresholds (plans with per-level parameters get three levels when none are given). */
    levelsFen?: number[];
    setLevelBps?: number;
    regions?: { provinces: number; cities: number; districts: number };
    agents?: number;
    /** A periodClose after every this many orders (cashback installments, dividends). */
    periodOrders?: number;
  };
}

/** The generator's options for a request, completed from the registry (levels and per-level lists left out). */
export function generateOptionsOf(request: SimulationRequest): GenerateOptions {
  const g = request.generate;
  return completeGenerateOptions(
    {
      orders: g.orders,
      amountsFen: [g.amountFen],
      fanout: g.fanout,
      repeatBps: g.repeatBps,
      redeemBps: g.redeemBps,
      redeemUnits: g.redeemUnits,
      seed: g.seed,
      plans: request.plans,
      ...(g.levelsFen === undefined ? {} : { levelsFen: g.levelsFen }),
      ...(g.setLevelBps === undefined ? {} : { setLevelBps: g.setLevelBps }),
      ...(g.regions === undefined ? {} : { regions: g.regions }),
      ...(g.agents === undefined ? {} : { agents: g.agents }),
      ...(g.periodOrders === undefined ? {} : { periodOrders: g.periodOrders }),
    },
    new Map(PLANS.map((p) => [p.code, p.params])),
  );
}

export type SimulationMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; summary: JsonValue }
  | { type: 'failed'; message: string };

interface Job {
  id: string;
  status: 'running' | 'done' | 'failed';
  /** Permille of events processed. */
  progressPermille: number;
  summary: JsonValue | null;
  error: string | null;
  createdAt: number;
}

export const MAX_SIMULATION_ORDERS = 1_000_000;
/** Two cores here: one simulation at a time per process leaves the other for the mall itself. */
const MAX_RUNNING = 1;
const KEEP_JOBS = 50;
const KEEP_MS = 60 * 60 * 1000;

const jobs = new Map<string, Job>();

function prune(now: number): void {
  for (const [id, job] of jobs) {
    if (job.status !== 'running' && (now - job.createdAt > KEEP_MS || jobs.size > KEEP_JOBS)) jobs.delete(id);
  }
}

/** Validates plan parameters like a scenario file does; a refused configuration starts nothing. */
export function startSimulation(request: SimulationRequest, now = Date.now()): string {
  const options = generateOptionsOf(request);
  const levels = (options.levelsFen ?? []).map((fen, i) => ({ code: `L${i + 1}`, minSpendFen: BigInt(fen) }));
  const parsed = parseEngineConfig(options.plans, levels);
  if (!parsed.ok) fail('invalid_parameter', parsed.problems.map((p) => p.message).join('; '));
  if ([...jobs.values()].filter((j) => j.status === 'running').length >= MAX_RUNNING) fail('simulation_busy');
  prune(now);
  const job: Job = {
    id: newId('sim'),
    status: 'running',
    progressPermille: 0,
    summary: null,
    error: null,
    createdAt: now,
  };
  jobs.set(job.id, job);
  const workerData: SimulationWorkerData = { request, planModules };
  const worker = new Worker(new URL('./simulation-worker.mjs', import.meta.url), { workerData });
  // A simulation never keeps the server alive on shutdown.
  worker.unref();
  worker.on('message', (message: SimulationMessage) => {
    if (message.type === 'progress') {
      job.progressPermille = message.total === 0 ? 1000 : intDiv(message.done * 1000, message.total);
    } else if (message.type === 'done') {
      job.status = 'done';
      job.progressPermille = 1000;
      job.summary = message.summary;
    } else {
      job.status = 'failed';
      job.error = message.message;
    }
  });
  worker.on('error', (error) => {
    job.status = 'failed';
    job.error = error.message;
  });
  worker.on('exit', (code) => {
    if (job.status === 'running') {
      job.status = 'failed';
      job.error = `simulation stopped (exit ${code})`;
    }
  });
  return job.id;
}

export function simulationView(id: string): {
  id: string;
  status: Job['status'];
  progress: number;
  summary: JsonValue | null;
  series: JsonValue;
  error: string | null;
} {
  const job = jobs.get(id);
  if (job === undefined) fail('simulation_not_found');
  const summary = job.summary as { checkpoints?: JsonValue } | null;
  return {
    id: job.id,
    status: job.status,
    // A display fraction for the progress bar, from an integer permille.
    progress: job.progressPermille / 1000,
    summary: job.summary,
    series: summary?.checkpoints ?? [],
    error: job.error,
  };
}
