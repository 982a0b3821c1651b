import { decideWithdrawal, listWithdrawals, type WithdrawalDecision } from '../../money/withdrawals';
import { startPayout } from '../../money/payouts';
import { listAccounts, listTransfers } from '../../money/ledger';
import { runAudit } from '../../incentives/audit';
import { paging, type RouteModule } from '../context';
import { anyObject, arr, bool, idParam, int, list, nullable, obj, pageQuery, str, withdrawalSchema } from '../schemas';
import { byParam, staffRoute } from '../staff-route';

const ledgerEntry = obj(
  {
    id: str(),
    transferId: str(),
    from: str(),
    to: str(),
    amountFen: int(),
    reason: str(),
    orderId: nullable(str()),
    userId: nullable(str()),
    createdAt: str(),
    simulatedFen: int(),
    /** The plan, campaign and parameter version that paid an engine transfer; null for the mall's own moves. */
    plan: nullable(str()),
    campaign: nullable(str()),
    version: nullable(int()),
    /** The reason's label from core's one table (null for a reason nobody declared: show the code). */
    label: nullable(obj({ zh: str(), en: str() })),
  },
  ['id', 'transferId', 'from', 'to', 'amountFen', 'reason', 'orderId', 'userId', 'createdAt', 'simulatedFen', 'label'],
);

const WITHDRAWAL_SUMMARIES: Record<WithdrawalDecision, string> = {
  approve: 'Approve a withdrawal',
  reject: 'Reject a withdrawal: the money returns to the wallet',
  paid: 'Mark an approved withdrawal paid by hand: bank transfers, or a channel whose gateway is not configured',
};

/** Finance: withdrawals and their decisions, the ledger, account balances, the incentive audit. */
export const adminFinanceRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get<{ Querystring: { status?: string; page?: number; pageSize?: number } }>(
    '/api/admin/withdrawals',
    staffRoute(
      'finance:read',
      'Withdrawals',
      { querystring: obj({ status: str(), ...pageQuery }) },
      list(withdrawalSchema),
      undefined,
      [],
    ),
    async (request) => {
      const { page, pageSize } = paging(request.query);
      return { ...(await listWithdrawals(db, { status: request.query.status, page, pageSize })), page, pageSize };
    },
  );

  for (const decision of ['approve', 'reject', 'paid'] as const) {
    app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
      `/api/admin/withdrawals/:id/${decision}`,
      staffRoute(
        'finance:write',
        WITHDRAWAL_SUMMARIES[decision],
        { params: idParam, body: obj({ reason: str({ maxLength: 500 }) }) },
        obj({ withdrawal: withdrawalSchema }),
        { action: `withdrawal.${decision}`, entity: 'withdrawal', target: byParam() },
        ['withdrawal_not_found', 'withdrawal_transition_not_allowed', 'simulated_money', 'payout_channel_unavailable'],
      ),
      async (request) => {
        return {
          withdrawal: await decideWithdrawal(
            db,
            request.params.id,
            decision,
            request.body?.reason ?? '',
            ctx.environment,
            (channel) => ctx.gateways.provider(channel) !== undefined,
          ),
        };
      },
    );
  }

  app.post<{ Params: { id: string } }>(
    '/api/admin/withdrawals/:id/payout',
    staffRoute(
      'finance:write',
      "Pay an approved withdrawal out through its gateway: WeChat Pay's transfer to the payee's balance (the payee confirms in WeChat) or Alipay's single transfer; a failure returns the money, fee included, to the wallet",
      { params: idParam },
      obj({ withdrawal: withdrawalSchema }),
      { action: 'withdrawal.payout', entity: 'withdrawal', target: byParam() },
    ),
    async (request) => ({ withdrawal: await startPayout(db, ctx.gateways, request.params.id) }),
  );

  app.get<{ Querystring: { account?: string; page?: number; pageSize?: number } }>(
    '/api/admin/ledger',
    staffRoute(
      'finance:read',
      'Ledger transfers, optionally for one account',
      { querystring: obj({ account: str({ maxLength: 200 }), ...pageQuery }) },
      list(ledgerEntry),
      undefined,
      [],
    ),
    async (request) => {
      const { page, pageSize } = paging(request.query);
      return { ...(await listTransfers(db, { account: request.query.account, page, pageSize })), page, pageSize };
    },
  );

  app.get(
    '/api/admin/accounts',
    staffRoute(
      'finance:read',
      'Every ledger account and its balance',
      {},
      list(obj({ account: str(), balanceFen: int() }), false),
      undefined,
      [],
    ),
    async () => ({ items: await listAccounts(db) }),
  );

  app.get(
    '/api/admin/audit',
    staffRoute(
      'finance:read',
      'Replay the incentive event log and compare with stored balances, positions and pool',
      {},
      obj({ ok: bool, events: int(), differences: arr(anyObject) }, ['ok', 'events', 'differences']),
      undefined,
      [],
    ),
    async () => runAudit(db),
  );
};
