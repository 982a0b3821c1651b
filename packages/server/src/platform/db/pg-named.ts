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

type QueryFn = (...args: unknown[]) => unknown;

/** Applied to every new pool connection: a known text sent as (text, values) goes as a named statement. */
export function useNamedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as QueryFn;
  const named: QueryFn = (...args) => {
    const [text, values] = args;
    const name = args.length === 2 && typeof text === 'string' && Array.isArray(values) ? names.get(text) : undefined;
    return name === undefined ? query(...args) : query({ name, text, values });
  };
  (client as unknown as { query: QueryFn }).query = named;
}
