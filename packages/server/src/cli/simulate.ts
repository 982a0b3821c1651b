import { parseArgs } from 'node:util';
import {
  DEFAULT_GENERATE,
  PLANS,
  ScenarioError,
  SummaryCollector,
  completeGenerateOptions,
  formatSummary,
  generateScenario,
  parseScenario,
  runScenario,
  ScenarioRun,
  writeResult,
  type EngineEvent,
  type GenerateOptions,
  type ParamSchema,
  type PlanRuntimeOptions,
  type Scenario,
  type ScenarioHeader,
  type ScenarioResult,
} from '@mall/core';
import { Progress } from './progress';
import { JsonStreamError } from './json-stream';
import { streamScenario, type EventSink, type StreamedScenario } from './scenario-stream';
import { runFileThreaded } from './scenario-threads';
import { stdoutSink } from './stdout-sink';
import { trace } from './phase-trace';

const DEFAULT_PLANS = Object.keys(DEFAULT_GENERATE.plans).join(',');

const HELP = `usage: mall simulate --scenario FILE [--summary [--margin-bps BPS]]
       mall simulate --generate [generator options] [--summary [--margin-bps BPS] | --emit-scenario]

Runs the incentive rules over a scenario (SPEC 4; the campaigns form is in docs/scenario.md) and prints the
result JSON on stdout.

  --scenario FILE        scenario file ("-" reads standard input)
  --summary              print a readable report instead of the result JSON: each reward kind and each campaign
                         with its payout and share of revenue, the combined payout, each campaign's facts
  --margin-bps BPS       your gross margin in bps of revenue: the summary sets the combined payout against it
  --generate             build a synthetic scenario instead of reading one:
    --orders N             settled orders (default ${DEFAULT_GENERATE.orders})
    --amount FEN[,FEN..]   order amounts in fen, one picked per order (default ${DEFAULT_GENERATE.amountsFen.join(',')})
    --fanout K             shoppers each shopper invites, breadth-first (default ${DEFAULT_GENERATE.fanout})
    --repeat-bps BPS       chance an order is a repeat purchase (default 0)
    --redeem-bps BPS       chance of a redemption after each order (default 0)
    --redeem-units UNITS   micro-points per redemption (default ${DEFAULT_GENERATE.redeemUnits})
    --seed N               random seed (default ${DEFAULT_GENERATE.seed})
    --plans CODES          enabled plans, comma separated, or "all" (default ${DEFAULT_PLANS});
                           known: ${PLANS.map((p) => p.code).join(', ')}
    --set PLAN.PARAM=V     a plan parameter, repeatable: integers, lists comma separated, true/false, or a
                           choice name, e.g. --set referralCycle.ratesBps=1000,2000,7000 --set dividendPool.basis=ranking
    --products N           products p1..pN; each order gets one or two lines over them
    --scope PLAN=P,P..     limit a plan to some products (with --products), repeatable
    --levels FEN,FEN..     member level thresholds in fen, lowest first (levels L1, L2, ...); plans with per-level
                           parameters get levels 0,300000,1000000 and rates 100,200,300 unless you say otherwise
    --set-level-bps BPS    chance of an admin setLevel after each order (default 0)
    --regions P,C,D        region mix: provinces, cities per province, districts per city (default none)
    --agents N             the first N shoppers are appointed agents, province, city, district in turn
    --period-orders N      a periodClose after every N orders (default never)
    --emit-scenario        print the generated scenario JSON instead of running it

Exit codes: 0 ok, 2 bad input (the message names the event index where there is one).
`;

class UsageError extends Error {}

function positiveInt(name: string, text: string | undefined, fallback: number, allowZero = false): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || (!allowZero && value === 0))
    throw new UsageError(`--${name} is out of range: ${text}`);
  return value;
}

function bps(name: string, text: string | undefined): number {
  const value = positiveInt(name, text, 0, true);
  if (value > 10_000) throw new UsageError(`--${name} must be between 0 and 10000, got ${value}`);
  return value;
}

function intList(name: string, text: string): number[] {
  return text.split(',').map((part) => positiveInt(name, part.trim(), 0, true));
}

function parseSetting(text: string): [string, string, unknown] {
  const match = /^([A-Za-z]+)\.([A-Za-z0-9]+)=(.*)$/.exec(text);
  if (!match) throw new UsageError(`--set expects PLAN.PARAM=VALUE, got ${JSON.stringify(text)}`);
  const [, plan, param, raw] = match as unknown as [string, string, string, string];
  const spec = PLANS.find((p) => p.code === plan)?.params[param];
  if (spec?.kind === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new UsageError(`--set ${plan}.${param}: expected true or false`);
    return [plan, param, raw === 'true'];
  }
  if (spec?.kind === 'choice') return [plan, param, raw];
  const items = raw.split(',').map((part) => {
    if (!/^-?\d+$/.test(part.trim()))
      throw new UsageError(`--set ${plan}.${param}: ${JSON.stringify(part)} is not an integer`);
    return Number(part.trim());
  });
  const isList = spec?.kind === 'bpsList' || spec?.kind === 'perLevel';
  return [plan, param, isList ? items : items.length === 1 ? items[0] : items];
}

