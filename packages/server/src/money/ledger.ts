import {
  PLATFORM_ESCROW,
  PLATFORM_FEES,
  PLATFORM_GOODWILL,
  PLATFORM_PAYOUTS,
  PLATFORM_REVENUE,
  PLATFORM_WITHDRAWALS,
  gatewayAccount,
  isKnownAccount,
  isUserWalletAccount,
  transferReasonLabel,
  type AccountAddress,
  type Label,
  type TransferReason,
} from '@mall/core';
import { sql } from 'kysely';
import type { Db, Tx } from '../platform/db/database';
import { isPostgres } from '../platform/db/database';
import { bulkWriter } from '../platform/db/bulk';
import {
  addToAccount,
  addToBothAccounts,
  insertTransferMovingBoth,
  transferRow,
  type TransferColumns,
} from './account-deltas';
import { fail } from '../platform/errors';
import { prepared } from '../platform/db/prepared';

/**
 * The accounts the mall's own flows use, from core's chart of accounts (the only place that spells an address).
 * Money enters at a gateway, waits in escrow while the order can still be refunded, becomes revenue when the order
 * settles, and leaves revenue for rewards (wallets, campaign accounts). Only user wallets are bounded below by zero;
 * platform and gateway accounts are allowed to run negative (a gateway account's balance is minus what that gateway
 * has handed us).
 */
export const ACCOUNTS = {
  escrow: PLATFORM_ESCROW,
  revenue: PLATFORM_REVENUE,
  withdrawalsPending: PLATFORM_WITHDRAWALS,
  /** Withdrawals handed to a gateway's transfer API and not yet answered: paid, or back to the wallet. */
  payoutsInFlight: PLATFORM_PAYOUTS,
  fees: PLATFORM_FEES,
  /** Platform expense: goodwill refunds after settlement, paid by the platform with no clawback from anyone. */
  goodwillExpense: PLATFORM_GOODWILL,
  payout: gatewayAccount('payout'),
  /** `gateway:sandbox`, `gateway:wechat`, `gateway:alipay`: one account per gateway, whatever the channel. */
  gateway: (gateway: string): AccountAddress => gatewayAccount(gateway),
} as const;

export function isUserWallet(address: string): boolean {
  return isUserWalletAccount(address);
}

/** The ledger never creates an account the chart does not know: a transfer naming one is a bug, and throws. */
function assertKnownAccounts(t: TransferInput): void {
  for (const address of [t.from, t.to]) {
    if (!isKnownAccount(address)) throw new Error(`account_not_found: transfer ${t.id} names ${address}`);
  }
}

/**
 * Which part of a transfer is simulated money (money that came through the sandbox gateway; it can never leave through
 * a real channel). Money keeps its kind as it moves: a bigint states it (a sandbox payment is all simulated, a refund
 * carries what the order was paid with), `proportional` takes the source account's simulated share (rounded up, so a
 * destination is never counted more real than its source), and a wallet spends `simulated_first` (payments in the
 * mall: real money stays withdrawable) or `real_first` (withdrawals: real money leaves first).
 */
export type SimulatedShare = bigint | 'proportional' | 'simulated_first' | 'real_first';

