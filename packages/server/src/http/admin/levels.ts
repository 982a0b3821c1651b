import {
  createLevel,
  editLevel,
  levelJson,
  memberAuditLog,
  reorderLevels,
  setShopperLevel,
} from '../../incentives/member-levels';
import { loadLevels } from '../../incentives/level-ladder';
import { staffOf, type RouteModule } from '../context';
import { arr, fen, int, obj, str } from '../schemas';
import { byParam, staffRoute } from '../staff-route';

const code = str({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' });
const levelSchema = obj({ code: str(), name: str(), rank: int(), minSpendFen: int() }, [
  'code',
  'name',
  'rank',
  'minSpendFen',
]);
const ladderSchema = obj({ items: arr(levelSchema) }, ['items']);
const actor = (username: string) => `staff:${username}`;

/**
 * Member levels (会员等级): the ladder lowest first with spend thresholds, a shopper's level set by hand (an engine
 * `setLevel` event, logged), and the log of what staff did to levels.
 */
export const adminLevelRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;
  const ladder = (rows: Awaited<ReturnType<typeof loadLevels>>) => ({ items: rows.map(levelJson) });

  app.get('/api/admin/levels', staffRoute('plans:read', 'Member levels, lowest first', {}, ladderSchema), async () => {
    return ladder(await loadLevels(db));
  });

  app.post<{ Body: { code: string; name: string; minSpendFen: number } }>(
    '/api/admin/levels',
    staffRoute(
      'plans:write',
      'Add a level on top of the ladder; refused once campaigns have per-level parameters',
      {
        body: obj({ code, name: str({ minLength: 1, maxLength: 20 }), minSpendFen: fen }, [
          'code',
          'name',
          'minSpendFen',
        ]),
      },
      ladderSchema,
      { action: 'level.create', entity: 'levels' },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      const { minSpendFen, ...rest } = request.body;
      return ladder(
        await createLevel(ctx.sequencer, { ...rest, minSpendFen: BigInt(minSpendFen) }, actor(staff.username)),
      );
    },
  );

  app.put<{ Params: { code: string }; Body: { name?: string; minSpendFen?: number } }>(
    '/api/admin/levels/:code',
    staffRoute(
      'plans:write',
      'Rename a level or change its threshold: thresholds apply to orders settled from now on',
      {
        params: obj({ code }, ['code']),
        body: obj({ name: str({ minLength: 1, maxLength: 20 }), minSpendFen: fen }),
      },
      ladderSchema,
      { action: 'level.update', entity: 'levels' },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      const { name, minSpendFen } = request.body;
      const patch = { name, minSpendFen: minSpendFen === undefined ? undefined : BigInt(minSpendFen) };
      return ladder(await editLevel(ctx.sequencer, request.params.code, patch, actor(staff.username)));
    },
  );

  app.put<{ Body: { codes: string[] } }>(
    '/api/admin/levels-order',
    staffRoute(
      'plans:write',
      'Put the levels in a new order, lowest first; refused once the ladder is in use',
      { body: obj({ codes: arr(code, { minItems: 1, maxItems: 50 }) }, ['codes']) },
      ladderSchema,
      { action: 'level.reorder', entity: 'levels' },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      return ladder(await reorderLevels(ctx.sequencer, request.body.codes, actor(staff.username)));
    },
  );

  app.put<{ Params: { id: string }; Body: { level: string } }>(
    '/api/admin/users/:id/level',
    staffRoute(
      'plans:write',
      "Set a shopper's level by hand: a later setting replaces it, promotion by spend still lifts it",
      { params: obj({ id: str({ minLength: 1, maxLength: 100 }) }, ['id']), body: obj({ level: code }, ['level']) },
      obj({ userId: str(), level: str() }, ['userId', 'level']),
      { action: 'user.level', entity: 'shopper', target: byParam() },
    ),
    async (request) => {
      const staff = await staffOf(ctx, request);
      await setShopperLevel(ctx.sequencer, request.params.id, request.body.level, actor(staff.username));
      return { userId: request.params.id, level: request.body.level };
    },
  );

  app.get<{ Querystring: { user?: string; limit?: number } }>(
    '/api/admin/member-log',
    staffRoute(
      'users:read',
      "What staff did to levels, shoppers' levels and agents, newest first",
      { querystring: obj({ user: str({ maxLength: 100 }), limit: int({ minimum: 1, maximum: 500 }) }) },
      obj(
        {
          items: arr(
            obj({
              id: str(),
              userId: { type: ['string', 'null'] },
              actor: str(),
              action: str(),
              detail: str(),
              at: str(),
            }),
          ),
        },
        ['items'],
      ),
    ),
    async (request) => {
      return { items: await memberAuditLog(db, request.query.user, request.query.limit ?? 100) };
    },
  );
};
