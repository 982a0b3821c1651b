/**
 * Runs one simulation inside a worker thread, so a million-order run never blocks the server's event loop.
 * Receives the validated request as workerData, posts progress, then the summary.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SummaryCollector, generateScenario, parseScenario, runScenario, summaryToJson } from '@mall/core';
import type { SimulationRequest, SimulationMessage } from './simulations';

const request = workerData as SimulationRequest;
const post = (message: SimulationMessage): void => parentPort?.postMessage(message);

try {
  const scenario = parseScenario(
    generateScenario({
      orders: request.generate.orders,
      amountsFen: [request.generate.amountFen],
      fanout: request.generate.fanout,
      repeatBps: request.generate.repeatBps,
      redeemBps: request.generate.redeemBps,
      redeemUnits: request.generate.redeemUnits,
      seed: request.generate.seed,
      plans: request.plans,
    }),
  );
  const total = scenario.events.length;
  const collector = new SummaryCollector(total, 100);
  const step = Math.max(1, total >> 6);
  const { engine } = runScenario(scenario, {
    onEvent(index, event, effects, engine) {
      collector.onEvent(index, event, effects, engine);
      if (index % step === 0) post({ type: 'progress', done: index, total });
    },
  });
  post({ type: 'done', summary: summaryToJson(collector.result(engine)) });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
