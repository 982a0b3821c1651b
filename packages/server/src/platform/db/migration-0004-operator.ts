import { sql, type Kysely, type Migration } from 'kysely';

type Db = Kysely<unknown>;

/** The permissions the built-in roles had when roles moved into the database (issue 13). */
const OPERATOR = [
  'dashboard:read',
  'catalog:read',
  'catalog:write',
  'orders:read',
  'orders:write',
  'users:read',
  'plans:read',
  'decoration:write',
];
const FINANCE = ['dashboard:read', 'finance:read', 'finance:write', 'users:read'];

/**
 * Operator essentials (issue 13): roles in the database, staff that can be disabled and use TOTP, the operation log,
 * SKU specs with codes and images, a two-level category tree with icons, uploaded images, the storefront layout.
 */
export const m0004: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('roles')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      // A JSON array of permission codes; ["*"] is every permission, present and future (the built-in admin).
      .addColumn('permissions', 'text', (c) => c.notNull())
      .addColumn('builtin', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    const now = new Date().toISOString();
    const builtins: [string, string, string, string[]][] = [
      ['admin', '超级管理员', 'Administrator', ['*']],
      ['operator', '运营', 'Operator', OPERATOR],
      ['finance', '财务', 'Finance', FINANCE],
    ];
    for (const [code, zh, en, permissions] of builtins) {
      await sql`insert into roles (code, name_zh, name_en, permissions, builtin, created_at, updated_at)
        values (${code}, ${zh}, ${en}, ${JSON.stringify(permissions)}, 1, ${now}, ${now})`.execute(db);
    }

    await db.schema
      .alterTable('staff')
      .addColumn('disabled', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    // The enrolled TOTP secret (base32), and one being enrolled until the first code proves the authenticator has it.
    await db.schema.alterTable('staff').addColumn('totp_secret', 'text').execute();
    await db.schema.alterTable('staff').addColumn('totp_pending', 'text').execute();
    // The last 30-second step a code was accepted for: a code is good once (RFC 6238 section 5.2).
    await db.schema
      .alterTable('staff')
      .addColumn('totp_last_step', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('staff')
      .addColumn('recovery_codes', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema.createIndex('staff_role').on('staff').column('role').execute();

    await db.schema
      .createTable('operation_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.notNull())
      .addColumn('staff_username', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('entity', 'text', (c) => c.notNull())
      .addColumn('entity_id', 'text', (c) => c.notNull())
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('operation_log_at').on('operation_log').column('at').execute();
    await db.schema.createIndex('operation_log_staff').on('operation_log').columns(['staff_id', 'at']).execute();
    await db.schema
      .createIndex('operation_log_entity')
      .on('operation_log')
      .columns(['entity', 'entity_id', 'at'])
      .execute();

    // [{name, values: [..]}]: the spec attributes (颜色, 尺码) whose values make the SKU matrix.
    await db.schema
      .alterTable('products')
      .addColumn('specs', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema.alterTable('skus').addColumn('code', 'text').execute();
    await db.schema
      .alterTable('skus')
      .addColumn('image_url', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('skus')
      .addColumn('spec_values', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    // A SKU left out of a product's new matrix is retired, not deleted: orders and reservations still point at it.
    await db.schema
      .alterTable('skus')
      .addColumn('retired', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    // NULL codes are distinct in both databases, so SKUs without a code do not collide.
    await db.schema.createIndex('skus_code').on('skus').column('code').unique().execute();

    await db.schema
      .alterTable('categories')
      .addColumn('parent_id', 'text', (c) => c.references('categories.id'))
      .execute();
    await db.schema
      .alterTable('categories')
      .addColumn('icon_url', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema.createIndex('categories_parent').on('categories').column('parent_id').execute();

    await db.schema
      .createTable('uploads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('thumb_path', 'text', (c) => c.notNull())
      .addColumn('mime', 'text', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('width', 'bigint', (c) => c.notNull())
      .addColumn('height', 'bigint', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('page_layouts')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('layout', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
  },
};
