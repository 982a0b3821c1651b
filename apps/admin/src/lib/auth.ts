import { api, session } from './http';
import type { Staff } from '@mall/web-common/api-types';

/** What the signed-in staff member's role allows; the server checks the same permission on every request. */
export function can(permission: string | undefined): boolean {
  if (!permission) return true;
  const staff = session.user;
  if (!staff) return false;
  return staff.permissions.includes(permission);
}

/** Loads the signed-in staff member once per page load; false when the token is missing or not a staff token. */
export async function ensureStaff(): Promise<boolean> {
  if (!session.token) return false;
  if (session.user) return true;
  try {
    const res = await api.get<{ staff: Staff }>('/api/admin/me');
    session.user = res.staff;
    return true;
  } catch {
    return false;
  }
}
