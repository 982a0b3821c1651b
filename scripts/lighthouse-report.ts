/** Turns Lighthouse runs into the medians, target checks and the markdown table of docs/web-performance.md. */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

export type Preset = 'mobile' | 'desktop';

export interface Targets {
  performance: number;
  accessibility: number;
  bestPractices?: number;
}

/** One Lighthouse run reduced to the figures the table shows (scores 0-100, times in ms, bytes). */
export interface RunFigures {
  performance: number;
  accessibility: number;
  bestPractices: number;
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  transferredBytes: number;
  benchmarkIndex: number;
}

export interface PageResult {
  name: string;
  path: string;
  preset: Preset;
  targets: Targets;
  runs: RunFigures[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function medianFigures(runs: RunFigures[]): RunFigures {
  const pick = (key: keyof RunFigures): number => median(runs.map((r) => r[key]));
  return {
    performance: pick('performance'),
    accessibility: pick('accessibility'),
    bestPractices: pick('bestPractices'),
    fcpMs: pick('fcpMs'),
    lcpMs: pick('lcpMs'),
    tbtMs: pick('tbtMs'),
    cls: pick('cls'),
    transferredBytes: pick('transferredBytes'),
    benchmarkIndex: pick('benchmarkIndex'),
  };
}

/** The targets a page misses on its medians, as text (empty when every target is met). */
export function missedTargets(page: PageResult): string[] {
  const m = medianFigures(page.runs);
  const missed: string[] = [];
  if (m.performance < page.targets.performance)
    missed.push(`performance ${m.performance} < ${page.targets.performance}`);
  if (m.accessibility < page.targets.accessibility)
    missed.push(`accessibility ${m.accessibility} < ${page.targets.accessibility}`);
  if (page.targets.bestPractices !== undefined && m.bestPractices < page.targets.bestPractices)
    missed.push(`best practices ${m.bestPractices} < ${page.targets.bestPractices}`);
  return missed;
}

export function machine(): string {
  const cpu = existsSync('/proc/cpuinfo')
    ? (/model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown')
    : (cpus()[0]?.model ?? 'unknown');
  let chromium = 'Chromium';
  try {
    chromium = execSync('/usr/bin/chromium --version 2>/dev/null').toString().trim();
  } catch {
    // the version line is decoration; the run itself fails loudly without the browser
  }
  return `${cpus().length} × ${cpu.trim()}, Node ${process.version}, ${chromium}`;
}

export interface ReportContext {
  command: string;
  lighthouseVersion: string;
  startedAt: Date;
  loadStart: string;
  loadEnd: string;
}

export function markdown(pages: PageResult[], context: ReportContext): string {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const rows = pages.map((page) => {
    const m = medianFigures(page.runs);
    const missed = missedTargets(page);
    const perfRuns = page.runs.map((r) => r.performance).join(' / ');
    return `| ${page.name} (\`${page.path}\`) | ${page.preset} | ${m.performance} (${perfRuns}) | ${m.accessibility} | ${m.bestPractices} | ${seconds(m.fcpMs)} | ${seconds(m.lcpMs)} | ${m.tbtMs.toFixed(0)} ms | ${m.cls.toFixed(3)} | ${(m.transferredBytes / 1024).toFixed(0)} KiB | ${missed.length === 0 ? 'met' : `**not met**: ${missed.join(', ')}`} |`;
  });
  const targets = pages.map(
    (p) =>
      `${p.name}: performance >= ${p.targets.performance}, accessibility >= ${p.targets.accessibility}${p.targets.bestPractices === undefined ? '' : `, best practices >= ${p.targets.bestPractices}`}`,
  );
  return [
    `Command: \`${context.command}\`. Run ${context.startedAt.toISOString().slice(0, 16)}Z with Lighthouse ${context.lighthouseVersion}.`,
    `Machine: ${machine()}; load average ${context.loadStart} at the start, ${context.loadEnd} at the end (a shared 2-core machine: Lighthouse's simulated throttling scales the CPU time it observes, so a busy machine lowers TBT-driven scores).`,
    '',
    'Each figure is the median of the runs taken one by one (the performance column lists every run). Transferred = bytes over the wire (`total-byte-weight`). Mobile = Lighthouse defaults (Moto G Power emulation, simulated slow 4G, 4x CPU slowdown); desktop = its desktop config.',
    '',
    '| page | preset | performance (runs) | accessibility | best practices | FCP | LCP | TBT | CLS | transferred | targets |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
    `Targets: ${targets.join('; ')}.`,
  ].join('\n');
}

/** Replaces the text between the lighthouse markers of the document (adds them when missing). */
export function writeSection(file: string, text: string): void {
  const start = '<!-- lighthouse:start -->';
  const end = '<!-- lighthouse:end -->';
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Web performance\n';
  if (!doc.includes(start) || !doc.includes(end))
    doc = `${doc.replace(/\n*$/, '\n')}\n## Latest Lighthouse run\n\n${start}\n${end}\n`;
  const before = doc.slice(0, doc.indexOf(start) + start.length);
  const after = doc.slice(doc.indexOf(end));
  writeFileSync(file, `${before}\n${text}\n${after}`);
}
