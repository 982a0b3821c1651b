import {
  APPRECIATION_POOL,
  Engine,
  memberFromRecord,
  poolCash,
  poolFromRecord,
  positionFromRecord,
  type AppreciationPoolInstance,
} from '@mall/core';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database';
import { forEachEvent, toEngineEvent } from './incentive-log';
import { engineConfigOf, loadPlans } from './plans';
import { isUserWallet } from '../money/ledger';

export interface Difference {
  kind: string;
  key: string;
  expected: string;
  actual: string;
}

export interface AuditReport {
  ok: boolean;
  events: number;
  differences: Difference[];
}

const ENGINE_REASONS = ['referralCycle', 'appreciationExit', 'appreciationRedeem', 'poolContribution'];

/**
 * Replays the incentive event log through a fresh engine and compares, to the fen, with what is stored: every
 * engine transfer in the ledger (and no others), positions, pool state, referral progress; then the ledger on its
 * own: each account's balance equals its transfers, all balances sum to zero, no wallet is negative.
 */
export async function runAudit(db: Db): Promise<AuditReport> {
  const differences: Difference[] = [];
  const diff = (kind: string, key: string, expected: unknown, actual: unknown): void => {
    differences.push({ kind, key, expected: String(expected), actual: String(actual) });
  };
  const engine = new Engine(engineConfigOf(await loadPlans(db)));
  const transfers = new Map<string, { from: string; to: string; amountFen: bigint }>();
  const positions = new Map<
    string,
    { user: string; units: bigint; capFen: bigint; realizedFen: bigint; paidFen: bigint; status: string }
  >();
  const progress = new Map<string, { merchant: boolean; baseFen: bigint; rewardCount: number }>();
  let pool: { cashFen: bigint; supplyUnits: bigint } | undefined;
  let events = 0;
  await forEachEvent(db, 0n, (row) => {
    if (row.seq !== BigInt(events)) diff('event_log', `seq ${events}`, events, row.seq);
    events += 1;
    for (const e of engine.apply(toEngineEvent(row))) {
      if (e.type === 'transfer') transfers.set(e.id, { from: e.from, to: e.to, amountFen: e.amountFen });
      if (e.type !== 'record') continue;
      const position = positionFromRecord(e);
      const member = memberFromRecord(e);
      const poolRecord = poolFromRecord(e);
      if (position !== undefined) positions.set(position.order, position);
      else if (member !== undefined) progress.set(member.user, member);
      else if (poolRecord !== undefined) pool = poolRecord;
    }
  });

  const stored = await db
    .selectFrom('transfers')
    .select(['id', 'from_account', 'to_account', 'amount_fen'])
    .where('reason', 'in', ENGINE_REASONS)
    .execute();
  const seen = new Set<string>();
  for (const t of stored) {
    seen.add(t.id);
    const want = transfers.get(t.id);
    if (want === undefined) diff('transfer', t.id, 'absent', `${t.from_account} -> ${t.to_account} ${t.amount_fen}`);
    else if (want.from !== t.from_account || want.to !== t.to_account || want.amountFen !== t.amount_fen) {
      diff(
        'transfer',
        t.id,
        `${want.from} -> ${want.to} ${want.amountFen}`,
        `${t.from_account} -> ${t.to_account} ${t.amount_fen}`,
      );
    }
  }
  for (const [id, want] of transfers)
    if (!seen.has(id)) diff('transfer', id, `${want.from} -> ${want.to} ${want.amountFen}`, 'absent');

  const storedPositions = await db.selectFrom('positions').selectAll().execute();
  const seenPositions = new Set<string>();
  for (const p of storedPositions) {
    seenPositions.add(p.order_id);
    const want = positions.get(p.order_id);
    const actual = `${p.user_id} units=${p.units} cap=${p.cap_fen} realized=${p.realized_fen} paid=${p.paid_fen} ${p.status}`;
    if (want === undefined) diff('position', p.order_id, 'absent', actual);
    else {
      const expected = `${want.user} units=${want.units} cap=${want.capFen} realized=${want.realizedFen} paid=${want.paidFen} ${want.status}`;
      if (expected !== actual) diff('position', p.order_id, expected, actual);
    }
  }
  for (const [order, want] of positions)
    if (!seenPositions.has(order)) diff('position', order, `${want.user} units=${want.units}`, 'absent');

  const storedProgress = await db.selectFrom('referral_progress').selectAll().execute();
  const seenProgress = new Set<string>();
  for (const p of storedProgress) {
    seenProgress.add(p.user_id);
    const want = progress.get(p.user_id);
    const actual = `merchant=${p.merchant === 1n} base=${p.base_fen} rewards=${p.reward_count}`;
    const expected =
      want === undefined ? 'absent' : `merchant=${want.merchant} base=${want.baseFen} rewards=${want.rewardCount}`;
    if (expected !== actual) diff('referral_progress', p.user_id, expected, actual);
  }
  for (const user of progress.keys()) if (!seenProgress.has(user)) diff('referral_progress', user, 'present', 'absent');

  const enginePool = (engine.campaign(APPRECIATION_POOL) as AppreciationPoolInstance | undefined)?.state;
  const storedPool = await db
    .selectFrom('pool_state')
    .selectAll()
    .where('plan', '=', APPRECIATION_POOL)
    .executeTakeFirst();
  const expectedPool = `cash=${enginePool?.cashFen ?? 0n} supply=${enginePool?.supplyUnits ?? 0n}`;
  const actualPool = `cash=${storedPool?.cash_fen ?? 0n} supply=${storedPool?.supply_units ?? 0n}`;
  if (pool !== undefined || storedPool !== undefined) {
    if (expectedPool !== actualPool) diff('pool', APPRECIATION_POOL, expectedPool, actualPool);
  }

  // The ledger by itself: balances (and their simulated parts) are the fold of transfers, both sum to zero, wallets
  // never go negative, and no account holds more simulated money than money.
  const flows = await db
    .selectFrom(
      db
        .selectFrom('transfers')
        .select(['to_account as account', 'amount_fen as delta', 'simulated_fen as simulated'])
        .unionAll(
          db
            .selectFrom('transfers')
            .select([
              'from_account as account',
              sql<bigint>`-amount_fen`.as('delta'),
              sql<bigint>`-simulated_fen`.as('simulated'),
            ]),
        )
        .as('f'),
    )
    .select(['f.account', sql<bigint>`sum(f.delta)`.as('sum'), sql<bigint>`sum(f.simulated)`.as('simulated')])
    .groupBy('f.account')
    .execute();
  const accounts = await db.selectFrom('accounts').selectAll().execute();
  const balances = new Map(accounts.map((a) => [a.address, a.balance_fen]));
  const simulatedBalances = new Map(accounts.map((a) => [a.address, a.simulated_fen]));
  let total = 0n;
  let simulatedTotal = 0n;
  for (const a of accounts) {
    total += a.balance_fen;
    simulatedTotal += a.simulated_fen;
    if (isUserWallet(a.address) && a.balance_fen < 0n) diff('negative_wallet', a.address, '>= 0', a.balance_fen);
    if (isUserWallet(a.address) && (a.simulated_fen < 0n || a.simulated_fen > a.balance_fen))
      diff('wallet_simulated', a.address, `0..${a.balance_fen}`, a.simulated_fen);
  }
  if (total !== 0n) diff('ledger_total', 'all accounts', 0n, total);
  if (simulatedTotal !== 0n) diff('ledger_simulated_total', 'all accounts', 0n, simulatedTotal);
  const flowByAccount = new Map(flows.map((f) => [f.account, { sum: BigInt(f.sum), simulated: BigInt(f.simulated) }]));
  for (const [account, flow] of flowByAccount) {
    const balance = balances.get(account) ?? 0n;
    if (balance !== flow.sum) diff('account_balance', account, flow.sum, balance);
    const simulated = simulatedBalances.get(account) ?? 0n;
    if (simulated !== flow.simulated) diff('account_simulated', account, flow.simulated, simulated);
  }
  for (const [account, balance] of balances)
    if (!flowByAccount.has(account) && (balance !== 0n || (simulatedBalances.get(account) ?? 0n) !== 0n))
      diff('account_balance', account, 0n, balance);
  const poolAccount = balances.get(poolCash(APPRECIATION_POOL)) ?? 0n;
  if (poolAccount !== (enginePool?.cashFen ?? 0n))
    diff('pool_account', poolCash(APPRECIATION_POOL), enginePool?.cashFen ?? 0n, poolAccount);

  return { ok: differences.length === 0, events, differences };
}
