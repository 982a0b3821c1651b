/**
 * The reading half of `mall simulate --scenario FILE`, run in a worker thread (scenario-threads.ts starts it): reads
 * and checks the file as streamScenario does and posts the checked events in batches, so the main thread does
 * nothing but run the engine on them while this thread reads on. Loaded only by the worker, never by `mall --help`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ScenarioError, type ScenarioEventParser } from '@mall/core';
import { EventBatch, type EncodedEvents } from './event-codec';
import { JsonStreamError, type FastItems } from './json-stream';
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

// The two shapes a generated scenario is made of, as JSON.stringify writes them. An id without quotes, backslashes
// or control characters reads as itself; an amount of at most 15 digits without a leading zero is a safe
// non-negative integer. Such text is valid JSON, and parseEvent would accept it and make the same event; anything
// else (white space, other keys or key orders, escapes) goes the ordinary way, and so gets the ordinary messages.
const ID = '([^"\\\\\\u0000-\\u001f]+)';
const JOIN = new RegExp(`\\{"type":"join","user":"${ID}"(?:,"referrer":"${ID}")?\\}`, 'y');
const SETTLE = new RegExp(`\\{"type":"settle","user":"${ID}","order":"${ID}","amountFen":(0|[1-9][0-9]{0,14})\\}`, 'y');

/** The item at `at` if it is one of the two shapes and ends by `to`, followed by a comma or `to` itself. */
function match(text: string, at: number, to: number): RegExpExecArray | undefined {
  const pattern = text.startsWith('{"type":"join"', at)
    ? JOIN
    : text.startsWith('{"type":"settle"', at)
      ? SETTLE
      : undefined;
  if (pattern === undefined) return undefined;
  pattern.lastIndex = at;
  const m = pattern.exec(text);
  if (m === null) return undefined;
  const end = pattern.lastIndex;
  return end === to || (end < to && text.charCodeAt(end) === 0x2c) ? m : undefined;
}

/** The fast path of json-stream's reader: the common events straight from the text into the batch. */
function fastEvents(batch: EventBatch, flush: () => void): (parser: ScenarioEventParser) => FastItems {
  return (parser) => (text, from, to) => {
    let at = from;
    while (at < to) {
      const m = match(text, at, to);
      if (m === undefined || !parser.countChecked()) return at;
      if (m.length === 3) batch.join(m[1] as string, m[2] ?? '');
      else batch.settle(m[1] as string, m[2] as string, m[3] as string);
      if (batch.count >= BATCH_EVENTS) flush();
      at += m[0].length + 1;
    }
    return to;
  };
}

let BATCH_EVENTS = 2048;

function read(port: NonNullable<typeof parentPort>, data: ReaderData): void {
  BATCH_EVENTS = data.batch;
  const batch = new EventBatch();
  const flush = (): void => {
    if (batch.count === 0) return;
    port.postMessage({ type: 'events', events: batch.take() } satisfies ReaderMessage);
  };
  try {
    const result = streamScenario(
      data.file,
      (header) => {
        port.postMessage({ type: 'header', header } satisfies ReaderMessage);
        return (event) => {
          batch.add(event);
          if (batch.count >= data.batch) flush();
        };
      },
      fastEvents(batch, flush),
    );
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
