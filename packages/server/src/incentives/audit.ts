import { diffRecords, parseAccount, replayForAudit, type EngineEvent, type TransferEffect } from '@mall/core';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database';
import { forEachEvent, toEngineEvent } from './incentive-log';
import { loadEngineLevels } from './level-ladder';
import { isUserWallet } from '../money/ledger';
import { loadRecords } from './plan-records';

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

/** The whole log, in order, as engine events (the replay is core's, which takes a list). */
export async function loadEvents(db: Db): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  let expected = 0n;
  await forEachEvent(db, 0n, (row) => {
    if (row.seq !== expected) throw new Error(`event log gap: expected seq ${expected}, found ${row.seq}`);
    expected += 1n;
    events.push(toEngineEvent(row));
  });
  return events;
}

function transferText(t: { from: string; to: string; amountFen: bigint; campaign: string | null; version: unknown }) {
  return `${t.from} -> ${t.to} ${t.amountFen} (${t.campaign ?? '-'} v${String(t.version ?? '-')})`;
}

/**
 * Replays the incentive event log through a fresh engine (core's replayForAudit) and compares, to the fen, with what
 * is stored: every engine transfer in the ledger (and no others) with its campaign and version, every plan record
 * (core's diffRecords), and each campaign account's balance against the replay's flows into and out of it; then the
 * ledger on its own: each account's balance equals its transfers, all balances sum to zero, no wallet is negative.
 */
export async function runAudit(db: Db): Promise<AuditReport> {
  const differences: Difference[] = [];
  const diff = (kind: string, key: string, expected: unknown, actual: unknown): void => {
    differences.push({ kind, key, expected: String(expected), actual: String(actual) });
  };
  const legacy = await db.selectFrom('kv').select('value').where('key', '=', 'incentive_log_legacy').executeTakeFirst();
  if (legacy !== undefined) {
    diff(
      'event_log',
      'legacy',
      'a log in the campaigns format',
      `${legacy.value} events from before campaigns (re-seed)`,
    );
  }
  let events: EngineEvent[];
  try {
    events = await loadEvents(db);
  } catch (error) {
    return {
      ok: false,
      events: 0,
      differences: [{ kind: 'event_log', key: '', expected: 'contiguous', actual: String(error) }],
    };
  }
  let replay: ReturnType<typeof replayForAudit>;
  try {
    replay = replayForAudit({ levels: await loadEngineLevels(db), campaigns: [] }, events);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      events: events.length,
      differences: [{ kind: 'replay', key: '', expected: 'replays', actual: message }],
    };
  }

  const stored = await db
    .selectFrom('transfers')
    .select(['id', 'from_account', 'to_account', 'amount_fen', 'plan', 'campaign', 'version'])
    .where('plan', 'is not', null)
    .execute();
  const seen = new Set<string>();
  for (const t of stored) {
    seen.add(t.id);
    const want: TransferEffect | undefined = replay.transfers.get(t.id);
    const actual = transferText({
      from: t.from_account,
      to: t.to_account,
      amountFen: t.amount_fen,
      campaign: t.campaign,
      version: t.version,
    });
    if (want === undefined) diff('transfer', t.id, 'absent', actual);
    else if (transferText({ ...want, version: BigInt(want.version) }) !== actual || want.plan !== t.plan) {
      diff('transfer', t.id, transferText({ ...want, version: BigInt(want.version) }), actual);
    }
  }
  for (const [id, want] of replay.transfers) if (!seen.has(id)) diff('transfer', id, transferText(want), 'absent');

  for (const d of diffRecords(replay.records, await loadRecords(db))) {
    diff('record', `${d.key.campaign}/${d.key.kind}/${d.key.key}`, d.expected, d.actual);
  }

  // Money a campaign holds: its accounts move only by engine transfers, so each balance is the replay's net flow.
  const campaignFlows = new Map<string, bigint>();
  const flow = (address: string, delta: bigint): void => {
    if (parseAccount(address)?.kind === 'campaign')
      campaignFlows.set(address, (campaignFlows.get(address) ?? 0n) + delta);
  };
  for (const t of replay.transfers.values()) {
    flow(t.from, -t.amountFen);
    flow(t.to, t.amountFen);
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
    if (parseAccount(a.address) === undefined)
      diff('unknown_account', a.address, 'in the chart of accounts', 'unknown');
    if (isUserWallet(a.address) && a.balance_fen < 0n) diff('negative_wallet', a.address, '>= 0', a.balance_fen);
    if (isUserWallet(a.address) && (a.simulated_fen < 0n || a.simulated_fen > a.balance_fen))
      diff('wallet_simulated', a.address, `0..${a.balance_fen}`, a.simulated_fen);
    if (parseAccount(a.address)?.kind === 'campaign' && !campaignFlows.has(a.address) && a.balance_fen !== 0n)
      diff('campaign_account', a.address, 0n, a.balance_fen);
  }
  for (const [address, expected] of campaignFlows) {
    const actual = balances.get(address) ?? 0n;
    if (actual !== expected) diff('campaign_account', address, expected, actual);
  }
  if (total !== 0n) diff('ledger_total', 'all accounts', 0n, total);
  if (simulatedTotal !== 0n) diff('ledger_simulated_total', 'all accounts', 0n, simulatedTotal);
  const flowByAccount = new Map(flows.map((f) => [f.account, { sum: BigInt(f.sum), simulated: BigInt(f.simulated) }]));
  for (const [account, f] of flowByAccount) {
    const balance = balances.get(account) ?? 0n;
    if (balance !== f.sum) diff('account_balance', account, f.sum, balance);
    const simulated = simulatedBalances.get(account) ?? 0n;
    if (simulated !== f.simulated) diff('account_simulated', account, f.simulated, simulated);
  }
  for (const [account, balance] of balances)
    if (!flowByAccount.has(account) && (balance !== 0n || (simulatedBalances.get(account) ?? 0n) !== 0n))
      diff('account_balance', account, 0n, balance);

  return { ok: differences.length === 0, events: events.length, differences };
}
