import type { Db, Tx } from './db/database';
import { newId } from './ids';
import { nowIso } from './clock';

/**
 * The operation log (操作日志): one row per admin write, who, when, from where, what, and the entity's state before
 * and after. Rows are only ever added.
 */
export interface OperationInput {
  staffId: string;
  staffUsername: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  ip: string;
  method: string;
  path: string;
}

export interface Operation extends Omit<OperationInput, 'before' | 'after'> {
  id: string;
  at: string;
  before: unknown;
  after: unknown;
}

export interface OperationFilter {
  staff?: string | undefined;
  action?: string | undefined;
  entity?: string | undefined;
  entityId?: string | undefined;
  /** ISO times, inclusive from, exclusive to. */
  from?: string | undefined;
  to?: string | undefined;
  /** Free text over the action, the entity id, the path and the states. */
  q?: string | undefined;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** States as the API shows them: integers as JSON numbers (text beyond 2^53, where a number would round). */
const json = (value: unknown): string | null =>
  value === undefined || value === null
    ? null
    : JSON.stringify(value, (_k, v: unknown) =>
        typeof v === 'bigint' ? (v <= SAFE && v >= -SAFE ? Number(v) : v.toString()) : v,
      );

export async function recordOperation(db: Db | Tx, input: OperationInput): Promise<string> {
  const id = newId('opl');
  await db
    .insertInto('operation_log')
    .values({
      id,
      at: nowIso(),
      staff_id: input.staffId,
      staff_username: input.staffUsername,
      action: input.action,
      entity: input.entity,
      entity_id: input.entityId,
      before: json(input.before),
      after: json(input.after),
      ip: input.ip,
      method: input.method,
      path: input.path.slice(0, 500),
    })
    .execute();
  return id;
}

function filtered(db: Db | Tx, filter: OperationFilter) {
  let query = db.selectFrom('operation_log');
  if (filter.staff) query = query.where('staff_username', '=', filter.staff);
  if (filter.action) query = query.where('action', 'like', `${filter.action}%`);
  if (filter.entity) query = query.where('entity', '=', filter.entity);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<', filter.to);
  if (filter.q) {
    const like = `%${filter.q}%`;
    query = query.where((eb) =>
      eb.or([
        eb('action', 'like', like),
        eb('entity_id', 'like', like),
        eb('path', 'like', like),
        eb('before', 'like', like),
        eb('after', 'like', like),
      ]),
    );
  }
  return query;
}

type Row = {
  id: string;
  at: string;
  staff_id: string;
  staff_username: string;
  action: string;
  entity: string;
  entity_id: string;
  before: string | null;
  after: string | null;
  ip: string;
  method: string;
  path: string;
};

function operationOf(r: Row): Operation {
  return {
    id: r.id,
    at: r.at,
    staffId: r.staff_id,
    staffUsername: r.staff_username,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
    ip: r.ip,
    method: r.method,
    path: r.path,
  };
}

/** Newest first. */
export async function listOperations(
  db: Db | Tx,
  filter: OperationFilter,
  page: number,
  pageSize: number,
): Promise<{ items: Operation[]; total: number }> {
  const total = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await filtered(db, filter)
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { items: rows.map(operationOf), total: Number(total.n) };
}

/** The export's ceiling: a larger export is narrowed with the filters. */
export const EXPORT_LIMIT = 50_000;

export async function exportOperations(db: Db | Tx, filter: OperationFilter): Promise<Operation[]> {
  const rows = await filtered(db, filter)
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(EXPORT_LIMIT)
    .execute();
  return rows.map(operationOf);
}

/** The distinct actions recorded, for the page's filter. */
export async function operationActions(db: Db | Tx): Promise<string[]> {
  const rows = await db.selectFrom('operation_log').select('action').distinct().orderBy('action').execute();
  return rows.map((r) => r.action);
}
