import { decideWithdrawal, listWithdrawals, type WithdrawalDecision } from '../../money/withdrawals';
import { listAccounts, listTransfers } from '../../money/ledger';
import { runAudit } from '../../incentives/audit';
import { paging, type RouteModule } from '../context';
import {
  anyObject,
  arr,
  bool,
  byParam,
  idParam,
  int,
  list,
  obj,
  pageQuery,
  staffRoute,
  str,
  withdrawalSchema,
} from '../schemas';

const WITHDRAWAL_SUMMARIES: Record<WithdrawalDecision, string> = {
  approve: 'Approve a withdrawal',
  reject: 'Reject a withdrawal: the money returns to the wallet',
  paid: 'Mark an approved withdrawal paid',
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
      ),
      async (request) => {
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
    staffRoute(
      'finance:read',
      'Ledger transfers, optionally for one account',
      { querystring: obj({ account: str({ maxLength: 200 }), ...pageQuery }) },
      anyObject,
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
    ),
    async () => ({ items: await listAccounts(db) }),
  );

  app.get(
    '/api/admin/audit',
    staffRoute(
      'finance:read',
      'Replay the incentive event log and compare with stored balances, positions and pool',
      {},
      obj({ ok: bool, events: int(), differences: arr(anyObject) }),
    ),
    async () => runAudit(db),
  );
};
