import { createEarlyGet } from '@mall/web-common/early-get';
import { api } from './http';

export const { start: startGet, take: takeGet } = createEarlyGet((path) => api.get(path));

export const dashboardPath = '/api/admin/dashboard';
