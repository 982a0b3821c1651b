import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A value that must never reach a log line or an API answer: JSON, string conversion and util.inspect (what pino
 * and console use) all print "[redacted]"; only `reveal()` hands out the value, at the one place that signs.
 */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