export interface TransferInput {
  id: string;
  from: AccountAddress;
  to: AccountAddress;
  amountFen: bigint;
  reason: TransferReason;
  orderId?: string | null;
  userId?: string | null;
  /** Engine transfers: the plan, campaign and parameter version that paid it. */
  plan?: string;
  campaign?: string;
  version?: number;
  /** Default: `simulated_first` from a wallet, `proportional` from any other account. */
  simulated?: SimulatedShare;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** The simulated part of `amountFen` leaving an account that holds `balanceFen`, of which `simulatedFen` simulated. */
export function simulatedPart(
  rule: Exclude<SimulatedShare, bigint>,
  amountFen: bigint,
  balanceFen: bigint,
  simulatedFen: bigint,
): bigint {
  const simulated = simulatedFen > 0n ? simulatedFen : 0n;
  const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
  if (rule === 'simulated_first') return min(amountFen, simulated);
  if (rule === 'real_first') {
    const real = balanceFen - simulated;
    return amountFen > real ? min(amountFen - (real > 0n ? real : 0n), simulated) : 0n;
  }
  return balanceFen > 0n ? min(amountFen, ceilDiv(amountFen * simulated, balanceFen)) : min(amountFen, simulated);
}

const debitWalletQuery = prepared(
  (trx, address: string, amountFen: bigint, simulatedFen: bigint, minimumFen: bigint, minimumSimulatedFen: bigint) =>
    trx
      .updateTable('accounts')
      .set({ balance_fen: sql`balance_fen - ${amountFen}`, simulated_fen: sql`simulated_fen - ${simulatedFen}` })
      .where('address', '=', address)
      .where('balance_fen', '>=', minimumFen)
      .where('simulated_fen', '>=', minimumSimulatedFen),
);

/** Takes money out of a wallet only if it is there, in the same statement that checks it. */
async function debitWallet(trx: Tx, address: string, amountFen: bigint, simulatedFen: bigint): Promise<void> {
  const result = await debitWalletQuery(trx, address, amountFen, simulatedFen, amountFen, simulatedFen);
  if (result.numAffectedRows !== 1n) fail('insufficient_balance');
}

const accountStateQuery = prepared((trx, address: string) =>
  trx.selectFrom('accounts').select(['balance_fen', 'simulated_fen']).where('address', '=', address),
);

const lockAccountQuery = prepared((trx, address: string) =>
  trx.selectFrom('accounts').select(['balance_fen', 'simulated_fen']).where('address', '=', address).forUpdate(),
);

/** The source's state for a computed share, locked on PostgreSQL so two debits of one account see each other. */
async function sourceState(trx: Tx, address: string): Promise<{ balance: bigint; simulated: bigint }> {
  const row = (isPostgres(trx) ? await lockAccountQuery(trx, address) : await accountStateQuery(trx, address)).rows[0];
  return { balance: row?.balance_fen ?? 0n, simulated: row?.simulated_fen ?? 0n };
}

const insertTransferQuery = prepared((trx, ...row: TransferColumns) =>
  trx
    .insertInto('transfers')
    .values(transferRow(...row))
    .onConflict((oc) => oc.column('id').doNothing()),
);

/**
 * Posts one balanced transfer. The id is derived from the cause, so posting it again does nothing and returns
 * undefined; otherwise the simulated part it carried. A wallet debit that would go negative throws
 * insufficient_balance and the caller's transaction rolls back.
 */
export async function postTransfer(trx: Tx, t: TransferInput, at: string): Promise<bigint | undefined> {
  if (t.amountFen <= 0n) throw new Error(`transfer ${t.id} has a non-positive amount`);
  assertKnownAccounts(t);
  const wallet = isUserWallet(t.from);
  const rule = t.simulated ?? (wallet ? 'simulated_first' : 'proportional');
  let simulated: bigint;
  if (typeof rule === 'bigint') simulated = rule;
  else {
    const state = await sourceState(trx, t.from);
    simulated = simulatedPart(rule, t.amountFen, state.balance, state.simulated);
  }
  if (simulated < 0n || simulated > t.amountFen) throw new Error(`transfer ${t.id}: simulated part out of range`);
  const row: TransferColumns = [
    t.id,
    t.from,
    t.to,
    t.amountFen,
    t.reason,
    t.orderId ?? null,
    t.userId ?? null,
    at,
    simulated,
    t.plan ?? null,
    t.campaign ?? null,
    t.version === undefined ? null : BigInt(t.version),
  ];
  if (!wallet && t.from !== t.to && isPostgres(trx))
    return (await insertTransferMovingBoth(trx, ...row)) ? simulated : undefined;
  const inserted = await insertTransferQuery(trx, ...row);
  if (inserted.numAffectedRows !== 1n) return undefined;
  if (!wallet && t.from !== t.to) {
    await addToBothAccounts(trx, t.from, -t.amountFen, -simulated, t.to, t.amountFen, simulated);
    return simulated;
  }
  if (wallet) await debitWallet(trx, t.from, t.amountFen, simulated);
  else await addToAccount(trx, t.from, -t.amountFen, -simulated);
  await addToAccount(trx, t.to, t.amountFen, simulated);
  return simulated;
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
  'simulated_fen',
  'plan',
  'campaign',
  'version',
]);
const addToAccounts = bulkWriter('accounts', ['address', 'balance_fen', 'simulated_fen'], {
  key: 'address',
  add: ['balance_fen', 'simulated_fen'],
});

