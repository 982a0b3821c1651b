import type { Writable } from 'node:stream';
import type pg from 'pg';

/**
 * PostgreSQL named prepared statements for the hot queries (those built by `prepared`): each connection parses and
 * plans such a statement once, then only binds and executes it, instead of PostgreSQL parsing and planning the same
 * text on every checkout step. Names are per process, given in the order the texts are first seen.
 */
const names = new Map<string, string>();

export function nameStatement(text: string): void {
  if (!names.has(text)) names.set(text, `mall_${names.size}`);
}

type QueryFn = (...args: unknown[]) => Promise<unknown>;

/** What `begin`, `commit` and `rollback` answer; Kysely reads only `command` (and `rows` for commit). */
const answered = (command: string): Promise<unknown> => Promise.resolve({ command, rowCount: null, rows: [] });

/**
 * Applied to every new pool connection (the pool runs pg's pipeline mode):
 * - a known text sent as (text, values) goes as a named statement;
 * - `begin` is not sent on its own: it is held and written with the transaction's first statement in ONE socket write
 *   (pipelined: PostgreSQL runs `begin`, then the statement), so a transaction costs one round trip less. If `begin`
 *   fails, the statement's answer is that error. A transaction that ran nothing sends neither `begin` nor its end.
 */
export function useNamedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as unknown as QueryFn;
  let beginHeld = false;
  const send: QueryFn = (...args) => {
    const [text, values] = args;
    const name = args.length === 2 && typeof text === 'string' && Array.isArray(values) ? names.get(text) : undefined;
    return name === undefined ? query(...args) : query({ name, text, values });
  };
  const named: QueryFn = (...args) => {
    const text = args[0];
    if (text === 'begin' && args.length <= 2 && !beginHeld) {
      beginHeld = true;
      return answered('BEGIN');
    }
    if (!beginHeld) return send(...args);
    beginHeld = false;
    if (text === 'commit' || text === 'rollback') return answered(text.toUpperCase());
    const stream = (client as unknown as { connection: { stream: Writable } }).connection.stream;
    stream.cork();
    let begun: Promise<unknown>;
    let statement: Promise<unknown>;
    try {
      begun = query('begin');
      statement = send(...args);
    } finally {
      stream.uncork();
    }
    return Promise.all([begun, statement]).then(([, result]) => result);
  };
  (client as unknown as { query: QueryFn }).query = named;
}
