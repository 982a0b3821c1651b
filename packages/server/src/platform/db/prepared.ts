import { createQueryId, type Compilable, type QueryResult, type RootOperationNode } from 'kysely';
import type { Db, Tx } from './database';

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
    const dialect = db.getExecutor().adapter.constructor.name;
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
      plans.set(dialect, plan);
    }
    const parameters = plan.slots.map((s) => (typeof s === 'number' ? args[s] : s.value));
    return db.executeQuery<O>({ sql: plan.sql, parameters, query: plan.query, queryId: createQueryId() });
  };
}
