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

/** Forks one worker; `ready` settles when it serves (or rejects when it dies first). */
function fork(hooks: PrimaryHooks): { worker: Worker; ready: Promise<WorkerReady> } {
  const worker = cluster.fork();
  worker.on('message', (message: unknown) => hooks.onWorkerMessage?.(worker, message));
  const ready = new Promise<WorkerReady>((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if (!isReady(message)) return;
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null): void =>
      reject(new Error(`worker ${worker.process.pid} exited ${code} while starting`));
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
  return { worker, ready };
}

/** Runs the primary until a signal stops every worker; resolves to the exit code. */
export async function runPrimary(count: number, hooks: PrimaryHooks): Promise<number> {
  let stopping = false;
  // Every worker from the moment it is forked, so a stop also reaches one that is still starting.
  const live = new Set<Worker>();
  let allGone: (() => void) | undefined;
  const report = (error: unknown): void => {
    if (!stopping) process.stderr.write(`mall: ${error instanceof Error ? error.message : String(error)}\n`);
  };
  const start = (): { worker: Worker; ready: Promise<WorkerReady> } => {
    const started = fork(hooks);
    const worker = started.worker;
    live.add(worker);
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      if (stopping) {
        if (live.size === 0) allGone?.();
        return;
      }
      process.stderr.write(`mall: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
      setTimeout(() => {
        if (stopping) return;
        const next = start();
        next.ready.then(
          () => process.stderr.write(`mall: worker ${worker.process.pid} replaced by ${next.worker.process.pid}\n`),
          report,
        );
      }, RESTART_DELAY_MS).unref();
    });
    return started;
  };

  // The first worker migrates and seeds alone; the others start on a ready database.
  let first: WorkerReady;
  try {
    first = await start().ready;
  } catch (error) {
    report(error);
    stopping = true;
    return 1;
  }
  const rest = await Promise.allSettled(Array.from({ length: count - 1 }, () => start().ready));
  for (const outcome of rest) if (outcome.status === 'rejected') report(outcome.reason);
  process.stdout.write(hooks.banner(first));
  process.stdout.write(
    `  workers      ${live.size} processes (pids ${[...live].map((w) => w.process.pid).join(', ')})\n\n`,
  );

  await new Promise<void>((resolve) => {
    allGone = resolve;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\n${signal}: shutting down ${live.size} workers\n`);
      if (live.size === 0) resolve();
      for (const worker of live) worker.process.kill(signal);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
