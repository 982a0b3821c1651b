/**
 * What the long tasks of a page load are made of, from a trace `npm run lighthouse -- --trace` kept
 * (artifacts/lighthouse/{page}-{run}.trace.json): every main-thread task of the page's renderer longer than
 * `--min` ms (default 10: Lighthouse's mobile preset multiplies CPU time by 4, so 12.5 ms observed is a 50 ms task),
 * with its time from navigation start (wall and thread time), the events inside it by kind (style recalculations with their element
 * counts, layouts with their object counts, script by URL, parse, paint, image decode) and the JS functions with the
 * most self time in it (from the CPU profiler's samples). A diagnosis aid, not part of CI.
 * With `--inclusive`, also each function's inclusive time (itself and what it called): which component's setup or
 * which library call a task's time went to, where self time only shows Vue's patch loop.
 * Usage: npx tsx scripts/trace-tasks.ts FILE [--min 10] [--top 8] [--inclusive]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time: on a busy machine wall time also counts the time the thread waited for a core. */
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: Record<string, unknown> & { data?: Record<string, unknown>; beginData?: Record<string, unknown> };
}
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  parent?: number;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    min: { type: 'string', default: '10' },
    top: { type: 'string', default: '8' },
    inclusive: { type: 'boolean', default: false },
  },
});
const file = positionals[0];
if (file === undefined) {
  process.stderr.write('usage: npx tsx scripts/trace-tasks.ts FILE [--min 10] [--top 8]\n');
  process.exit(2);
}
const MIN_MS = Number(values.min);
const TOP = Number(values.top);
const trace = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] };
const events = trace.traceEvents;

