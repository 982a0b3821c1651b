import { stringifyJson, type EngineEvent, type JsonValue } from '@mall/core';
import type { Db } from '../platform/db/database';
import { loadEvents } from './audit';
import { loadEngineLevels } from './level-ladder';

/**
 * The settled history as a scenario in the campaigns form (docs/scenario.md): every event of the log in order,
 * campaigns and their versions included as `campaign` events, settle events with their lines, regions and the
 * campaigns that acted. `mall simulate` on it reproduces every wallet credit of the database.
 */
function eventJson(event: EngineEvent): JsonValue {
  const out = new Map<string, JsonValue>();
  out.set('type', event.type);
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type' || value === undefined) continue;
    out.set(key, value as JsonValue);
  }
  return out;
}

export async function exportScenario(db: Db): Promise<string> {
  const events = await loadEvents(db);
  // The engine's ladder (promotion is in the log as setLevel events), so the replay levels every shopper alike.
  const levels = (await loadEngineLevels(db)).map(
    (l) =>
      new Map<string, JsonValue>([
        ['code', l.code],
        ['minSpendFen', l.minSpendFen],
      ]),
  );
  const doc = new Map<string, JsonValue>([
    ['levels', levels],
    ['campaigns', []],
    ['events', events.map(eventJson)],
  ]);
  return `${stringifyJson(doc)}\n`;
}
