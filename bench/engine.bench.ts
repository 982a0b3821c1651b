/**
 * Engine benchmark (not a test): settles generated gift-pack orders at 10^4, 10^5 and 10^6 with the two original
 * plans and with all eight plans on, times the naive scan-every-holder exit check at 10^4 and 10^5 open positions
 * for the ratio, and times dividend period closes over 10^6 members (by level, and by top-N ranking).
 * Usage: npm run bench:engine [-- --sizes 10000,100000,1000000 --members 1000000 --no-write]
 * Writes its table into docs/benchmarks.md between the bench:engine markers.
 */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
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
    members: { type: 'string', default: '1000000' },
    'no-write': { type: 'boolean', default: false },
  },
});
const members = Number(values.members);
const startLoad = loadavg()[0] ?? 0;
const sizes = values.sizes.split(',').map(Number);
const scanSizes = values['scan-sizes'].split(',').map(Number);
const windowSize = Number(values.window);
const indexWindow = Number(values['index-window']);

const parsed = parseEngineConfig(DEFAULT_GENERATE.plans);
if (!parsed.ok) throw new Error('default plans are invalid');
const config: EngineConfig = parsed.config;
const AMOUNT_FEN = 100_000n;
const FANOUT = 3;

/**
 * All eight plans at their default parameters, with what has no default: levels from 0, 3,000 and 10,000 yuan,
 * level-differential rates 1%, 2%, 3%, and dividend weights 0, 1, 2 (the members paid at a close are those an
 * admin set to V2, 1 in 100). A heavier variant pays cashback in 3 installments.
 */
const LEVELS = [
  { code: 'V1', minSpendFen: 0n },
  { code: 'V2', minSpendFen: 300_000n },
  { code: 'V3', minSpendFen: 1_000_000n },
];
const ALL_PLANS = {
  referralCycle: {},
  promotionCommission: {},
  levelDifferential: { ratesBps: [100, 200, 300] },
  regionalAgent: {},
  cashback: {},
  queueRebate: {},
  dividendPool: { weights: [0, 1, 2] },
  appreciationPool: {},
};
const parsedAll = parseEngineConfig(ALL_PLANS, LEVELS);
if (!parsedAll.ok) throw new Error('the eight-plan configuration is invalid');
const allConfig: EngineConfig = parsedAll.config;
const parsedHeavy = parseEngineConfig({ ...ALL_PLANS, cashback: { installments: 3 } }, LEVELS);
if (!parsedHeavy.ok) throw new Error('the heavier eight-plan configuration is invalid');
const heavyConfig: EngineConfig = parsedHeavy.config;
/** Regions: 20 provinces x 5 cities x 5 districts; one agent for every province, city and district path. */
const PROVINCES = 20;
const CITIES = 5;
const DISTRICTS = 5;
const PERIOD_ORDERS = 10_000;

/** The region paths orders ship to, built once: orders share them, as real orders share a few thousand regions. */
const REGION_PATHS: string[][] = [];
for (let d = 0; d < PROVINCES * CITIES * DISTRICTS; d += 1) {
  REGION_PATHS.push([
    `P${d % PROVINCES}`,
    `C${intDiv(d, PROVINCES) % CITIES}`,
    `D${intDiv(d, PROVINCES * CITIES) % DISTRICTS}`,
  ]);
}

function regionOf(i: number): string[] {
  return REGION_PATHS[i % REGION_PATHS.length] as string[];
}

/** One agent per region path, appointed from the first shoppers, and 1 in 100 shoppers set to V2 (untimed). */
function appointAgents(engine: Engine, n: number): void {
  for (let i = 0; i < n; i += 100) engine.apply({ type: 'setLevel', user: `u${i + 1}`, level: 'V2' });
  let u = 1;
  for (let p = 0; p < PROVINCES; p += 1) {
    engine.apply({ type: 'appoint', user: `u${u++}`, region: [`P${p}`] });
    for (let c = 0; c < CITIES; c += 1) {
      engine.apply({ type: 'appoint', user: `u${u++}`, region: [`P${p}`, `C${c}`] });
      for (let d = 0; d < DISTRICTS; d += 1)
        engine.apply({ type: 'appoint', user: `u${u++}`, region: [`P${p}`, `C${c}`, `D${d}`] });
    }
  }
}

