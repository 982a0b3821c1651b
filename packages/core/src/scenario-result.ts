import { JsonWriter, quoteJson, type JsonValue } from './json';
import { PLANS } from './plans/registry';
import type { RewardKind } from './effects';
import type { Engine } from './engine';
import type { ScenarioForm } from './scenario-events';

export interface Reward {
  kind: RewardKind | 'rejected';
  user: string;
  /** null for a dividend. */
  order: string | null;
  amountFen: bigint;
  campaign: string | null;
  version: number | null;
}

export interface ScenarioResult {
  form: ScenarioForm;
  wallets: Map<string, bigint>;
  rewards: Reward[];
  /** The engine after the last event (facts, rules, projections). */
  engine: Engine;
}

/**
 * Unicode code point order (SPEC 4). JavaScript compares UTF-16 units, which agrees except where a surrogate
 * (U+D800..U+DFFF, part of a character beyond U+FFFF) meets a unit in U+E000..U+FFFF: moving surrogates above that
 * range at the first difference gives code point order.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

// The two parts that grow with the events are laid out lazily: the tree form builds them, the writer streams them.
const WALLETS = Symbol('wallets');
const REWARDS = Symbol('rewards');
type Slot = JsonValue | typeof WALLETS | typeof REWARDS;

/** The result's top-level keys in the contract's order: SPEC 4 for the plans form, docs/scenario.md for campaigns. */
function layout(result: ScenarioResult): Map<string, Slot> {
  const { engine } = result;
  const out = new Map<string, Slot>();
  if (result.form === 'campaigns') {
    const campaigns = new Map<string, JsonValue>();
    for (const entry of [...engine.campaigns()].sort((a, b) => a.created - b.created)) {
      campaigns.set(entry.ref.id, {
        plan: entry.ref.plan,
        version: entry.ref.version,
        ...(entry.definition.result?.json(entry.instance) ?? {}),
      });
    }
    out.set('campaigns', campaigns);
    out.set('wallets', WALLETS);
    out.set('rewards', REWARDS);
    return out;
  }
  // Plans form: one campaign per plan, named by the plan code. Sections ranked below 0 precede the wallets.
  const sections = PLANS.filter((p) => p.result !== undefined).sort(
    (a, b) => (a.result?.rank ?? 0) - (b.result?.rank ?? 0),
  );
  const put = (before: boolean): void => {
    for (const definition of sections) {
      const section = definition.result;
      if (section === undefined || section.rank < 0 !== before) continue;
      const entry = engine.entry(definition.code);
      const json = entry === undefined ? section.whenOff : section.json(entry.instance);
      for (const [key, value] of Object.entries(json ?? {})) out.set(key, value);
    }
  };
  put(true);
  out.set('wallets', WALLETS);
  out.set('rewards', REWARDS);
  put(false);
  return out;
}

function sortedUsers(wallets: ReadonlyMap<string, bigint>): string[] {
  return [...wallets.keys()].sort(compareCodePoints);
}

function rewardJson(form: ScenarioResult['form'], r: Reward): JsonValue {
  return form === 'campaigns'
    ? { kind: r.kind, campaign: r.campaign, version: r.version, user: r.user, order: r.order, amountFen: r.amountFen }
    : { kind: r.kind, user: r.user, order: r.order, amountFen: r.amountFen };
}

/** The result in the contract's shape: SPEC 4 for the plans form, docs/scenario.md for the campaigns form. */
export function resultToJson(result: ScenarioResult): JsonValue {
  const out = new Map<string, JsonValue>();
  for (const [key, slot] of layout(result)) {
    if (slot === WALLETS) {
      // A Map, not an object: "__proto__" must be a key like any other, and "10" must follow "1".
      const wallets = new Map<string, JsonValue>();
      for (const user of sortedUsers(result.wallets)) wallets.set(user, result.wallets.get(user) ?? 0n);
      out.set(key, wallets);
    } else if (slot === REWARDS) {
      out.set(
        key,
        result.rewards.map((r) => rewardJson(result.form, r)),
      );
    } else out.set(key, slot);
  }
  return out;
}

const q = quoteJson;

function writeWallets(writer: JsonWriter, wallets: ReadonlyMap<string, bigint>): void {
  const users = sortedUsers(wallets);
  if (users.length === 0) {
    writer.raw('{}');
    return;
  }
  writer.raw('{\n    ');
  for (let i = 0; i < users.length; i += 1) {
    const user = users[i] as string;
    writer.raw(`${i > 0 ? ',\n    ' : ''}${q(user)}: ${(wallets.get(user) ?? 0n).toString()}`);
    writer.itemDone();
  }
  writer.raw('\n  }');
}

// A handful of kinds, quoted once each rather than once per reward.
const quotedKinds = new Map<string, string>();

function quotedKind(kind: string): string {
  let quoted = quotedKinds.get(kind);
  if (quoted === undefined) {
    quoted = q(kind);
    quotedKinds.set(kind, quoted);
  }
  return quoted;
}

function writeRewards(writer: JsonWriter, result: ScenarioResult): void {
  const { rewards } = result;
  if (rewards.length === 0) {
    writer.raw('[]');
    return;
  }
  writer.raw('[\n    ');
  const campaigns = result.form === 'campaigns';
  for (let i = 0; i < rewards.length; i += 1) {
    const r = rewards[i] as Reward;
    const order = r.order === null ? 'null' : q(r.order);
    const head = campaigns
      ? `"kind": ${quotedKind(r.kind)},\n      "campaign": ${r.campaign === null ? 'null' : q(r.campaign)},\n      "version": ${r.version === null ? 'null' : String(r.version)},\n      `
      : `"kind": ${quotedKind(r.kind)},\n      `;
    writer.raw(
      `${i > 0 ? ',\n    ' : ''}{\n      ${head}"user": ${q(r.user)},\n      "order": ${order},\n      "amountFen": ${r.amountFen.toString()}\n    }`,
    );
    writer.itemDone();
  }
  writer.raw('\n  ]');
}

/**
 * Writes the same text as stringifyJson(resultToJson(result)) to `emit`, in pieces of about 64 Ki characters,
 * without building the wallets and rewards as a tree first (200,000 events make some 300,000 rewards).
 */
export function writeResult(result: ScenarioResult, emit: (part: string) => void): void {
  const writer = new JsonWriter(emit);
  writer.raw('{\n  ');
  let first = true;
  for (const [key, slot] of layout(result)) {
    if (!first) writer.raw(',\n  ');
    first = false;
    writer.key(key);
    if (slot === WALLETS) writeWallets(writer, result.wallets);
    else if (slot === REWARDS) writeRewards(writer, result);
    else writer.value(slot, 1);
    writer.itemDone();
  }
  writer.raw('\n}');
  writer.end();
}
