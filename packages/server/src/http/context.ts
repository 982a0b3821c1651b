import type { FastifyInstance, FastifyRequest } from 'fastify';
// The one file of http/ that names the store: routes receive it in the context and hand it to domain functions.
import type { Store } from '../platform/db/database';
import type { Sequencer } from '../incentives/incentive-log';
import type { PaymentProvider } from '../money/payments/provider';
import type { GatewayRegistry } from '../money/payments/gateways';
import type { SmsSender } from '../platform/identity/login-codes';
import { findSession } from '../platform/identity/sessions';
import { getStaff, type SignedInStaff } from '../platform/identity/staff';
import type { Permission } from '../platform/identity/permissions';
import { fail, type ErrorCode } from '../platform/errors';
import type { MallEnvironment } from '../platform/environment';
import type { FileStore } from '../platform/uploads';
import type { Leadership } from '../platform/leader';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route anyone may call; every other route of its area needs sign-in before its schema is checked. */
    public?: boolean;
    /**
     * The permission an admin route needs (null: any signed-in staff member). Every admin route states it; the route
     * registry collects them, so the permission list comes from the routes.
     */
    permission?: Permission | null;
    /** The error a body over the route's limit answers (default payload_too_large), with its detail. */
    tooLarge?: { code: ErrorCode; detail: string };
    /** What an admin write records in the operation log (see operation-hooks.ts). */
    operation?: OperationSpec;
  }
}

/**
 * An admin write's entry in the operation log: the action, the kind of entity it changes (its state before and after
 * is read by that kind's snapshot), and where the entity's id comes from. `entity: null` is a job with no entity
 * (run settlement now): its answer is kept as the "after".
 */
export interface OperationSpec {
  action: string;
  entity: EntityKind | null;
  /** The id(s) the write is about, from the request (path parameter, body). */
  target?: (request: FastifyRequest) => string | string[] | undefined | Promise<string | string[] | undefined>;
  /** For creates, and writes whose ids only the answer knows. */
  answerTarget?: (answer: unknown) => string | string[] | undefined;
  /** A POST that only reads (a preview): not logged. */
  readOnly?: boolean;
}

export type EntityKind =
  | 'product'
  | 'category'
  | 'order'
  | 'withdrawal'
  | 'campaign'
  | 'settings'
  | 'staff'
  | 'role'
  | 'layout'
  | 'upload'
  | 'couponTemplate'
  | 'spendThreshold'
  | 'flashSale'
  | 'levels'
  | 'shopper';

export interface AppContext {
  store: Store;
  sequencer: Sequencer;
  providers: ReadonlyMap<string, PaymentProvider>;
  /** WeChat Pay and Alipay, as configured (none in a demo without their variables). */
  gateways: GatewayRegistry;
  /** Absent in production until an SMS gateway is configured: the code routes then answer sms_unavailable. */
  sms: SmsSender | undefined;
  /** The sandbox gateway's HMAC key; absent in production, where the sandbox does not exist. */
  sandboxSecret: string | undefined;
  /** Keys the HMAC under which one-time codes are stored. */
  codeSecret: string;
  environment: MallEnvironment;
  /** Where uploaded images go, and the most bytes one may have. */
  uploads: { files: FileStore; limitBytes: number };
  /** Runs the settlement now (the admin route and the timer share it), auto-confirming due receipts first. */
  settleNow(): Promise<number>;
  /** Leader-only jobs (timers, period closes) go through `leader.run(job)` or `leader.every(...)`. */
  leader: Leadership;
}

export interface AppOptions {
  logLevel: string;
  /** Login and register attempts per IP per minute. */
  authRateLimitPerMinute: number;
  webRoot?: string | undefined;
  /** MALL_ENV=production: no sandbox, API docs for staff only. */
  production?: boolean;
  /** Behind a reverse proxy: which hops to trust for the client address (rate limits key on it). */
  trustProxy?: boolean | number | string;
  /** A connection idle for this long is closed, also one that never sent a byte. */
  connectionTimeoutMs?: number;
  /** A bearer token that may read /metrics (a Prometheus server's), besides staff tokens. */
  metricsToken?: string | undefined;
}

