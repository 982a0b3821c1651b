import type { FastifyRequest } from 'fastify';
import type { Store } from '../db/database';
import type { Sequencer } from '../incentive-log';
import type { PaymentProvider } from '../payments/provider';
import type { SmsSender, StaffRow, Permission } from '../identity';
import { ROLE_PERMISSIONS, findSession, getStaff } from '../identity';
import { fail } from '../errors';
import type { MallEnvironment } from '../environment';

export interface AppContext {
  store: Store;
  sequencer: Sequencer;
  providers: ReadonlyMap<string, PaymentProvider>;
  /** Absent in production until an SMS gateway is configured: the code routes then answer sms_unavailable. */
  sms: SmsSender | undefined;
  /** The sandbox gateway's HMAC key; absent in production, where the sandbox does not exist. */
  sandboxSecret: string | undefined;
  /** Keys the HMAC under which one-time codes are stored. */
  codeSecret: string;
  environment: MallEnvironment;
  /** Runs the settlement now (the admin route and the timer share it). */
  settleNow(): Promise<number>;
}

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

/** The signed-in staff member, checked for one permission: no token 401, a shopper token 401, no permission 403. */
export async function staffWith(
  ctx: AppContext,
  request: FastifyRequest,
  permission: Permission | null,
): Promise<StaffRow> {
  const session = await sessionOf(ctx, request);
  if (session === undefined || session.kind !== 'staff') fail('unauthorized');
  const staff = await getStaff(ctx.store.db, session.subjectId);
  if (staff === undefined) fail('unauthorized');
  if (permission !== null && !ROLE_PERMISSIONS[staff.role].includes(permission)) fail('forbidden', permission);
  return staff;
}

/** Staff sign-in from the Authorization header, or from the docs cookie for routes a browser opens directly. */
export async function staffFromHeaderOrCookie(ctx: AppContext, request: FastifyRequest): Promise<StaffRow> {
  const token = bearer(request) ?? cookie(request, STAFF_DOCS_COOKIE);
  const session = token === undefined ? undefined : await findSession(ctx.store.db, token);
  if (session === undefined || session.kind !== 'staff') fail('unauthorized');
  const staff = await getStaff(ctx.store.db, session.subjectId);
  if (staff === undefined) fail('unauthorized');
  return staff;
}

export function staffJson(staff: StaffRow) {
  return { id: staff.id, username: staff.username, role: staff.role, permissions: [...ROLE_PERMISSIONS[staff.role]] };
}
