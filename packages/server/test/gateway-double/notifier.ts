/**
 * Delivers notifications the way the gateways do: POST to the notify URL, and when the answer is not the
 * acknowledgement, again after each step of the documented retry schedule (compressed by `timeFactor`), until
 * acknowledged or the schedule ends. Duplicates and concurrent copies can be sent on purpose.
 */

/** WeChat Pay: 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h. */
export const WECHAT_RETRY_SECONDS = [
  15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
] as const;
/** Alipay: 4m, 10m, 10m, 1h, 2h, 6h, 15h (about 25 hours). */
export const ALIPAY_RETRY_SECONDS = [240, 600, 600, 3600, 7200, 21600, 54000] as const;

export interface OutgoingRequest {
  headers: Record<string, string>;
  body: string;
}

export interface Attempt {
  at: number;
  status: number;
  body: string;
}

export interface Delivery {
  attempts: Attempt[];
  /** Resolves once acknowledged (true) or when the schedule is exhausted (false). */
  done: Promise<boolean>;
}

export interface DeliveryOptions {
  /** Extra copies sent after the acknowledgement, one after another. */
  duplicates?: number;
  /** Copies sent at the same moment for the first attempt (several gateway servers at once). */
  concurrent?: number;
}

export type Acknowledged = (status: number, body: string) => boolean;

export class Notifier {
  readonly deliveries: Delivery[] = [];
  #sleepers = new Map<NodeJS.Timeout, () => void>();
  #closed = false;

  constructor(
    private readonly timeFactor: number,
    private readonly schedule: readonly number[],
    private readonly acknowledged: Acknowledged,
  ) {}

  send(url: string, build: () => OutgoingRequest, options: DeliveryOptions = {}): Delivery {
    const attempts: Attempt[] = [];
    const post = async (): Promise<boolean> => {
      const req = build();
      let status = 0;
      let body = '';
      try {
        const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
        status = res.status;
        body = await res.text();
      } catch (err) {
        body = err instanceof Error ? err.message : 'network error';
      }
      attempts.push({ at: Date.now(), status, body });
      return this.acknowledged(status, body);
    };
    const done = (async () => {
      const first = await Promise.all(Array.from({ length: Math.max(1, options.concurrent ?? 1) }, post));
      let ok = first.some(Boolean);
      for (let i = 0; !ok && i < this.schedule.length && !this.#closed; i += 1) {
        await this.#sleep(((this.schedule[i] ?? 0) * 1000) / this.timeFactor);
        if (this.#closed) break;
        ok = await post();
      }
      for (let i = 0; ok && i < (options.duplicates ?? 0) && !this.#closed; i += 1) await post();
      return ok;
    })();
    const delivery = { attempts, done };
    this.deliveries.push(delivery);
    return delivery;
  }

  /** Stops pending retries (the double is closing). */
  close(): void {
    this.#closed = true;
    for (const [timer, wake] of this.#sleepers) {
      clearTimeout(timer);
      wake();
    }
    this.#sleepers.clear();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleepers.delete(timer);
        resolve();
      }, ms);
      this.#sleepers.set(timer, resolve);
    });
  }
}
