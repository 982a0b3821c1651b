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

/** The transfer row `postTransfer` writes, in its column order. */
export type TransferColumns = [
  id: string,
  from: string,
  to: string,
  amountFen: bigint,
  reason: string,
  orderId: string | null,
  userId: string | null,
  at: string,
  simulatedFen: bigint,
  plan: string | null,
  campaign: string | null,
  version: bigint | null,
];

/** The transfers row of a transfer's columns: the one mapping both transfer inserts (ledger.ts and below) write. */
export function transferRow(
  ...[id, from, to, amountFen, reason, orderId, userId, at, simulatedFen, plan, campaign, version]: TransferColumns
) {
  return {
    id,
    from_account: from,
    to_account: to,
    amount_fen: amountFen,
    reason,
    order_id: orderId,
    user_id: userId,
    created_at: at,
    simulated_fen: simulatedFen,
    plan,
    campaign,
    version,
  };
}

// PostgreSQL only: the transfer row and both account upserts of a transfer that debits no wallet in ONE statement (a
// data-modifying CTE; a round trip costs more than the statement there). The accounts move only when the transfer row
// was inserted (`exists (select from inserted)`), exactly as the two statements do; source row first as before.
// SQLite has no data-modifying CTE and keeps the two statements: the rule is the same SQL either way.
const transferAndBothAccountsQuery = prepared((trx, ...row: TransferColumns) => {
  const [, from, to, amountFen, , , , , simulatedFen] = row;
  return trx
    .with('inserted', (qc) =>
      qc
        .insertInto('transfers')
        .values(transferRow(...row))
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id'),
    )
    .insertInto('accounts')
    .columns(['address', 'balance_fen', 'simulated_fen'])
    .expression(
      sql`select * from (values (${from}::text, -${amountFen}::bigint, -${simulatedFen}::bigint), (${to}::text, ${amountFen}::bigint, ${simulatedFen}::bigint)) as moved (address, balance_fen, simulated_fen) where exists (select 1 from inserted)`,
    )
    .onConflict(addDeltas);
});

/** Whether the transfer was new (false: its id was posted before, nothing moved). PostgreSQL only. */
export async function insertTransferMovingBoth(trx: Tx, ...row: TransferColumns): Promise<boolean> {
  const result = await transferAndBothAccountsQuery(trx, ...row);
  return result.numAffectedRows !== 0n;
}
