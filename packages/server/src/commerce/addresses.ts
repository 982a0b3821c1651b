import type { Db, Tx } from '../platform/db/database';
import { inTx, isPostgres } from '../platform/db/database';
import { fail } from '../platform/errors';
import { newId } from '../platform/ids';
import { nowIso } from '../platform/clock';
import type { Address } from './order-views';

/**
 * The shopper's address book (收货地址). One default address at most: the first address is the default, choosing
 * another default clears the old one in the same transaction, and deleting the default makes the most recently
 * added remaining address the default. An order keeps a copy of the address, never a reference to this row.
 */
export interface SavedAddress extends Address {
  id: string;
  isDefault: boolean;
}

export const MAX_ADDRESSES = 20;

type Row = { id: string; name: string; phone: string; region: string; detail: string; is_default: bigint };

function view(row: Row): SavedAddress {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    region: JSON.parse(row.region) as string[],
    detail: row.detail,
    isDefault: row.is_default === 1n,
  };
}

const columns = ['id', 'name', 'phone', 'region', 'detail', 'is_default'] as const;

export async function listAddresses(db: Db | Tx, userId: string): Promise<SavedAddress[]> {
  const rows = await db
    .selectFrom('addresses')
    .select(columns)
    .where('user_id', '=', userId)
    .orderBy('is_default', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(view);
}

export async function getAddress(db: Db | Tx, userId: string, id: string): Promise<SavedAddress> {
  const row = await db
    .selectFrom('addresses')
    .select(columns)
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) fail('address_not_found');
  return view(row);
}

export interface AddressInput extends Address {
  isDefault?: boolean | undefined;
}

function clean(input: Address): Address {
  return {
    name: input.name.trim(),
    phone: input.phone.trim(),
    region: input.region.map((r) => r.trim()),
    detail: input.detail.trim(),
  };
}

function checked(input: Address): Address {
  const address = clean(input);
  if (address.name === '' || address.phone === '' || address.detail === '')
    fail('invalid_request', 'name, phone and detail must not be blank');
  if (address.region.length === 0 || address.region.some((r) => r === ''))
    fail('invalid_request', 'a region is 1 to 3 non-empty names');
  return address;
}

async function lockBook(trx: Tx, userId: string): Promise<void> {
  // Two concurrent first addresses must not both become the default (SQLite has one writer already).
  if (isPostgres(trx)) await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}

async function clearDefault(trx: Tx, userId: string): Promise<void> {
  await trx
    .updateTable('addresses')
    .set({ is_default: 0n })
    .where('user_id', '=', userId)
    .where('is_default', '=', 1n)
    .execute();
}

export async function addAddress(db: Db, userId: string, input: AddressInput): Promise<SavedAddress> {
  const address = checked(input);
  return inTx(db, async (trx) => {
    await lockBook(trx, userId);
    const existing = await listAddresses(trx, userId);
    if (existing.length >= MAX_ADDRESSES) fail('address_limit_reached', `at most ${MAX_ADDRESSES}`);
    const isDefault = input.isDefault === true || existing.length === 0;
    if (isDefault) await clearDefault(trx, userId);
    const now = nowIso();
    const id = newId('adr');
    await trx
      .insertInto('addresses')
      .values({
        id,
        user_id: userId,
        ...address,
        region: JSON.stringify(address.region),
        is_default: isDefault ? 1n : 0n,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return getAddress(trx, userId, id);
  });
}

export async function updateAddress(db: Db, userId: string, id: string, input: AddressInput): Promise<SavedAddress> {
  const address = checked(input);
  return inTx(db, async (trx) => {
    await lockBook(trx, userId);
    const before = await getAddress(trx, userId, id);
    // Unticking the default does nothing: there is always a default while the book is not empty.
    const isDefault = before.isDefault || input.isDefault === true;
    if (isDefault && !before.isDefault) await clearDefault(trx, userId);
    await trx
      .updateTable('addresses')
      .set({
        ...address,
        region: JSON.stringify(address.region),
        is_default: isDefault ? 1n : 0n,
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .execute();
    return getAddress(trx, userId, id);
  });
}

export async function deleteAddress(db: Db, userId: string, id: string): Promise<void> {
  await inTx(db, async (trx) => {
    await lockBook(trx, userId);
    const before = await getAddress(trx, userId, id);
    await trx.deleteFrom('addresses').where('id', '=', id).where('user_id', '=', userId).execute();
    if (!before.isDefault) return;
    const next = await trx
      .selectFrom('addresses')
      .select('id')
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (next) await trx.updateTable('addresses').set({ is_default: 1n }).where('id', '=', next.id).execute();
  });
}
