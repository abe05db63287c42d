// The dashboard's only way to the server: the REST API under /v1 with the operator key in a header.
const KEY_STORE = 'fleetgate.key';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function savedKey(): string | null {
  return sessionStorage.getItem(KEY_STORE);
}

export function saveKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KEY_STORE);
  else sessionStorage.setItem(KEY_STORE, key);
}

export function authHeaders(): Record<string, string> {
  const k = savedKey();
  return k ? { authorization: `Bearer ${k}` } : {};
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = authHeaders();
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 204) return undefined as T;
  const json = (await r.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!r.ok) throw new ApiError(r.status, json?.error?.code ?? 'FG_API_ERROR', json?.error?.message ?? `HTTP ${r.status}`);
  return json as T;
}

export const get = <T>(path: string) => api<T>('GET', path);

/** Query string from the defined values only. */
export function qs(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
