import cluster, { type Worker } from 'node:cluster';

/**
 * `mall start --workers N`: N full servers (node:cluster) sharing one port, which the primary hands out round-robin
 * on Linux. Everything a request needs is in the database (sessions, idempotency answers, sign-in lockouts, the
 * shared auth rate limit), so any worker can answer any request; the leader lock picks the one that runs the timers.
 * The primary serves nothing itself: it starts the workers, restarts one that dies, forwards SIGTERM/SIGINT and
 * answers the workers' requests for the metrics of all of them.
 */
export interface WorkerReady {
  type: 'mall:ready';
  url: string;
  where: string;
  adminPassword: string | undefined;
}

export interface PrimaryHooks {
  /** Printed once the first worker is up. */
  banner(ready: WorkerReady): string;
  /** Installs what the primary answers on the workers' behalf (the cluster-wide metrics). */
  onWorkerMessage?(worker: Worker, message: unknown): void;
}

const RESTART_DELAY_MS = 1_000;

function isReady(message: unknown): message is WorkerReady {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'mall:ready';
}

function fork(hooks: PrimaryHooks): Promise<{ worker: Worker; ready: WorkerReady }> {
  const worker = cluster.fork();
  worker.on('message', (message: unknown) => hooks.onWorkerMessage?.(worker, message));
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if (!isReady(message)) return;
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve({ worker, ready: message });
    };
    const onExit = (code: number | null): void =>
      reject(new Error(`worker ${worker.id} exited ${code} while starting`));
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}

/** Runs the primary until a signal stops every worker; resolves to the exit code. */
export async function runPrimary(count: number, hooks: PrimaryHooks): Promise<number> {
  let stopping = false;
  const live = new Set<Worker>();
  const track = (worker: Worker): void => {
    live.add(worker);
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      if (stopping) return;
      process.stderr.write(`mall: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
      setTimeout(() => {
        if (!stopping) fork(hooks).then(({ worker: next }) => track(next), report);
      }, RESTART_DELAY_MS).unref();
    });
  };
  const report = (error: unknown): void => {
    process.stderr.write(`mall: ${error instanceof Error ? error.message : String(error)}\n`);
  };

  // The first worker migrates and seeds alone; the others start on a ready database.
  let first: Awaited<ReturnType<typeof fork>>;
  try {
    first = await fork(hooks);
  } catch (error) {
    report(error);
    return 1;
  }
  track(first.worker);
  const rest = await Promise.allSettled(Array.from({ length: count - 1 }, () => fork(hooks)));
  for (const outcome of rest) {
    if (outcome.status === 'fulfilled') track(outcome.value.worker);
    else report(outcome.reason);
  }
  process.stdout.write(hooks.banner(first.ready));
  process.stdout.write(
    `  workers      ${live.size} processes (pids ${[...live].map((w) => w.process.pid).join(', ')})\n\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\n${signal}: shutting down ${live.size} workers\n`);
      if (live.size === 0) resolve();
      for (const worker of live) {
        worker.once('exit', () => {
          if (live.size === 0) resolve();
        });
        worker.process.kill(signal);
      }
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