function generatorOptions(values: Record<string, string | boolean | string[] | undefined>): GenerateOptions {
  const str = (key: string): string | undefined => values[key] as string | undefined;
  const amounts = str('amount')?.split(',') ?? DEFAULT_GENERATE.amountsFen.map(String);
  const amountsFen = amounts.map((a) => positiveInt('amount', a.trim(), 0, true));
  const planText = str('plans') ?? DEFAULT_PLANS;
  const planCodes = (planText === 'all' ? PLANS.map((p) => p.code) : planText.split(','))
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  const plans: Record<string, Record<string, unknown>> = {};
  for (const code of planCodes) plans[code] = {};
  for (const setting of (values.set as string[] | undefined) ?? []) {
    const [plan, param, value] = parseSetting(setting);
    const target = plans[plan];
    if (target === undefined) throw new UsageError(`--set ${plan}.${param}: plan ${plan} is not enabled (see --plans)`);
    target[param] = value;
  }
  for (const scope of (values.scope as string[] | undefined) ?? []) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(scope);
    if (!match) throw new UsageError(`--scope expects PLAN=PRODUCT,PRODUCT.., got ${JSON.stringify(scope)}`);
    const target = plans[match[1] as string];
    if (target === undefined)
      throw new UsageError(`--scope ${match[1]}: plan ${match[1]} is not enabled (see --plans)`);
    target.products = (match[2] as string).split(',').filter((p) => p.length > 0);
  }
  let regions: GenerateOptions['regions'];
  if (str('regions') !== undefined) {
    const [provinces, cities, districts] = intList('regions', str('regions') as string);
    if (provinces === undefined || cities === undefined || districts === undefined || provinces === 0) {
      throw new UsageError('--regions expects P,C,D with at least one province, e.g. --regions 3,4,5');
    }
    regions = { provinces, cities: Math.max(1, cities), districts: Math.max(1, districts) };
  }
  const options: GenerateOptions = {
    orders: positiveInt('orders', str('orders'), DEFAULT_GENERATE.orders),
    amountsFen,
    fanout: positiveInt('fanout', str('fanout'), DEFAULT_GENERATE.fanout, true),
    repeatBps: bps('repeat-bps', str('repeat-bps')),
    redeemBps: bps('redeem-bps', str('redeem-bps')),
    redeemUnits: positiveInt('redeem-units', str('redeem-units'), DEFAULT_GENERATE.redeemUnits),
    seed: positiveInt('seed', str('seed'), DEFAULT_GENERATE.seed, true),
    plans,
    levelsFen: str('levels') === undefined ? undefined : intList('levels', str('levels') as string),
    setLevelBps: bps('set-level-bps', str('set-level-bps')),
    regions,
    agents: positiveInt('agents', str('agents'), 0, true),
    periodOrders: positiveInt('period-orders', str('period-orders'), 0, true),
    products: positiveInt('products', str('products'), 0, true),
  };
  const schemas = new Map<string, ParamSchema>(PLANS.map((p) => [p.code, p.params]));
  return completeGenerateOptions(options, schemas);
}

/**
 * The result JSON and a newline on standard output, in pieces of about 64 KiB as they are made; to a file or a pipe
 * Node writes standard output synchronously on Linux, so nothing piles up.
 */
function writeResultOut(result: ScenarioResult): void {
  const out = stdoutSink();
  writeResult(result, (part) => out.write(part));
  out.write('\n');
  out.end();
}

