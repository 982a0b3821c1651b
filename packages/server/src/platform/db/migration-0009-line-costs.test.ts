import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './database';
import { m0009LineCosts } from './migration-0009-line-costs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('migration 0009_line_costs', () => {
  it("backfills each existing line with quantity x its SKU's cost, and 0 for a SKU that is gone", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mall-0009-'));
    dirs.push(dir);
    const store = openStore(`sqlite:${join(dir, 'm.db')}`);
    const db = store.db as unknown as Kysely<unknown>;
    try {
      await sql`create table skus (id text primary key, cost_fen bigint not null)`.execute(db);
      await sql`create table order_items (order_id text, line bigint, sku_id text, quantity bigint)`.execute(db);
      await sql`insert into skus values ('s1', 600), ('s2', 2500)`.execute(db);
      await sql`insert into order_items values ('o1', 0, 's1', 3), ('o1', 1, 's2', 1), ('o2', 0, 'gone', 4)`.execute(
        db,
      );
      await m0009LineCosts.up(db);
      const rows = await sql<{
        order_id: string;
        line: bigint;
        cost_fen: bigint;
      }>`select order_id, line, cost_fen from order_items order by order_id, line`.execute(db);
      expect(rows.rows.map((r) => [r.order_id, Number(r.line), BigInt(r.cost_fen)])).toEqual([
        ['o1', 0, 1800n],
        ['o1', 1, 2500n],
        ['o2', 0, 0n],
      ]);
    } finally {
      await store.close();
    }
  });
});