/** A route module: registers one area's routes on the scope it is given. */
export type RouteModule = (app: FastifyInstance, ctx: AppContext, options: AppOptions) => Promise<void>;

export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** The admin app sets this cookie at sign-in so a browser can open the API docs, which production keeps for staff. */
export const STAFF_DOCS_COOKIE = 'mall_staff_token';

function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

// One session lookup per request, however many checks ask (the route hook, then the handler).
const sessions = new WeakMap<FastifyRequest, Awaited<ReturnType<typeof findSession>>>();

async function sessionOf(ctx: AppContext, request: FastifyRequest) {
  if (sessions.has(request)) return sessions.get(request);
  const token = bearer(request);
  const session = token === undefined ? undefined : await findSession(ctx.store.db, token);
  sessions.set(request, session);
  return session;
}

/** The signed-in shopper's id; a missing, expired or staff token is 401. */
export async function shopperId(ctx: AppContext, request: FastifyRequest): Promise<string> {
  const session = await sessionOf(ctx, request);
  if (session === undefined || session.kind !== 'shop') fail('unauthorized');
  return session.subjectId;
}

const staffCache = new WeakMap<FastifyRequest, SignedInStaff | undefined>();

async function staffOfSession(ctx: AppContext, request: FastifyRequest): Promise<SignedInStaff | undefined> {
  if (staffCache.has(request)) return staffCache.get(request);
  const session = await sessionOf(ctx, request);
  const staff = session?.kind === 'staff' ? await getStaff(ctx.store.db, session.subjectId) : undefined;
  staffCache.set(request, staff);
  return staff;
}

/**
 * The signed-in staff member, checked for one permission: no token 401, a shopper token 401, a disabled member 401,
 * no permission 403. The role's permissions are read from the database on every request, so a role edit applies at
 * once.
 */
export async function staffWith(
  ctx: AppContext,
  request: FastifyRequest,
  permission: Permission | null,
): Promise<SignedInStaff> {
  const staff = await staffOfSession(ctx, request);
  if (staff === undefined) fail('unauthorized');
  if (permission !== null && !staff.permissions.includes(permission)) fail('forbidden', permission);
  return staff;
}

/** The staff member the admin scope's hook already signed in (and checked for the route's permission). */
export function staffOf(ctx: AppContext, request: FastifyRequest): Promise<SignedInStaff> {
  return staffWith(ctx, request, null);
}

/** Staff sign-in from the Authorization header, or from the docs cookie for routes a browser opens directly. */
export async function staffFromHeaderOrCookie(ctx: AppContext, request: FastifyRequest): Promise<SignedInStaff> {
  const token = bearer(request) ?? cookie(request, STAFF_DOCS_COOKIE);
  const session = token === undefined ? undefined : await findSession(ctx.store.db, token);
  if (session === undefined || session.kind !== 'staff') fail('unauthorized');
  const staff = await getStaff(ctx.store.db, session.subjectId);
  if (staff === undefined) fail('unauthorized');
  return staff;
}

export function staffJson(staff: SignedInStaff) {
  return {
    id: staff.id,
    username: staff.username,
    role: staff.role,
    roleName: staff.roleName,
    permissions: [...staff.permissions],
    totpEnabled: staff.totpEnabled,
  };
}

/**
 * Sign-in is checked before the body schema, so a stranger learns nothing about a route but 401: every route of the
 * scope that is not marked `config: { public: true }` runs `check` first.
 */
export function requireSignIn(app: FastifyInstance, check: (request: FastifyRequest) => Promise<unknown>): void {
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.public !== true) await check(request);
  });
}

export function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Page and size of a list query, with the defaults every list route uses. */
export function paging(query: { page?: number; pageSize?: number }): { page: number; pageSize: number } {
  return { page: query.page ?? 1, pageSize: query.pageSize ?? 20 };
}
