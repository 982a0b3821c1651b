import type { EngineConfig } from './campaigns';
import type { RecordEffect, RecordValue, TransferEffect } from './effects';
import { Engine, type EngineEvent } from './engine';
import { findPlan } from './plans/registry';

/**
 * Audit over the one generic record contract: fold the records a replay produces (the last one per campaign, kind
 * and key wins, as the server's upsert does) and compare them with stored ones, field by field.
 */
export function recordKey(r: Pick<RecordEffect, 'campaign' | 'kind' | 'key'>): string {
  return `${r.campaign}\u0000${r.kind}\u0000${r.key}`;
}

export class RecordFold {
  readonly records = new Map<string, RecordEffect>();

  add(effect: RecordEffect): void {
    this.records.set(recordKey(effect), effect);
  }
}

/** A label for a record kind, from the plan that declares it. */
export function recordKindLabel(plan: string, kind: string) {
  return findPlan(plan)?.records[kind];
}

function valueText(v: RecordValue | undefined): string {
  return v === undefined ? 'absent' : typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export function recordText(r: RecordEffect | undefined): string {
  if (r === undefined) return 'absent';
  const fields = Object.keys(r.data)
    .sort()
    .map((k) => `${k}=${valueText(r.data[k])}`);
  return `${r.user ?? '-'} ${fields.join(' ')}`;
}

export interface RecordDifference {
  key: { campaign: string; kind: string; key: string };
  expected: string;
  actual: string;
}

/** Every record that differs, is missing, or should not exist. */
export function diffRecords(
  expected: ReadonlyMap<string, RecordEffect>,
  stored: Iterable<RecordEffect>,
): RecordDifference[] {
  const out: RecordDifference[] = [];
  const seen = new Set<string>();
  for (const actual of stored) {
    const key = recordKey(actual);
    seen.add(key);
    const want = expected.get(key);
    if (recordText(want) !== recordText(actual)) {
      out.push({
        key: { campaign: actual.campaign, kind: actual.kind, key: actual.key },
        expected: recordText(want),
        actual: recordText(actual),
      });
    }
  }
  for (const [key, want] of expected) {
    if (!seen.has(key))
      out.push({
        key: { campaign: want.campaign, kind: want.kind, key: want.key },
        expected: recordText(want),
        actual: 'absent',
      });
  }
  return out;
}

/** Replays events through a fresh engine and keeps what audit compares: every transfer by id, the last records. */
export function replayForAudit(
  config: EngineConfig,
  events: Iterable<EngineEvent>,
): { engine: Engine; transfers: Map<string, TransferEffect>; records: Map<string, RecordEffect> } {
  const engine = new Engine(config);
  const transfers = new Map<string, TransferEffect>();
  const fold = new RecordFold();
  for (const event of events) {
    for (const e of engine.apply(event)) {
      if (e.type === 'transfer') transfers.set(e.id, e);
      else if (e.type === 'record') fold.add(e);
    }
  }
  return { engine, transfers, records: fold.records };
}
