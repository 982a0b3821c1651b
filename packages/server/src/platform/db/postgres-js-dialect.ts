import {
  PostgresAdapter,
  PostgresDriver,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type { ReservedSql, Sql } from 'postgres';
import { isNamedStatement } from './pg-named';

/**
 * Kysely on postgres.js (the `postgres` package), for the driver comparison of issue 14. The texts `prepared()` and
 * the bulk writers build go as prepared statements (postgres.js keeps them per connection), the rest unnamed, as on
 * `pg`. Transactions reuse Kysely's PostgreSQL driver (begin/commit/savepoints as SQL on the reserved connection).
 */
class PostgresJsConnection implements DatabaseConnection {
  constructor(readonly reserved: ReservedSql) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.reserved.unsafe(query.sql, query.parameters as never[], {
      prepare: isNamedStatement(query.sql),
    });
    const changed = result.command === 'INSERT' || result.command === 'UPDATE' || result.command === 'DELETE';
    return {
      rows: result as unknown as R[],
      ...(changed ? { numAffectedRows: BigInt(result.count) } : {}),
    };
  }

  // eslint-disable-next-line require-yield -- no streaming queries in this codebase
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('postgres.js dialect: streaming is not supported');
  }
}

class PostgresJsDriver extends PostgresDriver {
  constructor(private readonly sql: Sql) {
    super({ pool: undefined as never });
  }

  override async init(): Promise<void> {}

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new PostgresJsConnection(await this.sql.reserve());
  }

  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PostgresJsConnection).reserved.release();
  }

  override async destroy(): Promise<void> {
    await this.sql.end();
  }
}

export class PostgresJsDialect implements Dialect {
  constructor(private readonly sql: Sql) {}

  createAdapter(): PostgresAdapter {
    return new PostgresAdapter();
  }

  createDriver(): PostgresDriver {
    return new PostgresJsDriver(this.sql);
  }

  createIntrospector(db: Kysely<unknown>): PostgresIntrospector {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler(): PostgresQueryCompiler {
    return new PostgresQueryCompiler();
  }
}
