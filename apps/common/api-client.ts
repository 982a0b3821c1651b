import { reactive } from 'vue';

/** The HTTP client both web apps use: one session per app (its own token key), errors as ApiError. */
const LOCALE_KEY = 'mall.locale';

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function currentLocale(): string {
  return localStorage.getItem(LOCALE_KEY) ?? 'zh-CN';
}

export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
}

export function createApiClient<User>(tokenKey: string) {
  const session = reactive<{ token: string | null; user: User | null }>({
    token: localStorage.getItem(tokenKey),
    user: null,
  });

  function setSession(token: string | null, user: User | null = null): void {
    session.token = token;
    (session as { user: User | null }).user = user;
    if (token) localStorage.setItem(tokenKey, token);
    else localStorage.removeItem(tokenKey);
  }

  let onUnauthorized: () => void = () => undefined;
  function handleUnauthorized(fn: () => void): void {
    onUnauthorized = fn;
  }

  async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { 'Accept-Language': currentLocale(), ...options.headers };
    if (session.token) headers.Authorization = `Bearer ${session.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body });
    } catch {
      throw new ApiError(0, 'network_error', currentLocale() === 'en' ? 'Network error' : '网络错误，请稍后重试');
    }
    const text = await res.text();
    let data: unknown = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!res.ok) {
      const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
      const apiError = new ApiError(
        res.status,
        err?.code ?? `http_${res.status}`,
        err?.message ?? `HTTP ${res.status}`,
      );
      if (res.status === 401 && session.token) {
        setSession(null);
        onUnauthorized();
      }
      throw apiError;
    }
    return data as T;
  }

  const api = {
    get: <T>(path: string) => request<T>('GET', path),
    post: <T>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
      request<T>('POST', path, { body, headers }),
    put: <T>(path: string, body: unknown = {}) => request<T>('PUT', path, { body }),
    delete: <T>(path: string) => request<T>('DELETE', path),
  };

  return { session, setSession, handleUnauthorized, api };
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function qs(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (entries.length === 0) return '';
  return `?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
}

/** Lists answer `{items, total, page, pageSize}`; tolerate a bare array too. */
export function itemsOf<T>(res: { items?: T[] } | T[] | null | undefined): T[] {
  if (Array.isArray(res)) return res;
  return res?.items ?? [];
}
export function totalOf(res: { items?: unknown[]; total?: number } | unknown[] | null | undefined): number {
  if (Array.isArray(res)) return res.length;
  return res?.total ?? res?.items?.length ?? 0;
}
