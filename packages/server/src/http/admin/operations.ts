import { SNAPSHOTS } from '../operation-snapshots';
import { exportOperations, listOperations, operationActions, type Operation } from '../../platform/operation-log';
import { SHEET_TYPES, writeSheet, type SheetFormat } from '../../platform/spreadsheet';
import { paging, type RouteModule } from '../context';
import { arr, int, obj, pageQuery, sheetAnswer, str } from '../schemas';
import { staffRoute } from '../staff-route';

type Filter = {
  staff?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  from?: string;
  to?: string;
  q?: string;
};
const iso = str({ maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}' });
const filterQuery = {
  staff: str({ maxLength: 50 }),
  action: str({ maxLength: 60 }),
  entity: str({ maxLength: 30 }),
  entityId: str({ maxLength: 100 }),
  from: iso,
  to: iso,
  q: str({ maxLength: 100 }),
};
const operationSchema = obj({
  id: str(),
  at: str(),
  staffId: str(),
  staffUsername: str(),
  action: str(),
  entity: str(),
  entityId: str(),
  before: {},
  after: {},
  ip: str(),
  method: str(),
  path: str(),
});

const HEADER = [
  '时间 at',
  '员工 staff',
  '操作 action',
  '对象 entity',
  '对象 ID id',
  'IP',
  '请求 request',
  '变更前 before',
  '变更后 after',
];
const cell = (value: unknown): string => (value === null || value === undefined ? '' : JSON.stringify(value));
const row = (o: Operation) => [
  o.at,
  o.staffUsername,
  o.action,
  o.entity,
  o.entityId,
  o.ip,
  `${o.method} ${o.path}`,
  cell(o.before),
  cell(o.after),
];

/** 操作日志: every admin write, searchable, and its export. */
export const adminOperationRoutes: RouteModule = async (app, ctx) => {
  const db = ctx.store.db;

  app.get<{ Querystring: Filter & { page?: number; pageSize?: number } }>(
    '/api/admin/operations',
    staffRoute(
      'oplog:read',
      'The operation log, newest first, filtered by staff, action (prefix), entity, id, time and free text',
      { querystring: obj({ ...filterQuery, ...pageQuery }) },
      obj(
        {
          items: arr(operationSchema),
          total: int(),
          page: int(),
          pageSize: int(),
          actions: arr(str()),
          /** Every kind of entity the log can name (the filter's choices). */
          entities: arr(str()),
        },
        ['items'],
      ),
    ),
    async (request) => {
      const { page, pageSize } = paging(request.query);
      return {
        ...(await listOperations(db, request.query, page, pageSize)),
        page,
        pageSize,
        actions: await operationActions(db),
        entities: Object.keys(SNAPSHOTS),
      };
    },
  );

  app.get<{ Querystring: Filter & { format?: SheetFormat } }>(
    '/api/admin/operations/export',
    staffRoute(
      'oplog:read',
      'The filtered operation log as CSV or XLSX (at most 50,000 rows)',
      {
        querystring: obj({ ...filterQuery, format: str({ enum: ['csv', 'xlsx'] }) }),
      },
      sheetAnswer,
      undefined,
      [],
    ),
    async (request, reply) => {
      const format = request.query.format ?? 'csv';
      const rows = (await exportOperations(db, request.query)).map(row);
      const file = await writeSheet(format, 'operations', HEADER, rows);
      void reply
        .header('content-type', SHEET_TYPES[format])
        .header('content-disposition', `attachment; filename="operations.${format}"`)
        .header('cache-control', 'no-store');
      return file;
    },
  );
};