// The page's renderer: the main thread that saw the first contentful paint.
const fcp = events.find((e) => e.name === 'firstContentfulPaint');
const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
const main = mains.find((m) => m.pid === fcp?.pid) ?? mains[0];
if (main === undefined) throw new Error('no renderer main thread in the trace');
const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
const navStart =
  onMain.find((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame === true)?.ts ??
  onMain.find((e) => e.name === 'navigationStart')?.ts ??
  0;
const ms = (us: number): string => (us / 1000).toFixed(1);

const short = (url: unknown): string => {
  if (typeof url !== 'string' || url === '') return '(no url)';
  return url.replace(/^https?:\/\/[^/]+/, '');
};

/** A readable label for an event inside a task: its kind plus what it worked on. */
function label(e: TraceEvent): string {
  const d = e.args?.data ?? {};
  switch (e.name) {
    case 'FunctionCall':
    case 'EvaluateScript':
    case 'v8.compile':
    case 'v8.compileModule':
    case 'v8.evaluateModule':
      return `${e.name} ${short(d.url ?? d.fileName)}${d.functionName ? ` ${String(d.functionName)}` : ''}`;
    case 'TimerFire':
    case 'FireAnimationFrame':
    case 'EventDispatch':
      return `${e.name}${d.type ? ` ${String(d.type)}` : ''}`;
    case 'ResourceReceivedData':
    case 'ResourceFinish':
      return e.name;
    default:
      return e.name;
  }
}

// The CPU profile: nodes and samples from the ProfileChunk events of the main thread's profile.
const nodes = new Map<number, ProfileNode>();
const samples: { ts: number; node: number }[] = [];
{
  let ts = 0;
  const chunks = events.filter((e) => e.name === 'ProfileChunk' && e.pid === main.pid).sort((a, b) => a.ts - b.ts);
  const profileIds = new Set(
    events.filter((e) => e.name === 'Profile' && e.pid === main.pid && e.tid === main.tid).map((e) => e.id),
  );
  for (const chunk of chunks) {
    if (profileIds.size > 0 && !profileIds.has(chunk.id)) continue;
    const data = chunk.args?.data as
      { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
    for (const n of data?.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    const s = data?.cpuProfile?.samples ?? [];
    const deltas = data?.timeDeltas ?? [];
    for (let i = 0; i < s.length; i += 1) {
      if (ts === 0) {
        const start = events.find((e) => e.name === 'Profile' && e.id === chunk.id)?.args?.data?.startTime;
        ts = typeof start === 'number' ? start : chunk.ts;
      }
      ts += deltas[i] ?? 0;
      samples.push({ ts, node: s[i] ?? 0 });
    }
  }
}

function frameName(node: ProfileNode | undefined): string {
  if (node === undefined) return '?';
  const f = node.callFrame;
  const file = short(f.url).replace(/^.*\//, '');
  return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`;
}

/** The samples between `from` and `to` (µs), each with the time since the sample before it. */
function* samplesIn(from: number, to: number): Generator<{ node: number; us: number }> {
  let previous = from;
  for (const s of samples) {
    if (s.ts < from) {
      previous = s.ts;
      continue;
    }
    if (s.ts > to) return;
    yield { node: s.node, us: s.ts - previous };
    previous = s.ts;
  }
}

const tasks = onMain
  .filter((e) => e.ph === 'X' && e.name === 'RunTask' && (e.dur ?? 0) >= MIN_MS * 1000)
  .sort((a, b) => a.ts - b.ts);
const fcpAt = fcp === undefined ? undefined : fcp.ts - navStart;
process.stdout.write(
  `${file}: ${tasks.length} tasks >= ${MIN_MS} ms on the main thread` +
    `${fcpAt === undefined ? '' : `; FCP at ${ms(fcpAt)} ms (unthrottled)`}; ${samples.length} JS samples\n`,
);

for (const task of tasks) {
  const end = task.ts + (task.dur ?? 0);
  const inside = onMain.filter((e) => e.ph === 'X' && e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end);
  // Self time per label: an event's duration minus its direct children's (events nest properly on one thread).
  inside.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, { us: number; n: number; extra: number[] }>();
  const stack: { e: TraceEvent; child: number }[] = [];
  const close = (upTo: number): void => {
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined || top.e.ts + (top.e.dur ?? 0) > upTo) break;
      stack.pop();
      const key = label(top.e);
      const entry = self.get(key) ?? { us: 0, n: 0, extra: [] };
      entry.us += (top.e.dur ?? 0) - top.child;
      entry.n += 1;
      const a = top.e.args ?? {};
      if (top.e.name === 'UpdateLayoutTree' || top.e.name === 'ScheduleStyleRecalculation') {
        const count = (a.elementCount ?? a.data?.elementCount) as number | undefined;
        if (typeof count === 'number') entry.extra.push(count);
      }
      if (top.e.name === 'Layout') {
        const count = a.beginData?.dirtyObjects as number | undefined;
        if (typeof count === 'number') entry.extra.push(count);
      }
      self.set(key, entry);
      const parent = stack[stack.length - 1];
      if (parent !== undefined) parent.child += top.e.dur ?? 0;
    }
  };
  for (const e of inside) {
    close(e.ts);
    stack.push({ e, child: 0 });
  }
  close(Number.POSITIVE_INFINITY);
  const rows = [...self.entries()].sort((a, b) => b[1].us - a[1].us).slice(0, TOP);
  const forced = inside.filter((e) => e.name === 'Layout' && Array.isArray(e.args?.beginData?.stackTrace)).length;
  process.stdout.write(
    `\ntask at ${ms(task.ts - navStart)} ms, ${ms(task.dur ?? 0)} ms wall, ${ms(task.tdur ?? 0)} ms thread time` +
      `${forced > 0 ? `, ${forced} forced layout(s) from script` : ''}\n`,
  );
  for (const [key, v] of rows) {
    const extra = v.extra.length > 0 ? ` [${v.extra.join(', ')}]` : '';
    process.stdout.write(`  ${ms(v.us).padStart(7)} ms  ${key}${v.n > 1 ? ` x${v.n}` : ''}${extra}\n`);
  }
  // JS self time by function, from the samples that fell inside the task.
  const fns = new Map<string, number>();
  for (const { node, us } of samplesIn(task.ts, end)) {
    const name = frameName(nodes.get(node));
    fns.set(name, (fns.get(name) ?? 0) + us);
  }
  const topFns = [...fns.entries()]
    .filter(([name]) => name !== '(idle)' && name !== '(program)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP);
  if (topFns.length > 0) {
    process.stdout.write('  JS self time:\n');
    for (const [name, us] of topFns) process.stdout.write(`  ${ms(us).padStart(7)} ms  ${name}\n`);
  }
  if (values.inclusive) {
    // Inclusive time: each sample's time goes to every distinct function on its stack.
    const incl = new Map<string, number>();
    for (const { node, us } of samplesIn(task.ts, end)) {
      const seen = new Set<string>();
      for (let n = nodes.get(node); n !== undefined; n = n.parent === undefined ? undefined : nodes.get(n.parent)) {
        const name = frameName(n);
        // Not V8's pseudo-frames ((program), (root), (garbage collector)); anonymous functions with a file stay.
        if (!(name.startsWith('(') && name.includes('(no url)'))) seen.add(name);
      }
      for (const name of seen) incl.set(name, (incl.get(name) ?? 0) + us);
    }
    const topIncl = [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP);
    if (topIncl.length > 0) {
      process.stdout.write('  JS inclusive time:\n');
      for (const [name, us] of topIncl) process.stdout.write(`  ${ms(us).padStart(7)} ms  ${name}\n`);
    }
  }
}
