import type { RecordEffect } from '@mall/core';
import type { Db, Tx } from '../platform/db/database';
import { recordFromRow } from './incentive-log';

/**
 * Reads of the one plan-record table. What a record means is its plan's business: callers hand the records to
 * core's helpers (positionFromRecord, memberFromRecord, poolFromRecord, ...), which ignore records of other plans.
 */
export interface RecordFilter {
  campaigns?: readonly string[];
  kind?: string;
  users?: readonly string[];
  keys?: readonly string[];
}

export async function loadRecords(db: Db | Tx, filter: RecordFilter = {}): Promise<RecordEffect[]> {
  if ([filter.campaigns, filter.users, filter.keys].some((list) => list !== undefined && list.length === 0)) return [];
  let query = db.selectFrom('plan_records').select(['campaign', 'kind', 'key', 'plan', 'user_id', 'data']);
  if (filter.campaigns !== undefined) query = query.where('campaign', 'in', [...filter.campaigns]);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.users !== undefined) query = query.where('user_id', 'in', [...filter.users]);
  if (filter.keys !== undefined) query = query.where('key', 'in', [...filter.keys]);
  const rows = await query.orderBy('campaign').orderBy('kind').orderBy('key').execute();
  return rows.map(recordFromRow);
}
