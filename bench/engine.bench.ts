/**
 * Engine benchmark (not a test): settles generated gift-pack orders at 10^4, 10^5 and 10^6 and, in the same
 * run, times the naive scan-every-holder exit check at 10^4 and 10^5 open positions for the ratio.
 * Usage: npm run bench:engine [-- --sizes 10000,100000,1000000 --no-write]
 * Writes its table into docs/benchmarks.md between the bench:engine markers.
 */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import {
  APPRECIATION_POOL,
  Engine,
  DEFAULT_GENERATE,
  intDiv,
  parseEngineConfig,
  type AppreciationPoolInstance,
  type EngineConfig,
  type EngineEvent,
} from '@mall/core';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    'scan-sizes': { type: 'string', default: '10000,100000' },
    window: { type: 'string', default: '2000' },
    'index-window': { type: 'string', default: '20000' },
    'no-write': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const scanSizes = values['scan-sizes'].split(',').map(Number);
const windowSize = Number(values.window);
const indexWindow = Number(values['index-window']);

const parsed = parseEngineConfig(DEFAULT_GENERATE.plans);
if (!parsed.ok) throw new Error('default plans are invalid');
const config: EngineConfig = parsed.config;
const AMOUNT_FEN = 100_000n;
const FANOUT = 3;

/** Shoppers u1..un join breadth-first with fan-out 3, each buying one 1000-yuan gift pack. */
function joinAll(engine: Engine, from: number, to: number): void {
  for (let i = from; i < to; i += 1) {
    const referrer = i === 0 ? undefined : `u${intDiv(i - 1, FANOUT) + 1}`;
    engine.apply({ type: 'join', user: `u${i + 1}`, referrer });
  }
}

function settleEvents(from: number, to: number): EngineEvent[] {
  const events: EngineEvent[] = [];
  for (let i = from; i < to; i += 1)
    events.push({ type: 'settle', user: `u${i + 1}`, order: `o${i + 1}`, amountFen: AMOUNT_FEN });
  return events;
}

interface Row {
  orders: number;
  seconds: number;
  ordersPerSecond: number;
  nsPerOrder: number;
  exits: number;
  open: number;
}

function countExits(effects: ReturnType<Engine['apply']>): number {
  let n = 0;
  for (const e of effects) if (e.type === 'record' && e.kind === 'position' && e.data.status === 'exited') n += 1;
  return n;
}

/** Settles n orders on a fresh engine; only the settlements are timed (shoppers join beforehand). */
function runSize(n: number): Row {
  const engine = new Engine(config);
  joinAll(engine, 0, n);
  const events = settleEvents(0, n);
  let exits = 0;
  const started = process.hrtime.bigint();
  for (const event of events) exits += countExits(engine.apply(event));
  const elapsedNs = Number(process.hrtime.bigint() - started);
  return {
    orders: n,
    seconds: elapsedNs / 1e9,
    ordersPerSecond: (n * 1e9) / elapsedNs,
    nsPerOrder: elapsedNs / n,
    exits,
    open: (engine.campaign(APPRECIATION_POOL) as AppreciationPoolInstance | undefined)?.openCount ?? 0,
  };
}

interface WindowRow {
  open: number;
  indexNs: number;
  scanNs: number | undefined;
}

/**
 * Per-order cost at a given pool size: grow a pool to n holders with the index, then time the next `window`
 * settlements. With `scan`, exit detection is rebuilt as the naive scan first, so both see the same pool.
 */
