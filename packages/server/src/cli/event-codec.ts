import type { EngineEvent } from '@mall/core';

/**
 * How the reader thread hands checked events to the engine's thread. Structured clone of 200,000 small objects
 * costs the receiving thread about 250 ms (measured), more than reading them did, so the common shapes (a join; a
 * settle without lines or campaigns, with or without a region) travel as fields in one string per batch, split
 * once; any other event travels as itself beside it. Only a transport between two threads of one process: the
 * events are already checked, and the decoded ones are the objects parseEvent made.
 */
export interface EncodedEvents {
  text: string;
  /** The events that did not fit a compact shape, in order; "x" in the text marks each one's place. */
  others: EngineEvent[];
}

const SEP = '\u0001';

function plain(...ids: readonly string[]): boolean {
  for (const id of ids) if (id.includes(SEP)) return false;
  return true;
}

/** Builds one batch: events as parseEvent made them, or the common shapes straight from a reader's fields. */
export class EventBatch {
  private parts: string[] = [];
  private others: EngineEvent[] = [];
  /** Events in the batch. */
  count = 0;

  add(event: EngineEvent): void {
    this.count += 1;
    if (event.type === 'join') {
      // A referrer is never '' (parseEvent refuses empty ids), so '' says there is none.
      const referrer = event.referrer ?? '';
      if (plain(event.user, referrer)) {
        this.parts.push('j', event.user, referrer);
        return;
      }
    } else if (event.type === 'settle' && event.lines === undefined && event.campaigns === undefined) {
      const region = event.region ?? [];
      if (plain(event.user, event.order, ...region)) {
        this.parts.push(event.region === undefined ? 's' : 'r', event.user, event.order, event.amountFen.toString());
        if (event.region !== undefined) this.parts.push(String(region.length), ...region);
        return;
      }
    }
    this.parts.push('x');
    this.others.push(event);
  }

  /** A join whose ids hold no U+0001 (none can that came from JSON text unescaped); referrer '' for none. */
  join(user: string, referrer: string): void {
    this.count += 1;
    this.parts.push('j', user, referrer);
  }

  /** A settle without lines, region or campaigns; `amountFen` the digits of a safe integer, no leading zero. */
  settle(user: string, order: string, amountFen: string): void {
    this.count += 1;
    this.parts.push('s', user, order, amountFen);
  }

  take(): EncodedEvents {
    const batch = { text: this.parts.join(SEP), others: this.others };
    this.parts = [];
    this.others = [];
    this.count = 0;
    return batch;
  }
}

export function encodeEvents(events: readonly EngineEvent[]): EncodedEvents {
  const batch = new EventBatch();
  for (const event of events) batch.add(event);
  return batch.take();
}

// Amounts repeat (a shop has few prices): BigInt of the same text once.
const amounts = new Map<string, bigint>();

function amount(text: string): bigint {
  let value = amounts.get(text);
  if (value === undefined) {
    value = BigInt(text);
    if (amounts.size < 4096) amounts.set(text, value);
  }
  return value;
}

/** The events encodeEvents was given, in order, with the shapes parseEvent gives them. */
export function decodeEvents({ text, others }: EncodedEvents, take: (event: EngineEvent) => void): void {
  if (text === '') return;
  const parts = text.split(SEP);
  let other = 0;
  for (let i = 0; i < parts.length;) {
    const tag = parts[i] as string;
    if (tag === 'j') {
      const referrer = parts[i + 2] as string;
      take({ type: 'join', user: parts[i + 1] as string, referrer: referrer === '' ? undefined : referrer });
      i += 3;
    } else if (tag === 's' || tag === 'r') {
      const user = parts[i + 1] as string;
      const order = parts[i + 2] as string;
      const amountFen = amount(parts[i + 3] as string);
      let region: string[] | undefined;
      i += 4;
      if (tag === 'r') {
        const n = Number(parts[i]);
        region = parts.slice(i + 1, i + 1 + n);
        i += 1 + n;
      }
      take({ type: 'settle', user, order, amountFen, lines: undefined, region, campaigns: undefined });
    } else {
      take(others[other] as EngineEvent);
      other += 1;
      i += 1;
    }
  }
}
