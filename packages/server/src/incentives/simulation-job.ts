/**
 * Runs one simulation inside a worker thread, so a million-order run never blocks the server's event loop.
 * Receives the validated request as workerData, posts progress, then the summary.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SummaryCollector, generateScenario, parseScenario, runScenario, summaryToJson } from '@mall/core';
import { generateOptionsOf, type SimulationMessage, type SimulationWorkerData } from './simulations';

const { request, planModules } = workerData as SimulationWorkerData;
const post = (message: SimulationMessage): void => parentPort?.postMessage(message);

try {
  // Plans registered by modules (not in core's list) exist in this thread only once their modules are imported.
  for (const url of planModules) await import(url);
  const scenario = parseScenario(generateScenario(generateOptionsOf(request)));
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
