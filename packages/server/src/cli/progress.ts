import { intDiv } from '@mall/core';

/**
 * A progress bar on stderr that appears only once a run has taken more than a second, so quick runs stay
 * silent. On a terminal it redraws one line; piped, it writes a line at every tenth. With no total (events applied
 * as a file is read, before its length is known) it counts instead: piped, a line every 2^17 events.
 */
export class Progress {
  private readonly started = Date.now();
  private shown = false;
  private lastTenth = -1;

  constructor(
    private readonly total: number | undefined,
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    const elapsedMs = Date.now() - this.started;
    if (elapsedMs < 1000 || this.total === 0) return;
    this.shown = true;
    if (this.total === undefined) {
      if (this.stream.isTTY) this.stream.write(`\r${this.label}: ${done} events`);
      else if (done >> 17 > this.lastTenth) {
        this.lastTenth = done >> 17;
        this.stream.write(`${this.label}: ${done} events\n`);
      }
      return;
    }
    const permille = Math.min(1000, intDiv(done * 1000, this.total));
    if (this.stream.isTTY) {
      const width = 30;
      const filled = intDiv(permille * width, 1000);
      const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
      const percent = intDiv(permille, 10);
      this.stream.write(`\r${this.label} [${bar}] ${String(percent).padStart(3)}% ${done}/${this.total} events`);
    } else {
      const tenth = intDiv(permille, 100);
      if (tenth > this.lastTenth) {
        this.lastTenth = tenth;
        this.stream.write(`${this.label}: ${tenth * 10}% (${done}/${this.total} events)\n`);
      }
    }
  }

  /** `count`: the events applied, when the total was not known at the start. */
  done(count?: number): void {
    if (!this.shown) return;
    const tenths = intDiv(Date.now() - this.started, 100);
    const events = this.total === undefined ? `${count ?? 0}` : `${this.total}/${this.total}`;
    const line = `${this.label}: ${events} events in ${intDiv(tenths, 10)}.${tenths % 10} s`;
    this.stream.write(this.stream.isTTY ? `\r${line}${' '.repeat(20)}\n` : `${line}\n`);
  }
}
