import { appointAgent, dismissAgent, listAgents } from '../../incentives/agents';
import { staffOf, type RouteModule } from '../context';
import { arr, obj, str } from '../schemas';
import { byParam, staffRoute } from '../staff-route';

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
    staffRoute(
      'users:read',
      'Regional agents in office, in appointment order',
      {},
      obj({ items: arr(agentSchema) }, ['items']),
    ),
    async () => {
      return { items: await listAgents(db) };
    },
  );

  for (const [action, run, summary] of [
    ['appoint', appointAgent, 'Appoint a shopper agent of a province, city or district'],
    ['dismiss', dismissAgent, 'Dismiss a shopper as agent of a region'],
  ] as const) {
    app.post<{ Params: { id: string }; Body: { region: string[] } }>(
      `/api/admin/users/:id/agent/${action}`,
      staffRoute(
        'plans:write',
        summary,
        { params: obj({ id: str({ minLength: 1, maxLength: 100 }) }, ['id']), body: obj({ region }, ['region']) },
        obj({ items: arr(agentSchema) }, ['items']),
        { action: `agent.${action}`, entity: 'shopper', target: byParam() },
      ),
      async (request) => {
        const staff = await staffOf(ctx, request);
        await run(ctx.sequencer, request.params.id, request.body.region, actor(staff.username));
        return { items: (await listAgents(db)).filter((a) => a.userId === request.params.id) };
      },
    );
  }
};