/** Orders for the eight-plan run: 9 in 10 carry a region, and a period closes every 10,000 orders. */
function allPlanEvents(from: number, to: number): EngineEvent[] {
  const events: EngineEvent[] = [];
  for (let i = from; i < to; i += 1) {
    events.push({
      type: 'settle',
      user: `u${i + 1}`,
      order: `o${i + 1}`,
      amountFen: AMOUNT_FEN,
      region: i % 10 === 0 ? undefined : regionOf(i),
    });
    if ((i + 1) % PERIOD_ORDERS === 0) events.push({ type: 'periodClose' });
  }
  return events;
}

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
  /** CPU time (user + system, all threads: GC helpers included) per order: steadier than wall time on a shared machine. */
  cpuNsPerOrder: number;
  exits: number;
  open: number;
}

function countExits(effects: ReturnType<Engine['apply']>): number {
  let n = 0;
  for (const e of effects) if (e.type === 'record' && e.kind === 'position' && e.data.status === 'exited') n += 1;
  return n;
}

/** Settles n orders on a fresh engine; only the settlements are timed (shoppers join beforehand). */
type Setup = 'two' | 'all' | 'heavy';

function runSize(n: number, setup: Setup = 'two'): Row {
  const all = setup !== 'two';
  const engine = new Engine(setup === 'two' ? config : setup === 'all' ? allConfig : heavyConfig);
  joinAll(engine, 0, n);
  if (all) appointAgents(engine, n);
  const events = all ? allPlanEvents(0, n) : settleEvents(0, n);
  let exits = 0;
  const cpuStarted = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const event of events) exits += countExits(engine.apply(event));
  const elapsedNs = Number(process.hrtime.bigint() - started);
  const cpu = process.cpuUsage(cpuStarted);
  return {
    orders: n,
    seconds: elapsedNs / 1e9,
    ordersPerSecond: (n * 1e9) / elapsedNs,
    nsPerOrder: elapsedNs / n,
    cpuNsPerOrder: ((cpu.user + cpu.system) * 1000) / n,
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
  return `${cpus().length} cores (${cpu}), ${memory} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}, load average ${format(startLoad, 1)} at the start (other work shares these cores)`;
}

const format = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Median of several runs: a fresh engine's first settlements also pay for tier-up and map growth. The setups run
 * interleaved (two, eight, eight heavier, two, ...) so that the machine's drift hits them alike.
 */
interface Spread {
  min: number;
  median: number;
  max: number;
}

function medianRuns(n: number): {
  two: Row;
  all: Row;
  heavy: Row;
  ratios: { wall: Spread; cpu: Spread; heavyCpu: Spread };
} {
  const repeats = n <= 100_000 ? 5 : 3;
  const runs: Record<Setup, Row[]> = { two: [], all: [], heavy: [] };
  for (let i = 0; i < repeats; i += 1) {
    for (const setup of ['two', 'all', 'heavy'] as const) runs[setup].push(runSize(n, setup));
  }
  const median = (list: Row[]): Row => list.sort((a, b) => a.nsPerOrder - b.nsPerOrder)[(repeats - 1) >> 1] as Row;
  const mid = (xs: number[]): number => xs.sort((a, b) => a - b)[(xs.length - 1) >> 1] as number;
  // Ratios pair by pair (run i of each setup ran back to back), so a drift of the machine's speed cancels out.
  const pairs = (setup: Setup, figure: 'nsPerOrder' | 'cpuNsPerOrder'): number[] =>
    runs[setup].map((r, i) => r[figure] / (runs.two[i] as Row)[figure]);
  const spread = (xs: number[]): Spread => ({ min: Math.min(...xs), median: mid([...xs]), max: Math.max(...xs) });
  const ratios = {
    wall: spread(pairs('all', 'nsPerOrder')),
    cpu: spread(pairs('all', 'cpuNsPerOrder')),
    heavyCpu: spread(pairs('heavy', 'cpuNsPerOrder')),
  };
  return { two: median([...runs.two]), all: median([...runs.all]), heavy: median([...runs.heavy]), ratios };
}

// Warm the JIT on separate engines so the smallest size is not timing the compiler.
runSize(20_000);
runSize(20_000, 'heavy');

