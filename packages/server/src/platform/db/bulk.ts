import { intDiv } from '@mall/core';
import { sql, type Insertable } from 'kysely';
import type { Tx } from './database';
import { rawWriterOf } from './database';
import type { Database } from './schema';

type Table = keyof Database;
type Column<T extends Table> = keyof Database[T] & string;
/** A row as inserted: columns with a database default may be given or left out. */
type BulkRow<T extends Table, C extends Column<T>> = {
  [K in C]: Insertable<Database[T]>[K & keyof Insertable<Database[T]>];
};

/**
 * What an inserted row whose key already exists does: `replace` takes the new values of those columns, `add` adds
 * the new value to the stored one (account balances). Without a rule a duplicate key is an error.
 */
export type ConflictRule<T extends Table> =
  | { key: Column<T> | readonly Column<T>[]; replace: readonly Column<T>[] }
  | { key: Column<T>; add: readonly Column<T>[] };

// Parameters per multi-row statement on PostgreSQL (its hard limit is 65535; smaller statements plan faster).
const MAX_PARAMETERS = 4500;

function conflictClause<T extends Table>(table: T, rule: ConflictRule<T> | undefined): string {
  if (rule === undefined) return '';
  const sets =
    'add' in rule
      ? rule.add.map((c) => `${c} = ${table}.${c} + excluded.${c}`)
      : rule.replace.map((c) => `${c} = excluded.${c}`);
  const key = typeof rule.key === 'string' ? rule.key : rule.key.join(', ');
  return ` on conflict (${key}) do update set ${sets.join(', ')}`;
}

/**
 * One bulk writer per table for both databases. On SQLite it runs a cached prepared single-row statement per row on
 * the transaction's own connection (cheaper per row than building a multi-row insert); on PostgreSQL it sends
 * multi-row inserts. Callers build their rows once, as table rows.
 */
export function bulkWriter<T extends Table, C extends Column<T>>(
  table: T,
  columns: readonly C[],
  rule?: ConflictRule<T>,
): (trx: Tx, rows: readonly BulkRow<T, C>[]) => Promise<void> {
  const conflict = conflictClause(table, rule);
  const oneRow = `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})${conflict}`;
  const rowsPerStatement = Math.max(1, intDiv(MAX_PARAMETERS, columns.length));
  return async (trx, rows) => {
    if (rows.length === 0) return;
    const raw = rawWriterOf(trx);
    if (raw !== undefined) {
      for (const row of rows)
        raw.run(
          oneRow,
          columns.map((c) => row[c]),
        );
      return;
    }
    for (let i = 0; i < rows.length; i += rowsPerStatement) {
      const values = rows.slice(i, i + rowsPerStatement).map((row) => sql`(${sql.join(columns.map((c) => row[c]))})`);
      await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(values)}${sql.raw(conflict)}`.execute(
        trx,
      );
    }
  };
}
