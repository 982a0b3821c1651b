import { decideWithdrawal, listWithdrawals, type WithdrawalDecision } from '../../money/withdrawals';
import { listAccounts, listTransfers } from '../../money/ledger';
import { runAudit } from '../../incentives/audit';
import { paging, staffWith, type RouteModule } from '../context';
import {
  adminRoute,
  anyObject,
  arr,
  bool,
  idParam,
  int,
  list,
  nullable,
  obj,
  pageQuery,
  str,
  withdrawalSchema,
} from '../schemas';

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
  },
  ['id', 'transferId', 'from', 'to', 'amountFen', 'reason', 'orderId', 'userId', 'createdAt', 'simulatedFen'],
);

const WITHDRAWAL_SUMMARIES: Record<WithdrawalDecision, string> = {
  approve: 'Approve a withdrawal (finance:write)',
  reject: 'Reject a withdrawal: the money returns to the wallet (finance:write)',
  paid: 'Mark an approved withdrawal paid (finance:write)',
};

/** Finance: withdrawals and their decisions, the ledger, account balances, the incentive audit. */
export const adminFinanceRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get<{ Querystring: { status?: string; page?: number; pageSize?: number } }>(
    '/api/admin/withdrawals',
    adminRoute(
      'Withdrawals (finance:read)',
      { querystring: obj({ status: str(), ...pageQuery }) },
      list(withdrawalSchema),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'finance:read');
      const { page, pageSize } = paging(request.query);
      return { ...(await listWithdrawals(db, { status: request.query.status, page, pageSize })), page, pageSize };
    },
  );

  for (const decision of ['approve', 'reject', 'paid'] as const) {
    app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
      `/api/admin/withdrawals/:id/${decision}`,
      adminRoute(
        WITHDRAWAL_SUMMARIES[decision],
        { params: idParam, body: obj({ reason: str({ maxLength: 500 }) }) },
        obj({ withdrawal: withdrawalSchema }),
        ['withdrawal_not_found', 'withdrawal_transition_not_allowed', 'simulated_money'],
      ),
      async (request) => {
        await staffWith(ctx, request, 'finance:write');
        return {
          withdrawal: await decideWithdrawal(
            db,
            request.params.id,
            decision,
            request.body?.reason ?? '',
            ctx.environment,
          ),
        };
      },
    );
  }

  app.get<{ Querystring: { account?: string; page?: number; pageSize?: number } }>(
    '/api/admin/ledger',
    adminRoute(
      'Ledger transfers, optionally for one account (finance:read)',
      { querystring: obj({ account: str({ maxLength: 200 }), ...pageQuery }) },
      list(ledgerEntry),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'finance:read');
      const { page, pageSize } = paging(request.query);
      return { ...(await listTransfers(db, { account: request.query.account, page, pageSize })), page, pageSize };
    },
  );

  app.get(
    '/api/admin/accounts',
    adminRoute(
      'Every ledger account and its balance (finance:read)',
      {},
      list(obj({ account: str(), balanceFen: int() }), false),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'finance:read');
      return { items: await listAccounts(db) };
    },
  );

  app.get(
    '/api/admin/audit',
    adminRoute(
      'Replay the incentive event log and compare with stored balances, positions and pool (finance:read)',
      {},
      obj({ ok: bool, events: int(), differences: arr(anyObject) }, ['ok', 'events', 'differences']),
      [],
    ),
    async (request) => {
      await staffWith(ctx, request, 'finance:read');
      return runAudit(db);
    },
  );
};