function timeWindow(n: number, detection: 'index' | 'scan', window: number): number {
  const engine = new Engine(config);
  joinAll(engine, 0, n + window);
  for (const event of settleEvents(0, n)) engine.apply(event);
  (engine.campaign(APPRECIATION_POOL) as AppreciationPoolInstance | undefined)?.rebuildExitIndex(detection);
  const events = settleEvents(n, n + window);
  const started = process.hrtime.bigint();
  for (const event of events) engine.apply(event);
  return Number(process.hrtime.bigint() - started) / window;
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let memory = '';
  try {
    memory = execSync("free -g | awk '/Mem:/ {print $2}'").toString().trim();
  } catch {
    memory = '?';
  }
  return `${cpus().length} cores (${cpu}), ${memory} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

const format = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Median of several runs: a fresh engine's first settlements also pay for tier-up and map growth. */
function medianRun(n: number): Row {
  const repeats = n <= 100_000 ? 5 : 3;
  const runs: Row[] = [];
  for (let i = 0; i < repeats; i += 1) runs.push(runSize(n));
  runs.sort((a, b) => a.nsPerOrder - b.nsPerOrder);
  return runs[(repeats - 1) >> 1] as Row;
}

// Warm the JIT on a separate engine so the smallest size is not timing the compiler.
runSize(20_000);

const rows = sizes.map((n) => {
  const row = medianRun(n);
  process.stderr.write(
    `settled ${format(n)} orders: ${format(row.ordersPerSecond)} orders/s, ${format(row.nsPerOrder)} ns/order\n`,
  );
  return row;
});
const windows: WindowRow[] = sizes.map((n) => {
  // The window stays well below the pool size, so the pool is still about n when it ends.
  const indexNs = timeWindow(n, 'index', Math.min(indexWindow, n / 2));
  const scanNs = scanSizes.includes(n) ? timeWindow(n, 'scan', windowSize) : undefined;
  process.stderr.write(
    `${format(n)} open: index ${format(indexNs)} ns/order${scanNs === undefined ? '' : `, scan ${format(scanNs)} ns/order`}\n`,
  );
  return { open: n, indexNs, scanNs };
});

const base = rows[0];
const baseWindow = windows[0];
const lines = [
  `Run on ${new Date().toISOString().slice(0, 10)}: ${machine()}.`,
  `Command: \`npm run bench:engine\` (bench/engine.bench.ts). 1000-yuan gift packs, default plan parameters (referral cycle + appreciation pool), invitation fan-out ${FANOUT}; shoppers join before the timer starts, then every settlement is timed, exit cascades included. One warm-up run of 20,000 orders first.`,
  '',
  '**Settling N orders into an empty engine** (median of 5 runs, 3 at 10^6, each on a fresh engine). This includes growing every map and column from nothing, so it is the honest cost of a full replay:',
  '',
  '| settled orders | seconds | orders/s | ns per order | vs 10^4 | exits | open positions at end |',
  '|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${format(r.orders)} | ${format(r.seconds, 2)} | ${format(r.ordersPerSecond)} | ${format(r.nsPerOrder)} | ${base ? format(r.nsPerOrder / base.nsPerOrder, 2) : '-'}x | ${format(r.exits)} | ${format(r.open)} |`,
  ),
  '',
  `**Per-order cost at a pool size**: the pool is grown to N open positions first, then the next ${format(indexWindow)} settlements (N/2 when smaller) are timed with the exit index, and the next ${format(windowSize)} with the naive reference (\`ScanExitIndex\`: every holder checked on every settlement and cascade step) on the same pool:`,
  '',
  '| open positions | index ns/order | index orders/s | index vs 10^4 | scan ns/order | index is faster by |',
  '|---:|---:|---:|---:|---:|---:|',
  ...windows.map(
    (w) =>
      `| ${format(w.open)} | ${format(w.indexNs)} | ${format(1e9 / w.indexNs)} | ${baseWindow ? format(w.indexNs / baseWindow.indexNs, 2) : '-'}x | ${w.scanNs === undefined ? '-' : format(w.scanNs)} | ${w.scanNs === undefined ? '-' : `${format(w.scanNs / w.indexNs, 0)}x`} |`,
  ),
];
const table = lines.join('\n');
process.stdout.write(`${table}\n`);

if (!values['no-write']) {
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  const start = '<!-- bench:engine:start -->';
  const end = '<!-- bench:engine:end -->';
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = `${start}\n${table}\n${end}`;
  if (doc.includes(start) && doc.includes(end)) {
    doc = doc.slice(0, doc.indexOf(start)) + section + doc.slice(doc.indexOf(end) + end.length);
  } else {
    doc = `${doc.trimEnd()}\n\n## Incentive engine\n\n${section}\n`;
  }
  writeFileSync(file, doc);
  process.stderr.write('wrote docs/benchmarks.md\n');
}