/** A read failure as the command says it. */
function readFailure(file: string, error: unknown): unknown {
  if (error instanceof JsonStreamError) return new ScenarioError('malformed_json', error.message);
  if (error instanceof Error && 'syscall' in error) {
    return new UsageError(
      `cannot read scenario ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return error;
}

/** Reads a scenario file as streamScenario does, with read failures said as the command says them. */
function streamFile(file: string, start: (header: ScenarioHeader) => EventSink): StreamedScenario {
  try {
    return streamScenario(file, start);
  } catch (error) {
    throw readFailure(file, error);
  }
}

/** Reads the scenario in pieces, keeping only the checked events (json-stream.ts, scenario-stream.ts). */
function readScenario(file: string): Scenario {
  const events: EngineEvent[] = [];
  const read = streamFile(file, () => (event) => events.push(event));
  if (!read.streamed) return read.scenario;
  const { form, config } = read.header;
  return read.error === undefined ? { form, config, events } : { form, config, events, error: read.error };
}

/**
 * Runs a scenario file through the engine as it is read: neither the raw events nor the checked ones are held,
 * only the engine and what the result needs. Throws the errors runScenario(parseScenario(whole file)) would.
 */
async function runFile(file: string, options: PlanRuntimeOptions): Promise<ScenarioResult> {
  const progress = new Progress(undefined, 'simulate');
  const onEvent = (index: number): void => {
    if ((index & 0x3fff) === 0) progress.update(index);
  };
  if (file !== '-') {
    // A file is read and checked by a second thread while this one runs the engine (scenario-threads.ts). Standard
    // input stays on one thread: a file with a field after its events must be read twice, which stdin cannot be.
    let threaded: ScenarioRun | undefined;
    try {
      threaded = await runFileThreaded(file, { onEvent }, options);
    } catch (error) {
      throw readFailure(file, error);
    }
    if (threaded !== undefined) {
      progress.done(threaded.applied);
      return threaded.result();
    }
  }
  let run: ScenarioRun | undefined;
  const read = streamFile(file, (header) => {
    const started = new ScenarioRun(header.config, header.form, { onEvent }, options);
    run = started;
    return (event) => started.apply(event);
  });
  if (!read.streamed) {
    const whole = new Progress(read.scenario.events.length, 'simulate');
    const result = runScenario(
      read.scenario,
      { onEvent: (index) => (index & 0x3fff) === 0 && whole.update(index) },
      options,
    );
    whole.done();
    return result;
  }
  if (read.error !== undefined) throw read.error;
  const finished = run as ScenarioRun;
  progress.done(finished.applied);
  return finished.result();
}

export async function run(argv: string[]): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string' },
        summary: { type: 'boolean' },
        'margin-bps': { type: 'string' },
        generate: { type: 'boolean' },
        orders: { type: 'string' },
        amount: { type: 'string' },
        fanout: { type: 'string' },
        'repeat-bps': { type: 'string' },
        'redeem-bps': { type: 'string' },
        'redeem-units': { type: 'string' },
        seed: { type: 'string' },
        plans: { type: 'string' },
        set: { type: 'string', multiple: true },
        scope: { type: 'string', multiple: true },
        products: { type: 'string' },
        levels: { type: 'string' },
        'set-level-bps': { type: 'string' },
        regions: { type: 'string' },
        agents: { type: 'string' },
        'period-orders': { type: 'string' },
        'emit-scenario': { type: 'boolean' },
        'exit-detection': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (values.generate === (values.scenario !== undefined)) {
      throw new UsageError('give exactly one of --scenario FILE or --generate');
    }
    const detection = values['exit-detection'] ?? 'index';
    if (detection !== 'index' && detection !== 'scan') throw new UsageError('--exit-detection must be index or scan');
    const marginBps = values['margin-bps'] === undefined ? undefined : bps('margin-bps', values['margin-bps']);
    if (marginBps !== undefined && !values.summary) throw new UsageError('--margin-bps only goes with --summary');

    if (values['emit-scenario'] && !values.generate) {
      throw new UsageError('--emit-scenario only goes with --generate');
    }
    const options: PlanRuntimeOptions = { exitDetection: detection };
    if (!values.generate && !values.summary) {
      const ran = await runFile(values.scenario as string, options);
      trace('run');
      writeResultOut(ran);
      trace('written');
      return 0;
    }

    let scenario: Scenario;
    if (values.generate) {
      const generated = generateScenario(generatorOptions(values));
      scenario = parseScenario(generated);
      if (values['emit-scenario']) {
        process.stdout.write(`${JSON.stringify(generated)}\n`);
        return 0;
      }
    } else scenario = readScenario(values.scenario as string);

    const total = scenario.events.length;
    const progress = new Progress(total, 'simulate');
    const collector = values.summary ? new SummaryCollector(total) : undefined;
    const result = runScenario(
      scenario,
      {
        onEvent(index, event, effects, engine) {
          collector?.onEvent(index, event, effects, engine);
          if ((index & 0x3fff) === 0) progress.update(index);
        },
      },
      options,
    );
    progress.done();
    if (collector) process.stdout.write(formatSummary(collector.result(result.engine), { marginBps }));
    else writeResultOut(result);
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof UsageError) {
      process.stderr.write(`mall simulate: ${error.message}\n`);
      return 2;
    }
    if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`mall simulate: ${error.message}\n\n${HELP}`);
      return 2;
    }
    throw error;
  }
}
