import { createQueryId, type Compilable, type Insertable, type QueryResult, type RootOperationNode } from 'kysely';
import type { Database } from './schema';
import { nameStatement } from './pg-named';
import { rawWriterOf, type Db, type Tx } from './database';

const SENTINEL = '\u0000mall-param-';

interface Plan {
  sql: string;
  query: RootOperationNode;
  /** Per compiled parameter: the index of the argument it takes, or a constant compiled into the query. */
  slots: (number | { value: unknown })[];
}

/**
 * A hot query built and compiled by Kysely once per dialect, then run with fresh parameters: the query builder and
 * compiler cost more CPU than SQLite's own work for these one-row statements. `build` must have one shape whatever
 * the arguments are (no argument may change which clauses exist); every argument must end up a bound parameter.
 */
export function prepared<A extends unknown[], O>(
  build: (db: Db | Tx, ...args: A) => Compilable<O>,
): (db: Db | Tx, ...args: A) => Promise<QueryResult<O>> {
  const plans = new Map<string, Plan>();
  return (db, ...args) => {
    // Inside a SQLite transaction the group committer opened, the statement goes straight to the driver on the
    // connection that transaction holds: Kysely's connection provider and result pipeline cost more than the statement.
    // Outside one (a read on the Db), Kysely's path stays: it waits for the open transaction instead of reading into it.
    const raw = rawWriterOf(db as Tx);
    const dialect = raw !== undefined ? 'SqliteAdapter' : db.getExecutor().adapter.constructor.name;
    let plan = plans.get(dialect);
    if (plan === undefined) {
      const sentinels = args.map((_, i) => `${SENTINEL}${i}`) as A;
      const compiled = build(db, ...sentinels).compile();
      const slots = compiled.parameters.map((p) =>
        typeof p === 'string' && p.startsWith(SENTINEL) ? Number(p.slice(SENTINEL.length)) : { value: p },
      );
      for (let i = 0; i < args.length; i += 1)
        if (!slots.includes(i)) throw new Error(`prepared query: argument ${i} is not a parameter of ${compiled.sql}`);
      plan = { sql: compiled.sql, query: compiled.query, slots };
      if (dialect === 'PostgresAdapter') nameStatement(plan.sql);
      plans.set(dialect, plan);
    }
    const parameters = plan.slots.map((s) => (typeof s === 'number' ? args[s] : s.value));
    if (raw !== undefined) return Promise.resolve(raw.execute<O>(plan.sql, parameters));
    return db.executeQuery<O>({ sql: plan.sql, parameters, query: plan.query, queryId: createQueryId() });
  };
}

type Row<T extends keyof Database> = Insertable<Database[T]>;

/**
 * A one-row insert as a prepared query, one plan per set of columns present (a column left undefined is left out,
 * as Kysely's own insert does, so database defaults still apply): for inserts on the checkout path.
 */
export function preparedInsert<T extends keyof Database & string>(
  table: T,
): (db: Db | Tx, row: Row<T>) => Promise<void> {
  const byColumns = new Map<string, (db: Db | Tx, ...values: unknown[]) => Promise<QueryResult<unknown>>>();
  return async (db, row) => {
    const record = row as Record<string, unknown>;
    const columns = Object.keys(record).filter((c) => record[c] !== undefined);
    const key = columns.join(',');
    let run = byColumns.get(key);
    if (run === undefined) {
      run = prepared((handle, ...values: unknown[]) =>
        handle.insertInto(table).values(Object.fromEntries(columns.map((c, i) => [c, values[i]])) as Row<T>),
      );
      byColumns.set(key, run);
    }
    await run(db, ...columns.map((c) => record[c]));
  };
}
