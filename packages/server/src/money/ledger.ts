import { sql } from 'kysely';
import type { Db, Tx } from '../platform/db/database';
import { bulkWriter } from '../platform/db/bulk';
import { fail } from '../platform/errors';
import { prepared } from '../platform/db/prepared';

/**
 * Chart of accounts. Money enters at a gateway, waits in escrow while the order can still be refunded, becomes
 * revenue when the order settles, and leaves revenue for rewards (wallets, pool). Only user wallets are
 * bounded below by zero; platform and gateway accounts are allowed to run negative (a gateway account's balance is
 * minus what that gateway has handed us).
 */
export const ACCOUNTS = {
  escrow: 'platform:escrow',
  revenue: 'platform:revenue',
  withdrawalsPending: 'platform:withdrawals',
  fees: 'platform:fees',
  payout: 'gateway:payout',
  gateway: (channel: string) => `gateway:${channel}`,
} as const;

export function isUserWallet(address: string): boolean {
  return address.startsWith('user:') && address.endsWith(':wallet');
}

export interface TransferInput {
  id: string;
  from: string;
  to: string;
  amountFen: bigint;
  reason: string;
  orderId?: string | null;
  userId?: string | null;
}

const addToAccountQuery = prepared((trx, address: string, deltaFen: bigint) =>
  trx
    .insertInto('accounts')
    .values({ address, balance_fen: deltaFen })
    .onConflict((oc) =>
      oc.column('address').doUpdateSet({ balance_fen: sql`accounts.balance_fen + excluded.balance_fen` }),
    ),
);

async function addToAccount(trx: Tx, address: string, deltaFen: bigint): Promise<void> {
  await addToAccountQuery(trx, address, deltaFen);
}

const debitWalletQuery = prepared((trx, address: string, amountFen: bigint, minimumFen: bigint) =>
  trx
    .updateTable('accounts')
    .set({ balance_fen: sql`balance_fen - ${amountFen}` })
    .where('address', '=', address)
    .where('balance_fen', '>=', minimumFen),
);

/** Takes money out of a wallet only if it is there, in the same statement that checks it. */
async function debitWallet(trx: Tx, address: string, amountFen: bigint): Promise<void> {
  const result = await debitWalletQuery(trx, address, amountFen, amountFen);
  if (result.numAffectedRows !== 1n) fail('insufficient_balance');
}

const insertTransferQuery = prepared(
  (
    trx,
    id: string,
    from: string,
    to: string,
    amountFen: bigint,
    reason: string,
    orderId: string | null,
    userId: string | null,
    at: string,
  ) =>
    trx
      .insertInto('transfers')
      .values({
        id,
        from_account: from,
        to_account: to,
        amount_fen: amountFen,
        reason,
        order_id: orderId,
        user_id: userId,
        created_at: at,
      })
      .onConflict((oc) => oc.column('id').doNothing()),
);

/**
 * Posts one balanced transfer. The id is derived from the cause, so posting it again does nothing and returns false.
 * A wallet debit that would go negative throws insufficient_balance and the caller's transaction rolls back.
 */
export async function postTransfer(trx: Tx, t: TransferInput, at: string): Promise<boolean> {
  if (t.amountFen <= 0n) throw new Error(`transfer ${t.id} has a non-positive amount`);
  const inserted = await insertTransferQuery(
    trx,
    t.id,
    t.from,
    t.to,
    t.amountFen,
    t.reason,
    t.orderId ?? null,
    t.userId ?? null,
    at,
  );
  if (inserted.numAffectedRows !== 1n) return false;
  if (isUserWallet(t.from)) await debitWallet(trx, t.from, t.amountFen);
  else await addToAccount(trx, t.from, -t.amountFen);
  await addToAccount(trx, t.to, t.amountFen);
  return true;
}

const writeTransfers = bulkWriter('transfers', [
  'id',
  'from_account',
  'to_account',
  'amount_fen',
  'reason',
  'order_id',
  'user_id',
  'created_at',
]);
const addToAccounts = bulkWriter('accounts', ['address', 'balance_fen'], { key: 'address', add: ['balance_fen'] });

/**
 * Bulk path for settlement: inserts many transfers and applies one aggregated delta per account. Only for
 * transfers that never debit a wallet (settlement pays into wallets, it never takes from them).
 */
export async function postCreditsBulk(trx: Tx, transfers: readonly TransferInput[], at: string): Promise<void> {
  const deltas = new Map<string, bigint>();
  for (const t of transfers) {
    if (t.amountFen <= 0n) throw new Error(`transfer ${t.id} has a non-positive amount`);
    if (isUserWallet(t.from)) throw new Error(`bulk transfer ${t.id} debits a wallet`);
    deltas.set(t.from, (deltas.get(t.from) ?? 0n) - t.amountFen);
    deltas.set(t.to, (deltas.get(t.to) ?? 0n) + t.amountFen);
  }
  // Accounts in address order, so two writers touching the same accounts lock them in the same order.
  const entries = [...deltas.entries()].filter(([, d]) => d !== 0n).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await writeTransfers(
    trx,
    transfers.map((t) => ({
      id: t.id,
      from_account: t.from,
      to_account: t.to,
      amount_fen: t.amountFen,
      reason: t.reason,
      order_id: t.orderId ?? null,
      user_id: t.userId ?? null,
      created_at: at,
    })),
  );
  await addToAccounts(
    trx,
    entries.map(([address, balance_fen]) => ({ address, balance_fen })),
  );
}

export async function balanceOf(db: Db | Tx, address: string): Promise<bigint> {
  const row = await db.selectFrom('accounts').select('balance_fen').where('address', '=', address).executeTakeFirst();
  return row?.balance_fen ?? 0n;
}

export interface LedgerEntry {
  id: string;
  transferId: string;
  from: string;
  to: string;
  amountFen: bigint;
  reason: string;
  orderId: string | null;
  userId: string | null;
  createdAt: string;
}

export function toLedgerEntry(r: {
  id: string;
  from_account: string;
  to_account: string;
  amount_fen: bigint;
  reason: string;
  order_id: string | null;
  user_id: string | null;
  created_at: string;
}): LedgerEntry {
  return {
    id: r.id,
    transferId: r.id,
    from: r.from_account,
    to: r.to_account,
    amountFen: r.amount_fen,
    reason: r.reason,
    orderId: r.order_id,
    userId: r.user_id,
    createdAt: r.created_at,
  };
}

/** Ledger transfers, newest first, optionally those touching one account. */
export async function listTransfers(
  db: Db,
  filter: { account?: string | undefined; page: number; pageSize: number },
): Promise<{ items: LedgerEntry[]; total: bigint }> {
  let query = db.selectFrom('transfers');
  const account = filter.account;
  if (account !== undefined && account !== '')
    query = query.where((eb) => eb.or([eb('from_account', '=', account), eb('to_account', '=', account)]));
  const total = await query.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  return { items: rows.map(toLedgerEntry), total: total.n };
}

export async function listAccounts(db: Db): Promise<{ account: string; balanceFen: bigint }[]> {
  const rows = await db.selectFrom('accounts').selectAll().orderBy('address').execute();
  return rows.map((r) => ({ account: r.address, balanceFen: r.balance_fen }));
}
