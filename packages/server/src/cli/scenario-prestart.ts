import { Worker } from 'node:worker_threads';
import type { ReaderData, ReaderMessage } from './scenario-reader';

/**
 * The reader thread of `mall simulate --scenario FILE` (scenario-threads.ts), started before the simulate module and
 * @mall/core are loaded: the worker boots and reads the first events while this thread loads the engine, instead of
 * after. Only node:worker_threads is loaded here, and only for `mall simulate`; a run that turns out not to want the
 * reader (bad options) leaves it unreferenced, so it never holds the process open.
 */
/** What the reader thread said or did: a message, an uncaught error, or its end. */
export type ReaderEvent =
  { type: 'message'; message: ReaderMessage } | { type: 'error'; error: Error } | { type: 'exit' };

export interface StartedReader {
  file: string;
  worker: Worker;
  /** Events that came before anyone listened, in order. */
  early: ReaderEvent[];
  /** Set by the one who takes the reader: gets every later event. */
  listener: ((event: ReaderEvent) => void) | undefined;
}

export const READER_BATCH = 2048;

let started: StartedReader | undefined;

export function startReader(file: string, batch = READER_BATCH): StartedReader {
  const workerData: ReaderData = { file, batch };
  const worker = new Worker(new URL('./scenario-reader-worker.mjs', import.meta.url), { workerData });
  const reader: StartedReader = { file, worker, early: [], listener: undefined };
  const hear = (event: ReaderEvent): void => {
    if (reader.listener === undefined) reader.early.push(event);
    else reader.listener(event);
  };
  worker.on('message', (message: ReaderMessage) => hear({ type: 'message', message }));
  worker.on('error', (error) => hear({ type: 'error', error }));
  worker.on('exit', () => hear({ type: 'exit' }));
  return reader;
}

/** The file of a plain `simulate --scenario FILE` run (the result JSON of a file, not standard input), if it is one. */
export function plainScenarioFile(argv: readonly string[]): string | undefined {
  let file: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--scenario') {
      file = argv[i + 1];
      i += 1;
    } else if (arg.startsWith('--scenario=')) file = arg.slice('--scenario='.length);
    else if (!arg.startsWith('--exit-detection')) return undefined;
    else if (arg === '--exit-detection') i += 1;
  }
  return file === undefined || file === '-' || file.startsWith('-') ? undefined : file;
}

/** Starts the reader early when the arguments are a plain `--scenario FILE` run. */
export function prestartReader(argv: readonly string[]): void {
  const file = plainScenarioFile(argv);
  if (file === undefined) return;
  started = startReader(file);
  started.worker.unref();
}

/** The reader started early for this file, once; undefined when there is none. */
export function takeStartedReader(file: string): StartedReader | undefined {
  const reader = started;
  started = undefined;
  if (reader === undefined) return undefined;
  if (reader.file === file) return reader;
  void reader.worker.terminate();
  return undefined;
}
