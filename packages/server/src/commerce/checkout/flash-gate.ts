/**
 * The in-memory gate in front of a flash sale's durable counter, one per process. It never admits more than the
 * database allows (the conditional UPDATE on the sale row decides every reservation) and it turns a buyer away only
 * when the sale is surely sold out: no tokens left, no attempt of this process in flight that could give some back,
 * and a fresh read of the database (at most `refreshMs` old) shows nothing left.
 *
 * Tokens are taken before the database is asked, so at most `remaining` units' worth of buyers per process wait on
 * the sale row at once; the others wait here, in memory, until an attempt in flight fails (its tokens come back) or
 * everything in flight is done (then the database says whether anything is left, e.g. units released by another
 * process). A restart loads the tokens from the database again, so it can never sell a unit twice.
 */
/** What the database says of a sale: units left, and whether it is running now (active and inside its window). */
export type Remaining = (saleId: string) => Promise<{ left: bigint; running: boolean }>;
export type Admission = 'admitted' | 'sold_out' | 'not_running';

interface Waiter {
  quantity: bigint;
  resolve: (admitted: boolean) => void;
}

interface SaleGate {
  tokens: bigint;
  inFlight: number;
  loadedAt: number;
  running: boolean;
  waiters: Waiter[];
  refreshing: Promise<void> | null;
}

export class FlashGate {
  private readonly sales = new Map<string, SaleGate>();

  constructor(
    private readonly remaining: Remaining,
    private readonly refreshMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  private async gate(saleId: string): Promise<SaleGate> {
    let gate = this.sales.get(saleId);
    if (gate === undefined) {
      gate = { tokens: 0n, inFlight: 0, loadedAt: -Infinity, running: false, waiters: [], refreshing: null };
      this.sales.set(saleId, gate);
      await this.refresh(saleId, gate);
    }
    return gate;
  }

  private refresh(saleId: string, gate: SaleGate): Promise<void> {
    gate.refreshing ??= this.remaining(saleId)
      .then(({ left, running }) => {
        // Read only while nothing of this process is in flight (or at first use), so no token is counted twice.
        gate.tokens = left;
        gate.running = running;
        gate.loadedAt = this.now();
      })
      .finally(() => {
        gate.refreshing = null;
      });
    return gate.refreshing;
  }

  /**
   * Asks for `quantity` units: `admitted` means go to the database (and call `done` afterwards); otherwise the sale
   * is sold out or not running, as the database said at most `refreshMs` ago.
   */
  async admit(saleId: string, quantity: bigint): Promise<Admission> {
    const gate = await this.gate(saleId);
    for (;;) {
      if (gate.tokens >= quantity) {
        gate.tokens -= quantity;
        gate.inFlight += 1;
        return 'admitted';
      }
      if (gate.inFlight > 0) {
        // Someone ahead may fail and give tokens back: wait for them instead of refusing.
        const admitted = await new Promise<boolean>((resolve) => gate.waiters.push({ quantity, resolve }));
        if (admitted) return 'admitted';
        continue;
      }
      if (this.now() - gate.loadedAt >= this.refreshMs) await this.refresh(saleId, gate);
      if (gate.tokens >= quantity || gate.inFlight > 0) continue;
      return gate.running ? 'sold_out' : 'not_running';
    }
  }

  /**
   * An admitted attempt ended: `kept` (the units are reserved in the database), `returned` (it failed for another
   * reason: its tokens come back) or `sold_out` (the database had less than this process thought: no tokens left).
   */
  done(saleId: string, quantity: bigint, outcome: 'kept' | 'returned' | 'sold_out'): void {
    const gate = this.sales.get(saleId);
    if (gate === undefined) return;
    gate.inFlight -= 1;
    if (outcome === 'returned') gate.tokens += quantity;
    if (outcome === 'sold_out') gate.tokens = 0n;
    this.wake(gate);
  }

  /** Units released by this process (a cancelled reservation) are for sale again. */
  returned(saleId: string, quantity: bigint): void {
    const gate = this.sales.get(saleId);
    if (gate === undefined) return;
    gate.tokens += quantity;
    this.wake(gate);
  }

  /** The sale was ended or cancelled in this process: refuse at once as not running, without waiting for a refresh. */
  closed(saleId: string): void {
    const gate = this.sales.get(saleId);
    if (gate === undefined) return;
    gate.tokens = 0n;
    gate.running = false;
    gate.loadedAt = this.now();
    this.wake(gate);
  }

  private wake(gate: SaleGate): void {
    while (gate.waiters.length > 0) {
      const next = gate.waiters[0]!;
      if (gate.tokens >= next.quantity) {
        gate.waiters.shift();
        gate.tokens -= next.quantity;
        gate.inFlight += 1;
        next.resolve(true);
        continue;
      }
      if (gate.inFlight === 0) {
        // Nothing in flight can give tokens back: every waiter asks again (one database read decides for all).
        const waiting = gate.waiters.splice(0);
        for (const w of waiting) w.resolve(false);
      }
      return;
    }
  }
}
