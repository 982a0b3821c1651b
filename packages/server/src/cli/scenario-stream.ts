import {
  ScenarioError,
  ScenarioEventParser,
  parseScenario,
  parseScenarioHeader,
  type EngineEvent,
  type Scenario,
  type ScenarioHeader,
} from '@mall/core';
import { readJsonFile, readJsonStream, type FastItems } from './json-stream';

/** Takes the events of a scenario as they are checked; may throw ScenarioError (the engine refusing one). */
export type EventSink = (event: EngineEvent) => void;

export type StreamedScenario =
  /** The events went to the sink as they were read; `error` is the first malformed or refused event's. */
  | { streamed: true; header: ScenarioHeader; error: ScenarioError | undefined }
  /** The file could not be streamed (a top-level field after "events"): here it is whole, checked as before. */
  | { streamed: false; scenario: Scenario };

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Like JSON.parse: "__proto__" is an ordinary own key, never the prototype.
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Reads a scenario file ("-": standard input) a chunk at a time and checks each event as its text arrives, handing
 * it to the sink that `start` makes from the header: the raw events never pile up. The errors are those
 * parseScenario and runScenario give for the whole file, in the same order: malformed JSON anywhere first, then the
 * header's problems, then the first bad event. Those orders hold because everything before "events" is known when
 * the events start; a file with a field after them (allowed, unusual) is read again whole and not streamed.
 */
export function streamScenario(
  file: string,
  start: (header: ScenarioHeader) => EventSink,
  /** A fast path for the events' text (json-stream's FastItems), made once the event parser exists. */
  fast?: (parser: ScenarioEventParser) => FastItems,
): StreamedScenario {
  const doc: Record<string, unknown> = {};
  let eventsSeen = false;
  let fieldAfterEvents = false;
  let header: ScenarioHeader | undefined;
  let headerError: unknown;
  let parser: ScenarioEventParser | undefined;
  let refused: ScenarioError | undefined;
  // Standard input cannot be read twice: its text is kept in case the file has a field after its events.
  const kept: string[] | undefined = file === '-' ? [] : undefined;
  const other = readJsonStream(file === '-' ? 0 : file, {
    value(key, value) {
      if (eventsSeen) fieldAfterEvents = true;
      setOwn(doc, key, value);
    },
    list(key) {
      if (eventsSeen) fieldAfterEvents = true;
      if (key !== 'events' || eventsSeen) return undefined;
      eventsSeen = true;
      setOwn(doc, key, []);
      try {
        header = parseScenarioHeader(doc);
      } catch (error) {
        headerError = error;
        return () => undefined;
      }
      let sink: EventSink;
      try {
        sink = start(header);
      } catch (error) {
        headerError = error;
        return () => undefined;
      }
      const events = new ScenarioEventParser(header.form);
      parser = events;
      const take = (item: unknown): void => {
        if (refused !== undefined) return;
        const event = events.next(item);
        if (event === undefined) return;
        try {
          sink(event);
        } catch (error) {
          if (!(error instanceof ScenarioError)) throw error;
          refused = error;
        }
      };
      return fast === undefined ? take : { take, fast: fast(events) };
    },
    text: kept === undefined ? undefined : (text) => kept.push(text),
  });
  if (other !== undefined) return { streamed: false, scenario: parseScenario(other.value) };
  if (!eventsSeen) return { streamed: false, scenario: parseScenario(doc) };
  if (fieldAfterEvents) {
    const whole = kept === undefined ? readJsonFile(file) : (JSON.parse(kept.join('')) as unknown);
    return { streamed: false, scenario: parseScenario(whole) };
  }
  if (headerError !== undefined) throw headerError;
  return { streamed: true, header: header as ScenarioHeader, error: refused ?? parser?.error };
}
