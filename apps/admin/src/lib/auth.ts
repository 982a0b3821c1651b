import { api, session } from './http';
import type { Staff } from '@mall/web-common/api-types';

/** What the signed-in staff member's role allows; the server checks the same permission on every request. */
export function can(permission: string | undefined): boolean {
  if (!permission) return true;
  const staff = session.user;
  if (!staff) return false;
  return staff.permissions.includes(permission);
}

/** The mall's environment as `/api/admin/me` told it, so the layout's demo banner needs no request of its own. */
let environment: string | undefined;

/** Loads the signed-in staff member once per page load; false when the token is missing or not a staff token. */
export async function ensureStaff(): Promise<boolean> {
  if (!session.token) return false;
  if (session.user) return true;
  try {
    const res = await api.get<{ staff: Staff; environment?: string }>('/api/admin/me');
    session.user = res.staff;
    environment = res.environment;
    return true;
  } catch {
    return false;
  }
}

/** The environment from the session check, or from the settings after a sign-in on this page (no session check). */
export async function staffEnvironment(): Promise<{ environment?: string }> {
  if (environment !== undefined) return { environment };
  return api.get<{ environment?: string }>('/api/admin/settings');
}
