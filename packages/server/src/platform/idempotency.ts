import { createHash } from 'node:crypto';
import type { Db, Tx } from './db/database';
import { fail } from './errors';
import { nowIso } from './clock';
import { toWire } from './json';

/**
 * Idempotency-Key for money-moving commands (notes/payments.md): the first answer is stored with a hash of the
 * request in the command's own transaction; the same key and request gets that answer again, the same key with
 * another request is 422. Keys are scoped per user.
 */
export function requestHashOf(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(toWire(value)))
    .digest('hex');
}

export async function replayed(trx: Db | Tx, scope: string, key: string, hash: string): Promise<unknown> {
  const row = await trx
    .selectFrom('idempotency')
    .selectAll()
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  if (row.request_hash !== hash) fail('idempotency_key_reused');
  return JSON.parse(row.response) as unknown;
}

export async function remember(trx: Tx, scope: string, key: string, hash: string, answer: unknown): Promise<void> {
  await trx
    .insertInto('idempotency')
    .values({ scope, key, request_hash: hash, response: JSON.stringify(toWire(answer)), created_at: nowIso() })
    .execute();
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
