import type { Insertable, QueryCreator } from 'kysely';
import type { Database } from './schema';
import { prepared } from './prepared';
import type { Tx } from './database';

type Table = keyof Database & string;
type Run = (db: Tx, ...values: unknown[]) => Promise<unknown>;

/**
 * One-row inserts into several tables as ONE statement on PostgreSQL: the first ones as data-modifying CTEs, the last
 * as the statement (foreign keys between them hold: PostgreSQL checks them at the end of the statement). A round trip
 * costs more than the statement there; SQLite has no data-modifying CTE, so callers keep separate inserts on it.
 * One plan per set of columns present, as `preparedInsert` does (a column left undefined is left out).
 */
export function preparedInsertChain<T extends readonly Table[]>(
  tables: T,
): (db: Tx, rows: { [K in keyof T]: Insertable<Database[T[K]]> }) => Promise<void> {
  const plans = new Map<string, Run>();
  return async (db, rows) => {
    const records = (rows as readonly Record<string, unknown>[]).map((r) => r);
    const columns = records.map((r) => Object.keys(r).filter((c) => r[c] !== undefined));
    const key = columns.map((c) => c.join(',')).join('|');
    let run = plans.get(key);
    if (run === undefined) {
      run = prepared((handle, ...values: unknown[]) => {
        let offset = 0;
        const objects = columns.map((cols) => {
          const object = Object.fromEntries(cols.map((c, i) => [c, values[offset + i]]));
          offset += cols.length;
          return object;
        });
        let creator = handle as unknown as QueryCreator<Database>;
        for (let i = 0; i < tables.length - 1; i += 1) {
          const table = tables[i]!;
          const object = objects[i]!;
          creator = creator.with(`inserted_${i}`, (qc) =>
            qc.insertInto(table).values(object as never),
          ) as unknown as QueryCreator<Database>;
        }
        return creator.insertInto(tables[tables.length - 1]!).values(objects[tables.length - 1]! as never);
      });
      plans.set(key, run);
    }
    await run(db, ...records.flatMap((r, i) => columns[i]!.map((c) => r[c])));
  };
}
