import { sql, type OnConflictBuilder } from 'kysely';
import type { Database } from '../platform/db/schema';
import type { Tx } from '../platform/db/database';
import { prepared } from '../platform/db/prepared';

/** An existing account adds the inserted row's amounts to its balances (the upsert's conflict branch). */
const addDeltas = (oc: OnConflictBuilder<Database, 'accounts'>) =>
  oc.column('address').doUpdateSet({
    balance_fen: sql`accounts.balance_fen + excluded.balance_fen`,
    simulated_fen: sql`accounts.simulated_fen + excluded.simulated_fen`,
  });

/** Balance deltas on ledger accounts (an upsert: an account exists from its first transfer), for the ledger. */
const addToAccountQuery = prepared((trx, address: string, deltaFen: bigint, simulatedDeltaFen: bigint) =>
  trx
    .insertInto('accounts')
    .values({ address, balance_fen: deltaFen, simulated_fen: simulatedDeltaFen })
    .onConflict(addDeltas),
);

export async function addToAccount(
  trx: Tx,
  address: string,
  deltaFen: bigint,
  simulatedDeltaFen: bigint,
): Promise<void> {
  await addToAccountQuery(trx, address, deltaFen, simulatedDeltaFen);
}

// Both sides of a transfer that debits no wallet in one statement, source row first (the lock order of two
// statements), for two different accounts: PostgreSQL refuses one upsert that touches a row twice.
const addToBothAccountsQuery = prepared(
  (trx, from: string, fromDelta: bigint, fromSimulated: bigint, to: string, toDelta: bigint, toSimulated: bigint) =>
    trx
      .insertInto('accounts')
      .values([
        { address: from, balance_fen: fromDelta, simulated_fen: fromSimulated },
        { address: to, balance_fen: toDelta, simulated_fen: toSimulated },
      ])
      .onConflict(addDeltas),
);

export async function addToBothAccounts(
  trx: Tx,
  from: string,
  fromDelta: bigint,
  fromSimulated: bigint,
  to: string,
  toDelta: bigint,
  toSimulated: bigint,
): Promise<void> {
  await addToBothAccountsQuery(trx, from, fromDelta, fromSimulated, to, toDelta, toSimulated);
}
