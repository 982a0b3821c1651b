import { appointAgent, dismissAgent, listAgents } from '../../incentives/agents';
import { staffWith, type RouteModule } from '../context';
import { adminRoute, arr, obj, str } from '../schemas';

const region = arr(str({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 3 });
const agentSchema = obj({ userId: str(), phone: str(), region: arr(str()), appointedAt: str() }, [
  'userId',
  'phone',
  'region',
  'appointedAt',
]);
const actor = (username: string) => `staff:${username}`;

/** Regional agents (区域代理): appointed and dismissed from the user page, each an engine event, logged. */
export const adminAgentRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get(
    '/api/admin/agents',
    adminRoute(
      'Regional agents in office, in appointment order (users:read)',
      {},
      obj({ items: arr(agentSchema) }, ['items']),
    ),
    async (request) => {
      await staffWith(ctx, request, 'users:read');
      return { items: await listAgents(db) };
    },
  );

  for (const [action, run, summary] of [
    ['appoint', appointAgent, 'Appoint a shopper agent of a province, city or district (plans:write)'],
    ['dismiss', dismissAgent, 'Dismiss a shopper as agent of a region (plans:write)'],
  ] as const) {
    app.post<{ Params: { id: string }; Body: { region: string[] } }>(
      `/api/admin/users/:id/agent/${action}`,
      adminRoute(
        summary,
        { params: obj({ id: str({ minLength: 1, maxLength: 100 }) }, ['id']), body: obj({ region }, ['region']) },
        obj({ items: arr(agentSchema) }, ['items']),
      ),
      async (request) => {
        const staff = await staffWith(ctx, request, 'plans:write');
        await run(ctx.sequencer, request.params.id, request.body.region, actor(staff.username));
        return { items: (await listAgents(db)).filter((a) => a.userId === request.params.id) };
      },
    );
  }
};