/**
 * Bulk path for settlement: inserts many transfers and applies one aggregated delta per account. Only for
 * transfers that never debit a wallet (settlement pays into wallets, it never takes from them). Simulated parts are
 * folded in order, so a pool that receives a contribution and pays an exit in one batch shares out its mix correctly.
 */
export async function postCreditsBulk(trx: Tx, transfers: readonly TransferInput[], at: string): Promise<void> {
  const sources = [...new Set(transfers.filter((t) => typeof t.simulated !== 'bigint').map((t) => t.from))];
  const state = new Map<string, { balance: bigint; simulated: bigint }>();
  for (let i = 0; i < sources.length; i += 500) {
    const rows = await trx
      .selectFrom('accounts')
      .select(['address', 'balance_fen', 'simulated_fen'])
      .where('address', 'in', sources.slice(i, i + 500))
      .execute();
    for (const r of rows) state.set(r.address, { balance: r.balance_fen, simulated: r.simulated_fen });
  }
  const deltas = new Map<string, { balance: bigint; simulated: bigint }>();
  const move = (address: string, balance: bigint, simulated: bigint): void => {
    const d = deltas.get(address) ?? { balance: 0n, simulated: 0n };
    d.balance += balance;
    d.simulated += simulated;
    deltas.set(address, d);
    const s = state.get(address) ?? { balance: 0n, simulated: 0n };
    s.balance += balance;
    s.simulated += simulated;
    state.set(address, s);
  };
  const rows = transfers.map((t) => {
    if (t.amountFen <= 0n) throw new Error(`transfer ${t.id} has a non-positive amount`);
    assertKnownAccounts(t);
    if (isUserWallet(t.from)) throw new Error(`bulk transfer ${t.id} debits a wallet`);
    const rule = t.simulated ?? 'proportional';
    const source = state.get(t.from) ?? { balance: 0n, simulated: 0n };
    const simulated =
      typeof rule === 'bigint' ? rule : simulatedPart(rule, t.amountFen, source.balance, source.simulated);
    move(t.from, -t.amountFen, -simulated);
    move(t.to, t.amountFen, simulated);
    return {
      id: t.id,
      from_account: t.from,
      to_account: t.to,
      amount_fen: t.amountFen,
      reason: t.reason,
      order_id: t.orderId ?? null,
      user_id: t.userId ?? null,
      created_at: at,
      simulated_fen: simulated,
      plan: t.plan ?? null,
      campaign: t.campaign ?? null,
      version: t.version === undefined ? null : BigInt(t.version),
    };
  });
  // Accounts in address order, so two writers touching the same accounts lock them in the same order.
  const entries = [...deltas.entries()]
    .filter(([, d]) => d.balance !== 0n || d.simulated !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await writeTransfers(trx, rows);
  await addToAccounts(
    trx,
    entries.map(([address, d]) => ({ address, balance_fen: d.balance, simulated_fen: d.simulated })),
  );
}

export async function balanceOf(db: Db | Tx, address: string): Promise<bigint> {
  return (await accountState(db, address)).balanceFen;
}

export async function accountState(
  db: Db | Tx,
  address: string,
): Promise<{ balanceFen: bigint; simulatedFen: bigint }> {
  const row = (await accountStateQuery(db, address)).rows[0];
  return { balanceFen: row?.balance_fen ?? 0n, simulatedFen: row?.simulated_fen ?? 0n };
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
  simulatedFen: bigint;
  /** The campaign (and its plan and parameter version) that paid an engine transfer. */
  plan: string | null;
  campaign: string | null;
  version: bigint | null;
  /** What the reason is called (core's one table of reason labels); null for a reason nobody declared. */
  label: Label | null;
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
  simulated_fen: bigint;
  plan: string | null;
  campaign: string | null;
  version: bigint | null;
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
    simulatedFen: r.simulated_fen,
    plan: r.plan,
    campaign: r.campaign,
    version: r.version,
    label: transferReasonLabel(r.reason),
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
