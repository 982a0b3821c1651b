import { readFileSync } from 'node:fs';

/**
 * MALL_TRACE=1 prints, on stderr, when each phase of a command ended (ms since the process started) and the CPU the
 * main thread and the whole process had used by then: how docs/benchmarks.md splits `mall simulate`'s time. The
 * main thread's own CPU comes from /proc (Linux); elsewhere only the process's is shown.
 */
export const tracing = process.env.MALL_TRACE === '1';

function mainThreadCpuMs(): string {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime, fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return `${(Number(fields[11]) + Number(fields[12])) * 10}`;
  } catch {
    return '-';
  }
}

export function trace(phase: string, detail = ''): void {
  if (!tracing) return;
  const used = process.cpuUsage();
  const cpu = ((used.user + used.system) / 1000).toFixed(0);
  process.stderr.write(
    `mall trace: ${phase} at ${performance.now().toFixed(0)} ms, main thread CPU ${mainThreadCpuMs()} ms, process CPU ${cpu} ms${detail}\n`,
  );
}
