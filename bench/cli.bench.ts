/**
 * CLI benchmark (not a test): how fast `mall` starts from the build `npm ci` made, and how a large scenario run end
 * to end (`mall simulate --scenario FILE > file`: process start, streaming read, engine, streaming write) compares
 * with the engine alone on the same events (runScenario in this process, the scenario already parsed).
 * Usage: npm run bench:cli [-- --orders 100000 --runs 9 --no-write]   (orders N = 2N events: a join and a settle each)
 * Needs a current build (npm run build:cli) and /usr/bin/time for CPU figures. Writes its table into
 * docs/benchmarks.md between the bench:cli markers.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseScenario, runScenario } from '@mall/core';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '9' },
    'no-write': { type: 'boolean', default: false },
  },
});
const ORDERS = Math.min(Math.max(Number(values.orders), 1000), 1_000_000);
const RUNS = Math.min(Math.max(Number(values.runs), 3), 51);
const ROOT = join(import.meta.dirname ?? '.', '..');
const BUILT = join(ROOT, 'packages', 'server', 'dist', 'main.js');
const BIN = join(ROOT, 'packages', 'server', 'bin', 'mall.js');
const TIME = '/usr/bin/time';

interface Sample {
  wallMs: number;
  cpuMs: number | undefined;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1] ?? 0;
}

/** One whole process, from outside: wall clock around it, user + system CPU from /usr/bin/time when present. */
function timeProcess(args: string[], stdoutFile?: string): Sample {
  // Standard output goes straight to a file, as with `> result.json`, not through this process.
  const out = stdoutFile === undefined ? 'ignore' : openSync(stdoutFile, 'w');
  try {
    const started = process.hrtime.bigint();
    if (existsSync(TIME)) {
      const result = spawnSync(TIME, ['-f', '%U %S', process.execPath, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', out, 'pipe'],
      });
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
      const [user, system] = (result.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
      return { wallMs, cpuMs: ((user ?? 0) + (system ?? 0)) * 1000 };
    }
    const result = spawnSync(process.execPath, args, { stdio: ['ignore', out, 'ignore'] });
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed`);
    return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: undefined };
  } finally {
    if (typeof out === 'number') closeSync(out);
  }
}

function measure(
  label: string,
  args: string[],
  runs: number,
): { label: string; wall: number; cpu: number | undefined } {
  timeProcess(args); // warm-up: file cache
  const samples = Array.from({ length: runs }, () => timeProcess(args));
  const cpu = samples.every((s) => s.cpuMs !== undefined) ? median(samples.map((s) => s.cpuMs ?? 0)) : undefined;
  return { label, wall: median(samples.map((s) => s.wallMs)), cpu };
}

function main(): void {
  if (!existsSync(BUILT)) throw new Error('no build: run npm run build:cli first');
  const load = (loadavg()[0] ?? 0).toFixed(1);
  const rows: string[] = [];
  const startup = [
    measure('`node -e 0` (Node alone, for scale)', ['-e', '0'], RUNS),
    measure('`mall --help`', [BIN, '--help'], RUNS),
    measure('`mall simulate --help`', [BIN, 'simulate', '--help'], RUNS),
  ];
  // The source through tsx, as every start was before the build step (and as a stale build still runs).
  process.env.MALL_FROM_SOURCE = '1';
  startup.push(measure('`mall --help` from the TypeScript source (tsx, as before the build step)', [BIN, '--help'], 3));
  delete process.env.MALL_FROM_SOURCE;
  for (const s of startup)
    rows.push(`| ${s.label} | ${s.wall.toFixed(0)} | ${s.cpu === undefined ? '-' : s.cpu.toFixed(0)} |`);

  const dir = mkdtempSync(join(tmpdir(), 'mall-cli-bench-'));
  try {
    const scenarioFile = join(dir, 'scenario.json');
    writeFileSync(
      scenarioFile,
      execFileSync(process.execPath, [BIN, 'simulate', '--generate', '--orders', String(ORDERS), '--emit-scenario'], {
        maxBuffer: 1 << 30,
      }),
    );
    const scenario = parseScenario(JSON.parse(readFileSync(scenarioFile, 'utf8')));
    const events = scenario.events.length;
    const engineOnce = (): { wall: number; cpu: number } => {
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      runScenario(scenario, {}, { exitDetection: 'index' });
      const used = process.cpuUsage(cpu);
      return { wall: Number(process.hrtime.bigint() - started) / 1e6, cpu: (used.user + used.system) / 1000 };
    };
    const resultFile = join(dir, 'result.json');
    const endToEnd = (): Sample => timeProcess([BIN, 'simulate', '--scenario', scenarioFile], resultFile);
    engineOnce();
    endToEnd();
    // Engine and whole process take turns, and each pair gives a ratio: the machine's speed drifts less within a
    // pair than across the whole run.
    const runs = Math.min(RUNS, 7);
    const pairs = Array.from({ length: runs }, () => ({ engine: engineOnce(), e2e: endToEnd() }));
    const engineMs = median(pairs.map((p) => p.engine.wall));
    const engineCpu = median(pairs.map((p) => p.engine.cpu));
    const e2eWall = median(pairs.map((p) => p.e2e.wallMs));
    const hasCpu = pairs.every((p) => p.e2e.cpuMs !== undefined);
    const e2eCpu = hasCpu ? median(pairs.map((p) => p.e2e.cpuMs ?? 0)) : undefined;
    const wallRatio = median(pairs.map((p) => p.e2e.wallMs / p.engine.wall));
    const cpuRatio = hasCpu ? median(pairs.map((p) => (p.e2e.cpuMs ?? 0) / p.engine.cpu)) : undefined;
    // The spread of the pairs' ratios (issue 14: every figure with its spread over at least three runs).
    const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}x / ${Math.max(...xs).toFixed(2)}x`;
    const wallSpread = spread(pairs.map((p) => p.e2e.wallMs / p.engine.wall));
    const cpuSpread = hasCpu ? spread(pairs.map((p) => (p.e2e.cpuMs ?? 0) / p.engine.cpu)) : '-';
    const mb = (file: string): string => (statSync(file).size / 1e6).toFixed(1);
    const text = [
      `Run ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, load average ${load} at the start (a shared machine: the CPU column is the steadier figure). Command: \`npm run bench:cli -- --orders ${ORDERS} --runs ${RUNS}\` (bench/cli.bench.ts). Whole processes timed from outside, median of ${RUNS} runs after a warm-up (3 for the tsx row); CPU = user + system from \`/usr/bin/time\`.`,
      '',
      '| command | wall ms (median) | CPU ms (median) |',
      '|---|---:|---:|',
      ...rows,
      '',
      `**A ${events.toLocaleString('en-US')}-event scenario** (${ORDERS.toLocaleString('en-US')} orders from \`mall simulate --generate --orders ${ORDERS}\`, a join and a settle each; ${mb(scenarioFile)} MB in, ${mb(resultFile)} MB of result JSON out):`,
      '',
      `${runs} pairs, each the engine alone then the whole command; medians, and the median of the pairs' ratios:`,
      '',
      '| what | wall ms | CPU ms |',
      '|---|---:|---:|',
      `| engine alone: \`runScenario\` on the parsed events, inside one process | ${engineMs.toFixed(0)} | ${engineCpu.toFixed(0)} |`,
      `| \`mall simulate --scenario FILE > result.json\`, the whole process | ${e2eWall.toFixed(0)} | ${e2eCpu === undefined ? '-' : e2eCpu.toFixed(0)} |`,
      `| whole process / engine alone | ${wallRatio.toFixed(2)}x | ${cpuRatio === undefined ? '-' : `${cpuRatio.toFixed(2)}x`} |`,
      `| the same ratio over the pairs, min / max | ${wallSpread} | ${cpuSpread} |`,
      '',
      'Target: end to end within 2x of the engine alone; `mall --help` under 200 ms.',
    ].join('\n');
    process.stdout.write(`${text}\n`);
    if (!values['no-write']) writeSection(text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeSection(text: string): void {
  const file = join(ROOT, 'docs', 'benchmarks.md');
  const start = '<!-- bench:cli:start -->';
  const end = '<!-- bench:cli:end -->';
  let doc = readFileSync(file, 'utf8');
  if (!doc.includes(start) || !doc.includes(end))
    doc = `${doc.replace(/\n*$/, '\n')}\n## The mall command\n\n${start}\n${end}\n`;
  const before = doc.slice(0, doc.indexOf(start) + start.length);
  const after = doc.slice(doc.indexOf(end));
  writeFileSync(file, `${before}\n${text}\n${after}`);
}

main();
