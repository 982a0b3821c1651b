/**
 * The reading half of `mall simulate --scenario FILE`, run in a worker thread (scenario-threads.ts starts it): reads
 * and checks the file as streamScenario does and posts the checked events in batches, so the main thread does
 * nothing but run the engine on them while this thread reads on. Loaded only by the worker, never by `mall --help`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ScenarioError, type EngineEvent } from '@mall/core';
import { encodeEvents, type EncodedEvents } from './event-codec';
import { JsonStreamError } from './json-stream';
import { streamScenario } from './scenario-stream';

/** What the reader tells the main thread, in this order: a header, event batches, then one end message. */
export type ReaderMessage =
  | { type: 'header'; header: import('@mall/core').ScenarioHeader }
  | { type: 'events'; events: EncodedEvents }
  /** Every event was sent; `error` is the first malformed event's, if any. */
  | { type: 'done'; error: ErrorMessage | undefined }
  /** The file has a field after its events: the main thread reads it again whole, as before. */
  | { type: 'whole' }
  | { type: 'failed'; error: ErrorMessage };

export interface ErrorMessage {
  /** scenario: a ScenarioError; json: malformed JSON; io: the file could not be read; other: a bug. */
  kind: 'scenario' | 'json' | 'io' | 'other';
  code: string;
  message: string;
  index: number | undefined;
}

export interface ReaderData {
  file: string;
  /** Events per posted batch. */
  batch: number;
}

export function describeError(error: unknown): ErrorMessage {
  if (error instanceof ScenarioError) {
    return { kind: 'scenario', code: error.code, message: error.message, index: error.index };
  }
  if (error instanceof JsonStreamError)
    return { kind: 'json', code: 'malformed_json', message: error.message, index: undefined };
  if (error instanceof Error && 'syscall' in error) {
    const code = (error as NodeJS.ErrnoException).code ?? error.message;
    return { kind: 'io', code, message: error.message, index: undefined };
  }
  return {
    kind: 'other',
    code: '',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    index: undefined,
  };
}

function read(port: NonNullable<typeof parentPort>, data: ReaderData): void {
  let batch: EngineEvent[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    port.postMessage({ type: 'events', events: encodeEvents(batch) } satisfies ReaderMessage);
    batch = [];
  };
  try {
    const result = streamScenario(data.file, (header) => {
      port.postMessage({ type: 'header', header } satisfies ReaderMessage);
      return (event) => {
        batch.push(event);
        if (batch.length >= data.batch) flush();
      };
    });
    flush();
    if (!result.streamed) port.postMessage({ type: 'whole' } satisfies ReaderMessage);
    else {
      const error = result.error === undefined ? undefined : describeError(result.error);
      port.postMessage({ type: 'done', error } satisfies ReaderMessage);
    }
  } catch (error) {
    port.postMessage({ type: 'failed', error: describeError(error) } satisfies ReaderMessage);
  }
}

if (parentPort !== null) read(parentPort, workerData as ReaderData);
