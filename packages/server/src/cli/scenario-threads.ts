import { ScenarioError, ScenarioRun, type PlanRuntimeOptions, type RunObserver } from '@mall/core';
import { decodeEvents } from './event-codec';
import { JsonStreamError } from './json-stream';
import { trace } from './phase-trace';
import type { ErrorMessage, ReaderMessage } from './scenario-reader';
import { READER_BATCH, startReader, takeStartedReader, type ReaderEvent } from './scenario-prestart';

/**
 * Runs a scenario file on two threads: a worker reads and checks it (scenario-reader.ts) while this thread runs the
 * engine on each batch of events as it arrives. The outcome is the one the single-threaded streamScenario run gives,
 * errors included and in the same order: malformed JSON anywhere first, then the header's problems, then the first
 * bad event (refused by the engine here, or malformed as the reader saw it, whichever comes first).
 * Resolves to undefined when the file must be read whole (a field after "events"): the caller does that.
 */
export function runFileThreaded(
  file: string,
  observer: RunObserver,
  options: PlanRuntimeOptions,
  batch = READER_BATCH,
): Promise<ScenarioRun | undefined> {
  return new Promise((resolve, reject) => {
    const reader = (batch === READER_BATCH ? takeStartedReader(file) : undefined) ?? startReader(file, batch);
    const { worker } = reader;
    worker.ref();
    let run: ScenarioRun | undefined;
    let startError: unknown;
    let refused: ScenarioError | undefined;
    let settled = false;
    let engineMs = 0;
    const finish = (outcome: () => ScenarioRun | undefined): void => {
      if (settled) return;
      settled = true;
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };
    const onMessage = (message: ReaderMessage): void => {
      switch (message.type) {
        case 'header':
          trace('header');
          try {
            run = new ScenarioRun(message.header.config, message.header.form, observer, options);
          } catch (error) {
            startError = error;
          }
          return;
        case 'events': {
          if (run === undefined || refused !== undefined) return;
          const started = run;
          const t0 = performance.now();
          if (engineMs === 0) trace('first events');
          try {
            decodeEvents(message.events, (event) => started.apply(event));
          } catch (error) {
            if (!(error instanceof ScenarioError)) {
              settled = true;
              void worker.terminate();
              reject(error);
              return;
            }
            refused = error;
          }
          engineMs += performance.now() - t0;
          return;
        }
        case 'whole':
          finish(() => undefined);
          return;
        case 'failed':
          finish(() => {
            throw toError(message.error);
          });
          return;
        case 'done':
          trace('read', `; decoding and the engine ${engineMs.toFixed(0)} ms of wall time`);
          finish(() => {
            if (startError !== undefined) throw startError;
            const error = refused ?? (message.error === undefined ? undefined : toError(message.error));
            if (error !== undefined) throw error;
            return run as ScenarioRun;
          });
          return;
        default:
      }
    };
    const onEvent = (event: ReaderEvent): void => {
      if (event.type === 'message') onMessage(event.message);
      else if (!settled) {
        settled = true;
        reject(event.type === 'error' ? event.error : new Error('the scenario reader stopped without an answer'));
      }
    };
    for (const event of reader.early) onEvent(event);
    reader.early.length = 0;
    reader.listener = onEvent;
  });
}

/** The reader's error as the single-threaded reader would have thrown it. */
function toError(error: ErrorMessage): Error {
  switch (error.kind) {
    case 'scenario': {
      const prefix = error.index === undefined ? '' : `event ${error.index}: `;
      const text = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
      return new ScenarioError(error.code, text, error.index);
    }
    case 'json':
      return new JsonStreamError(error.message);
    case 'io':
      return Object.assign(new Error(error.message), { code: error.code, syscall: 'read' });
    default:
      return new Error(`the scenario reader failed: ${error.message}`);
  }
}
