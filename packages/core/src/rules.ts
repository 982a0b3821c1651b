import type { CampaignScope } from './campaigns';
import type { Effect } from './effects';
import { Engine, type EngineEvent } from './engine';
import { formatYuan } from './money';
import type { ExampleEvent, Fact, Level } from './plan';
import type { Label, ParamSpec } from './params';
import { parseParams } from './params';
import { bpsText } from './plans/format';
import { findPlan, type AnyPlanDefinition } from './plans/registry';

/**
 * The shopper-facing rules page (SPEC 3.4), generated from live parameters: what each campaign pays and when,
 * its parameters formatted, and a worked example the engine itself computes, from an empty engine or, given the
 * live engine, from today's state (on a fork, so nothing real moves).
 */
export interface RulesExampleStep {
  label: Label;
  rewards: { user: string; kind: string; label: Label; order: string | null; amountFen: bigint }[];
}

export interface RulesSection {
  plan: string;
  campaign: string | null;
  version: number | null;
  title: Label;
  summary: Label;
  highRisk: boolean;
  params: { name: string; label: Label; value: Label }[];
  clauses: readonly Label[];
  rewardKinds: { kind: string; label: Label }[];
  example: { description: Label; fromToday: boolean; steps: RulesExampleStep[] };
  /** Today's numbers of the live campaign (pool price, queue length, dividend pool...). */
  facts: readonly Fact[];
}

function formatParam(spec: ParamSpec, value: unknown, levels: readonly Level[]): Label {
  switch (spec.kind) {
    case 'bps':
      return { zh: bpsText(value as number), en: bpsText(value as number) };
    case 'fen': {
      const text = `¥${formatYuan(BigInt(value as number))}`;
      return { zh: text, en: text };
    }
    case 'bpsList': {
      const text = (value as number[]).map((v) => bpsText(v)).join(' / ');
      return { zh: text, en: text };
    }
    case 'perLevel': {
      const text = (value as number[]).map((v, i) => `${levels[i]?.code ?? `L${i + 1}`}: ${v}`).join(', ');
      return { zh: text, en: text };
    }
    case 'choice':
      return spec.choices.find((c) => c.value === value)?.label ?? { zh: String(value), en: String(value) };
    case 'boolean':
      return value === true ? { zh: '是', en: 'Yes' } : { zh: '否', en: 'No' };
    default:
      return { zh: String(value), en: String(value) };
  }
}

function kindLabel(definition: AnyPlanDefinition, kind: string): Label {
  return (definition.rewardKinds as Record<string, Label | undefined>)[kind] ?? { zh: kind, en: kind };
}

/** An in-scope line for example orders of a campaign limited to products or categories. */
function linesFor(scope: CampaignScope | undefined, amountFen: bigint) {
  if (scope === undefined) return undefined;
  const product = [...scope.products][0] ?? '';
  const category = [...scope.categories][0];
  return [{ product: product === '' ? 'example' : product, category, amountFen }];
}

function toEvent(
  e: ExampleEvent,
  name: (symbol: string) => string,
  levels: readonly Level[],
  campaign: string,
  scope: CampaignScope | undefined,
): EngineEvent | undefined {
  switch (e.type) {
    case 'join':
      return { type: 'join', user: name(e.user), referrer: e.referrer === undefined ? undefined : name(e.referrer) };
    case 'settle':
      return {
        type: 'settle',
        user: name(e.user),
        order: name(e.order),
        amountFen: e.amountFen,
        region: e.region?.map(name),
        lines: linesFor(scope, e.amountFen),
        campaigns: [campaign],
      };
    case 'setLevel': {
      const level = levels[e.level];
      return level === undefined ? undefined : { type: 'setLevel', user: name(e.user), level: level.code };
    }
    case 'appoint':
      return { type: 'appoint', user: name(e.user), region: e.region.map(name) };
    case 'redeem':
      return { type: 'redeem', user: name(e.user), order: name(e.order), units: e.units, campaign };
    default:
      return { type: 'periodClose' };
  }
}

export interface RulesOptions {
  /** The platform's member levels (when no live engine is given). */
  levels?: readonly Level[];
  /** The live engine and the campaign to describe: the example then starts from today's state, on a fork. */
  live?: { engine: Engine; campaign: string };
}

/** The rules section of one plan with the given (raw) parameters, or of a live campaign. */
export function rulesSection(planCode: string, rawParams: unknown, options: RulesOptions = {}): RulesSection {
  const definition = findPlan(planCode);
  if (definition === undefined) throw new RangeError(`unknown plan ${planCode}`);
  const liveEntry = options.live?.engine.entry(options.live.campaign);
  const levels = options.live?.engine.levels ?? options.levels ?? [];
  const parsed = parseParams(definition.params, liveEntry?.params ?? rawParams, { levelCount: levels.length });
  if (!parsed.ok) throw new RangeError(`${planCode}: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const params = parsed.value;
  const rules = definition.rules(params, { levelCount: levels.length });
  const exampleLevels = levels.length > 0 ? levels : (rules.example.levels ?? []);

  let engine: Engine;
  let campaign: string;
  let name: (symbol: string) => string;
  if (options.live !== undefined && liveEntry !== undefined) {
    // Today's state, on a fork: example shoppers and orders get names no real id can have.
    engine = options.live.engine.fork();
    campaign = liveEntry.ref.id;
    name = (symbol) => `\u0000example:${symbol}`;
  } else {
    campaign = planCode;
    engine = new Engine({
      levels: exampleLevels,
      campaigns: [{ id: campaign, plan: planCode, params, scope: undefined }],
    });
    name = (symbol) => symbol;
  }
  const scope = engine.entry(campaign)?.scope;
  const display = (user: string): string =>
    user.startsWith('\u0000example:') ? user.slice('\u0000example:'.length) : user;
  const steps: RulesExampleStep[] = rules.example.steps.map((step) => {
    const effects: Effect[] = [];
    for (const e of step.events) {
      const event = toEvent(e, name, exampleLevels, campaign, scope);
      if (event !== undefined) effects.push(...engine.apply(event));
    }
    return {
      label: step.label,
      rewards: effects.flatMap((e) =>
        e.type === 'transfer' && e.user !== undefined && e.campaign === campaign
          ? [
              {
                user: display(e.user),
                kind: e.reason,
                label: kindLabel(definition, e.reason),
                order: e.order === null ? null : display(e.order),
                amountFen: e.amountFen,
              },
            ]
          : [],
      ),
    };
  });
  return {
    plan: planCode,
    campaign: liveEntry?.ref.id ?? null,
    version: liveEntry?.ref.version ?? null,
    title: definition.title,
    summary: definition.summary,
    highRisk: definition.highRisk,
    params: Object.entries(definition.params).map(([key, spec]) => ({
      name: key,
      label: spec.label,
      value: formatParam(spec, (params as Record<string, unknown>)[key], levels),
    })),
    clauses: rules.clauses,
    rewardKinds: Object.keys(definition.rewardKinds).map((kind) => ({ kind, label: kindLabel(definition, kind) })),
    example: { description: rules.example.description, fromToday: liveEntry !== undefined, steps },
    facts: liveEntry === undefined ? [] : liveEntry.definition.facts(liveEntry.instance),
  };
}

/** The whole rules page of a live engine: one section per campaign, in settlement order. */
export function rulesPage(engine: Engine, campaigns?: readonly string[]): RulesSection[] {
  return engine
    .campaigns()
    .filter((e) => campaigns === undefined || campaigns.includes(e.ref.id))
    .map((e) => rulesSection(e.ref.plan, e.params, { live: { engine, campaign: e.ref.id } }));
}
