import { parseArgs } from 'node:util';
import {
  DEFAULT_GENERATE,
  PLANS,
  ScenarioError,
  SummaryCollector,
  formatSummary,
  generateScenario,
  parseScenario,
  resultToJson,
  runScenario,
  type GenerateOptions,
  type Scenario,
} from '@mall/core';
import { Progress } from './progress';
import { JsonStreamError, readJsonFile, writeJson } from './json-stream';

const HELP = `usage: mall simulate --scenario FILE [--summary]
       mall simulate --generate [generator options] [--summary | --emit-scenario]

Runs the incentive rules over a scenario (SPEC 4) and prints the result JSON on stdout.

  --scenario FILE        scenario file ("-" reads standard input)
  --summary              print a readable table instead of the result JSON
  --generate             build a synthetic scenario instead of reading one:
    --orders N             settled orders (default ${DEFAULT_GENERATE.orders})
    --amount FEN[,FEN..]   order amounts in fen, one picked per order (default ${DEFAULT_GENERATE.amountsFen.join(',')})
    --fanout K             shoppers each shopper invites, breadth-first (default ${DEFAULT_GENERATE.fanout})
    --repeat-bps BPS       chance an order is a repeat purchase (default 0)
    --redeem-bps BPS       chance of a redemption after each order (default 0)
    --redeem-units UNITS   micro-points per redemption (default ${DEFAULT_GENERATE.redeemUnits})
    --seed N               random seed (default ${DEFAULT_GENERATE.seed})
    --plans CODES          enabled plans, comma separated (default ${PLANS.map((p) => p.code).join(',')})
    --set PLAN.PARAM=V     a plan parameter, repeatable (lists comma separated), e.g. --set referralCycle.ratesBps=1000,2000,7000
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

function parseSetting(text: string): [string, string, unknown] {
  const match = /^([A-Za-z]+)\.([A-Za-z]+)=(.*)$/.exec(text);
  if (!match) throw new UsageError(`--set expects PLAN.PARAM=VALUE, got ${JSON.stringify(text)}`);
  const [, plan, param, raw] = match as unknown as [string, string, string, string];
  const items = raw.split(',').map((part) => {
    if (!/^-?\d+$/.test(part.trim()))
      throw new UsageError(`--set ${plan}.${param}: ${JSON.stringify(part)} is not an integer`);
    return Number(part.trim());
  });
  const definition = PLANS.find((p) => p.code === plan);
  const isList = definition?.params[param]?.kind === 'bpsList';
  return [plan, param, isList ? items : items.length === 1 ? items[0] : items];
}

function generatorOptions(values: Record<string, string | boolean | string[] | undefined>): GenerateOptions {
  const str = (key: string): string | undefined => values[key] as string | undefined;
  const amounts = str('amount')?.split(',') ?? DEFAULT_GENERATE.amountsFen.map(String);
  const amountsFen = amounts.map((a) => positiveInt('amount', a.trim(), 0, true));
  const planCodes = (str('plans') ?? PLANS.map((p) => p.code).join(','))
    .split(',')
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
  return {
    orders: positiveInt('orders', str('orders'), DEFAULT_GENERATE.orders),
    amountsFen,
    fanout: positiveInt('fanout', str('fanout'), DEFAULT_GENERATE.fanout, true),
    repeatBps: bps('repeat-bps', str('repeat-bps')),
    redeemBps: bps('redeem-bps', str('redeem-bps')),
    redeemUnits: positiveInt('redeem-units', str('redeem-units'), DEFAULT_GENERATE.redeemUnits),
    seed: positiveInt('seed', str('seed'), DEFAULT_GENERATE.seed, true),
    plans,
  };
}

/** Reads the scenario in pieces (see json-stream.ts): a large file's text is never held whole. */
function readScenario(file: string): Scenario {
  let raw: unknown;
  try {
    raw = readJsonFile(file === '-' ? 0 : file);
  } catch (error) {
    if (error instanceof JsonStreamError) throw new ScenarioError('malformed_json', error.message);
    throw new UsageError(
      `cannot read scenario ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseScenario(raw);
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

    let scenario: Scenario;
    if (values.generate) {
      const generated = generateScenario(generatorOptions(values));
      if (values['emit-scenario']) {
        scenario = parseScenario(generated);
        process.stdout.write(`${JSON.stringify(generated)}\n`);
        return 0;
      }
      scenario = parseScenario(generated);
    } else {
      if (values['emit-scenario']) throw new UsageError('--emit-scenario only goes with --generate');
      scenario = readScenario(values.scenario as string);
    }

    const total = scenario.events.length;
    const progress = new Progress(total, 'simulate');
    const collector = values.summary ? new SummaryCollector(total) : undefined;
    const result = runScenario(
      scenario,
      {
        onEvent(index, event, effects) {
          collector?.onEvent(index, event, effects);
          if ((index & 0x3fff) === 0) progress.update(index);
        },
      },
      { exitDetection: detection },
    );
    progress.done();
    if (collector) process.stdout.write(formatSummary(collector.result()));
    else writeJson(resultToJson(result));
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
