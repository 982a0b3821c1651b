import cluster from 'node:cluster';
import { AggregatorRegistry, Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What this process counts for Prometheus (prom-client): request latency per route, checkouts, payments by channel
 * and outcome, and Node's own process metrics. Counted once per process, so one registry per process; the figures
 * that live in the database (settlement lag, pools, withdrawals waiting) are read at scrape time instead
 * (incentives/gauges.ts), once per scrape, by whichever process answers it.
 *
 * Under `mall start --workers N` each worker counts its own share; the worker that answers a scrape asks the cluster
 * primary, which collects every worker's registry and sums them (prom-client's AggregatorRegistry).
 */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry });

const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by route pattern (unmatched paths share one label), method and status code',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [processRegistry],
});

const checkouts = new Counter({
  name: 'mall_checkouts_total',
  help: 'Orders created (an idempotent replay of the same request is not counted again)',
  registers: [processRegistry],
});

const payments = new Counter({
  name: 'mall_payments_total',
  help: 'Payment events by channel and outcome: applied, duplicate, refunded_late (money for an order that closed), wallet_paid, or the refusal code',
  labelNames: ['channel', 'outcome'],
  registers: [processRegistry],
});

const pendingQuotes = new Counter({
  name: 'mall_pending_quotes_total',
  help: 'Pending-wallet quotes by how they were answered: forked (the engine was forked to settle the open orders) or cached (the quote of the same engine state was reused)',
  labelNames: ['outcome'],
  registers: [processRegistry],
});

export function countPendingQuote(outcome: 'forked' | 'cached'): void {
  pendingQuotes.inc({ outcome });
}

export function observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
  httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
}

export function countCheckout(): void {
  checkouts.inc();
}

export function countPayment(channel: string, outcome: string): void {
  payments.inc({ channel, outcome });
}

interface MetricsAnswer {
  type: 'mall:metrics';
  id: number;
  text?: string;
  error?: string;
}

const pending = new Map<number, (answer: MetricsAnswer) => void>();
let nextId = 0;

if (cluster.isWorker) {
  // Constructing it in a worker makes prom-client answer the primary's requests for this worker's registry.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([processRegistry]);
  process.on('message', (message: unknown) => {
    const answer = message as Partial<MetricsAnswer> | null;
    if (answer?.type !== 'mall:metrics' || typeof answer.id !== 'number') return;
    pending.get(answer.id)?.(answer as MetricsAnswer);
    pending.delete(answer.id);
  });
}

/** This process's counters, or, in a cluster worker, every worker's summed by the primary. */
export async function processMetricsText(): Promise<string> {
  if (!cluster.isWorker || process.send === undefined) return processRegistry.metrics();
  const id = (nextId += 1);
  const answer = await new Promise<MetricsAnswer>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error('the cluster primary did not answer with the metrics'));
    }, 5_000);
    pending.set(id, (value) => {
      clearTimeout(timer);
      resolve(value);
    });
    process.send?.({ type: 'mall:metrics?', id });
  });
  if (answer.error !== undefined || answer.text === undefined) throw new Error(answer.error ?? 'no metrics');
  return answer.text;
}

/** The primary's side: answers a worker's `mall:metrics?` with every worker's registry, summed. */
export function clusterMetricsResponder(): (worker: { send(message: unknown): unknown }, message: unknown) => void {
  const aggregator = new AggregatorRegistry();
  return (worker, message) => {
    const ask = message as { type?: unknown; id?: unknown } | null;
    if (ask?.type !== 'mall:metrics?' || typeof ask.id !== 'number') return;
    const id = ask.id;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: 'mall:metrics', id, text } satisfies MetricsAnswer),
      (error: unknown) => worker.send({ type: 'mall:metrics', id, error: String(error) } satisfies MetricsAnswer),
    );
  };
}

export const METRICS_CONTENT_TYPE = processRegistry.contentType;