const measured = sizes.map((n) => {
  const m = medianRuns(n);
  process.stderr.write(
    `settled ${format(n)} orders: two plans ${format(m.two.nsPerOrder)} ns/order, eight ${format(m.all.nsPerOrder)}, eight with cashback in 3 ${format(m.heavy.nsPerOrder)}; eight / two pairs: wall ${spreadText(m.ratios.wall)}, CPU ${spreadText(m.ratios.cpu)}\n`,
  );
  return m;
});
const rows = measured.map((m) => m.two);
function spreadText(s: Spread): string {
  return `${format(s.min, 2)} / ${format(s.median, 2)} / ${format(s.max, 2)}x`;
}
const allRows = measured.map((m) => ({ row: m.all, heavy: m.heavy, ratios: m.ratios }));
interface CloseRow {
  basis: 'level' | 'ranking';
  members: number;
  payees: number;
  ms: number;
}

/**
 * A dividend period close over `n` members: they join (every one at a level with a weight, the worst case for
 * the level basis) and each settles one order in the period, then the close is timed (median of 3 closes, each
 * after a fresh period). By ranking, the close pays the top 10 from the kept top-N list, never sorting members.
 */
function timeClose(n: number, basis: 'level' | 'ranking'): CloseRow {
  const plans = { dividendPool: basis === 'level' ? { weights: [1, 2, 3] } : { basis: 'ranking', topN: 10 } };
  const setup = parseEngineConfig(plans, LEVELS);
  if (!setup.ok) throw new Error('dividend configuration is invalid');
  const engine = new Engine(setup.config);
  joinAll(engine, 0, n);
  const times: number[] = [];
  let payees = 0;
  for (let round = 0; round < 3; round += 1) {
    for (let i = 0; i < n; i += 1) {
      engine.apply({ type: 'settle', user: `u${i + 1}`, order: `r${round}-${i}`, amountFen: BigInt(1000 + (i % 997)) });
    }
    const started = process.hrtime.bigint();
    const effects = engine.apply({ type: 'periodClose' });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    payees = effects.filter((e) => e.type === 'transfer').length;
  }
  times.sort((a, b) => a - b);
  return { basis, members: n, payees, ms: times[1] as number };
}
const closes = (['level', 'ranking'] as const).map((basis) => {
  const row = timeClose(members, basis);
  process.stderr.write(`dividend close by ${basis} over ${format(members)} members: ${format(row.ms)} ms\n`);
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
  `**All eight plans on vs the two original plans, in the same run** (median as below). Eight plans at default parameters: referral cycle, promotion commission, level differential (3 levels from 0, 3,000 and 10,000 yuan, rates 1/2/3%; 1 shopper in 100 set to the second level), regional agent (one agent per path of ${PROVINCES} provinces x ${CITIES} cities x ${DISTRICTS} districts; 9 orders in 10 carry a region), cashback (one installment), queue rebate, dividend by level (weights 0, 1, 2: the shoppers at the second level are paid), appreciation pool; a period closes every ${format(PERIOD_ORDERS)} orders and the closes are inside the timing. The last columns pay cashback in 3 installments instead (two more credits and records per order at later closes):`,
  '',
  '| settled orders | two plans ns/order | eight plans ns/order | eight / two | eight plans orders/s | cashback in 3: ns/order | / two | two plans CPU ns/order | eight plans CPU ns/order | eight / two CPU, pairs min / median / max | cashback in 3 / two CPU, pairs |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...allRows.map(({ row: r, heavy, ratios }, i) => {
    const two = rows[i] as Row;
    return `| ${format(r.orders)} | ${format(two.nsPerOrder)} | ${format(r.nsPerOrder)} | ${format(r.nsPerOrder / two.nsPerOrder, 2)}x | ${format(r.ordersPerSecond)} | ${format(heavy.nsPerOrder)} | ${format(heavy.nsPerOrder / two.nsPerOrder, 2)}x | ${format(two.cpuNsPerOrder)} | ${format(r.cpuNsPerOrder)} | ${spreadText(ratios.cpu)} | ${spreadText(ratios.heavyCpu)} |`;
  }),
  '',
  `**A dividend period close over ${format(members)} members** (median of 3 closes, each after a period in which every member settled one order): by level every member holds a weighted level and is paid (one transfer each); by ranking the top 10 come from the kept top-N list, no member list is sorted:`,
  '',
  '| basis | members | payees | close ms |',
  '|---|---:|---:|---:|',
  ...closes.map((c) => `| ${c.basis} | ${format(c.members)} | ${format(c.payees)} | ${format(c.ms)} |`),
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
