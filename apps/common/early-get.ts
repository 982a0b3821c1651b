/**
 * GET answers a page asks for as soon as it mounts, started instead when the router lets the page open, so that the
 * data travels while the page's code is evaluated and its frame renders. Each answer is used once, and only while
 * fresh: a navigation that went elsewhere leaves nothing stale behind for a later visit.
 */
const FRESH_MS = 5_000;

export interface EarlyGet {
  start(path: string): void;
  take<T>(path: string): Promise<T>;
}

export function createEarlyGet(get: <T>(path: string) => Promise<T>): EarlyGet {
  const early = new Map<string, { at: number; answer: Promise<unknown> }>();
  return {
    start(path) {
      const answer = get<unknown>(path);
      // The page that takes the answer reports its failure; an answer nobody takes must not be an unhandled rejection.
      answer.catch(() => undefined);
      early.set(path, { at: Date.now(), answer });
    },
    take<T>(path: string): Promise<T> {
      const started = early.get(path);
      early.delete(path);
      if (started !== undefined && Date.now() - started.at < FRESH_MS) return started.answer as Promise<T>;
      return get<T>(path);
    },
  };
}
