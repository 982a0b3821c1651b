import { sql, type Kysely, type Migration } from 'kysely';

type Db = Kysely<unknown>;

/**
 * Issue 8: campaigns (plan instances with a scope, a window, a status and parameter versions), one generic table of
 * plan records replacing positions / referral_progress / pool_state, every transfer naming the plan, campaign and
 * version that caused it, and an event log that stores any engine event (fixed columns plus a JSON payload).
 *
 * The old plans become campaigns with the plan code as id, scoped to the products that named them. The old event
 * log is NOT converted: its settle events grouped lines by plan set and its transfer ids differ. A database whose
 * log already holds events is marked `incentive_log_legacy` in kv and `mall start` refuses it (re-seed the demo).
 */
async function createTables(db: Db): Promise<void> {
  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ordinal', 'bigint', (c) => c.notNull().unique())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text')
    .addColumn('ends_at', 'text')
    .addColumn('scope_products', 'text')
    .addColumn('scope_categories', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .execute();
  await db.schema
    .createTable('campaign_versions')
    .addColumn('campaign', 'text', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('scope_products', 'text')
    .addColumn('scope_categories', 'text')
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('campaign_versions_pk', ['campaign', 'version'])
    .execute();
  await db.schema
    .createTable('campaign_audit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('acknowledgement', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('campaign_audit_campaign').on('campaign_audit').columns(['campaign', 'at']).execute();
  await db.schema
    .createTable('plan_records')
    .addColumn('campaign', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_records_pk', ['campaign', 'kind', 'key'])
    .execute();
  await db.schema.createIndex('plan_records_user').on('plan_records').columns(['user_id', 'kind']).execute();
  await db.schema
    .createTable('pool_history')
    .addColumn('campaign', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('cash_fen', 'bigint', (c) => c.notNull())
    .addColumn('supply_units', 'bigint', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pool_history_pk', ['campaign', 'seq'])
    .execute();
  await db.schema
    .createTable('incentive_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('referrer_id', 'text')
    .addColumn('order_id', 'text')
    .addColumn('amount_fen', 'bigint')
    .addColumn('units', 'bigint')
    .addColumn('payload', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incentive_events_order').on('incentive_events').column('order_id').execute();
}

interface OldPlan {
  code: string;
  enabled: bigint | number;
  params: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

export const m0006Campaigns: Migration = {
  async up(db: Db) {
    const events = await sql<{ n: bigint | number }>`select count(*) as n from incentive_events`.execute(db);
    const legacyEvents = BigInt(events.rows[0]?.n ?? 0);
    const plans = (await sql<OldPlan>`select * from plans order by code`.execute(db)).rows;
    const products = (await sql<{ id: string; plans: string }>`select id, plans from products`.execute(db)).rows;
    const audit = (
      await sql<{
        id: string;
        code: string;
        actor: string;
        action: string;
        enabled: bigint | number;
        params: string;
        acknowledgement: string | null;
        at: string;
      }>`select * from plan_audit`.execute(db)
    ).rows;

    for (const table of ['incentive_events', 'positions', 'pool_state', 'pool_history', 'referral_progress']) {
      await db.schema.dropTable(table).execute();
    }
    await createTables(db);

    const at = new Date().toISOString();
    let seq = 0n;
    for (const [ordinal, plan] of plans.entries()) {
      const scope = products.filter((p) => (JSON.parse(p.plans) as string[]).includes(plan.code)).map((p) => p.id);
      const enabled = BigInt(plan.enabled) === 1n;
      await sql`insert into campaigns (id, ordinal, plan, name, status, starts_at, ends_at, scope_products,
        scope_categories, created_at, created_by, updated_at, acknowledged_at, acknowledged_by)
        values (${plan.code}, ${BigInt(ordinal)}, ${plan.code}, ${plan.code}, ${enabled ? 'active' : 'paused'}, null,
        null, ${JSON.stringify(scope)}, null, ${at}, ${'migration:0006'}, ${at}, ${plan.acknowledged_at},
        ${plan.acknowledged_by})`.execute(db);
      await sql`insert into campaign_versions (campaign, version, params, scope_products, scope_categories, seq, at,
        actor) values (${plan.code}, ${1n}, ${plan.params}, ${JSON.stringify(scope)}, null, ${seq}, ${at},
        ${'migration:0006'})`.execute(db);
      // A log that already holds events is refused at start; an empty one begins with the campaigns' creation.
      if (legacyEvents === 0n) {
        const payload = JSON.stringify({
          id: plan.code,
          plan: plan.code,
          params: JSON.parse(plan.params) as unknown,
          products: scope,
        });
        await sql`insert into incentive_events (seq, type, payload, at)
          values (${seq}, ${'campaign'}, ${payload}, ${at})`.execute(db);
        seq += 1n;
      }
    }
    for (const row of audit) {
      const detail = JSON.stringify({ enabled: BigInt(row.enabled) === 1n, params: JSON.parse(row.params) as unknown });
      await sql`insert into campaign_audit (id, campaign, actor, action, detail, acknowledgement, at)
        values (${row.id}, ${row.code}, ${row.actor}, ${row.action}, ${detail}, ${row.acknowledgement},
        ${row.at})`.execute(db);
    }
    if (legacyEvents > 0n) {
      await sql`insert into kv (key, value) values (${'incentive_log_legacy'}, ${String(legacyEvents)})`.execute(db);
    }
    await db.schema.dropTable('plan_audit').execute();
    await db.schema.dropTable('plans').execute();

    await db.schema.alterTable('transfers').addColumn('plan', 'text').execute();
    await db.schema.alterTable('transfers').addColumn('campaign', 'text').execute();
    await db.schema.alterTable('transfers').addColumn('version', 'bigint').execute();
    await db.schema.createIndex('transfers_campaign').on('transfers').columns(['campaign', 'reason']).execute();
    await db.schema.alterTable('order_items').addColumn('category_id', 'text').execute();
    await db.schema.alterTable('order_items').dropColumn('plans').execute();
    await db.schema.alterTable('products').dropColumn('plans').execute();
  },
};
